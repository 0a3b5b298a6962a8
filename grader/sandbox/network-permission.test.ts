/**
 * A sandbox on a machine without network namespaces (`RL_SANDBOX_NAMESPACES=0` stands in for
 * one): where Node's permission model governs sockets and a permission can be given up at run
 * time (Node 26), the sandbox gives up the network once its channel is open (host.ts), so it
 * still makes no connection. Elsewhere the network namespace is what closes it (sandbox.test.ts).
 */
import { createServer, type Server } from "node:net";
import { mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, test } from "vitest";
import { sandboxDropsNetwork } from "./permission";

// Before the sandbox modules probe this machine (once per module graph): no namespaces. Put
// back after the file, whatever the pool does with its workers.
const namespacesBefore = process.env.RL_SANDBOX_NAMESPACES;
process.env.RL_SANDBOX_NAMESPACES = "0";
const { Sandbox } = await import("./client");
const { isolation } = await import("./launch");
const { sandboxRuntime } = await import("./runtime");
const { fromWire } = await import("./wire");

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
let work: string;
let runtimeDir: string;
const servers: Server[] = [];
const open: InstanceType<typeof Sandbox>[] = [];

beforeAll(async () => {
  work = realpathSync(mkdtempSync(join(tmpdir(), "rl-network-permission-")));
  runtimeDir = await sandboxRuntime(root);
}, 60_000);

afterAll(() => {
  for (const s of open) s.close();
  for (const s of servers) s.close();
  rmSync(work, { recursive: true, force: true });
  if (namespacesBefore === undefined) delete process.env.RL_SANDBOX_NAMESPACES;
  else process.env.RL_SANDBOX_NAMESPACES = namespacesBefore;
});

test("the stand-in machine has no network namespace", () => {
  expect(isolation().network).toBe(false);
});

test.runIf(sandboxDropsNetwork())("without a network namespace, a sandbox on Node 26 connects neither to a port nor to a Unix socket, and still answers", async () => {
  let connections = 0;
  const listen = (server: Server, where: number | string) =>
    new Promise<void>((done) => (typeof where === "number" ? server.listen(where, "127.0.0.1", done) : server.listen(where, done)));
  const tcp = createServer((c) => (connections++, c.destroy()));
  const unix = createServer((c) => (connections++, c.destroy()));
  servers.push(tcp, unix);
  await listen(tcp, 0);
  const socketPath = join(work, "listen.sock");
  await listen(unix, socketPath);
  const port = (tcp.address() as { port: number }).port;
  const file = join(work, "network.mjs");
  writeFileSync(
    file,
    `import { connect } from "node:net";
     const attempt = (options) => new Promise((done) => {
       try { const c = connect(options); c.on("connect", () => done("connected")); c.on("error", (e) => done(e.code ?? e.message)); }
       catch (e) { done(e.code ?? e.message); }
     });
     export const tcp = () => attempt({ port: ${port}, host: "127.0.0.1" });
     export const unix = () => attempt({ path: ${JSON.stringify(socketPath)} });
     export const answer = () => 42;`,
  );
  const sandbox = new Sandbox({ runtimeDir, exerciseFile: file, memoryMb: 128 });
  open.push(sandbox);
  const loaded = await sandbox.request({ op: "load", file }, { cpuMs: 5_000, wallMs: 15_000 });
  expect(loaded.reply.ok, JSON.stringify(loaded.reply)).toBe(true);
  const ask = async (fn: string) => {
    const { reply } = await sandbox.request({ op: "run", steps: [{ call: fn, args: [] }] }, { cpuMs: 2_000, wallMs: 4_000 });
    return fromWire((reply.results as { value: unknown }[])[0].value);
  };
  expect(await ask("tcp")).toBe("ERR_ACCESS_DENIED");
  expect(await ask("unix")).toBe("ERR_ACCESS_DENIED");
  expect(await ask("answer")).toBe(42);
  expect(connections).toBe(0);
}, 60_000);

test("without a root of its own, a sandbox writes no trace file where it runs (node:trace_events, which Node 20's permission model lets write)", async () => {
  const traces = () => readdirSync(realpathSync(runtimeDir)).filter((name) => name.startsWith("node_trace"));
  const file = join(work, "trace.mjs");
  writeFileSync(
    file,
    `import * as trace from "node:trace_events";
     export const traced = async () => {
       try {
         const tracing = trace.createTracing({ categories: ["node.perf", "node.async_hooks"] });
         tracing.enable();
         for (let i = 0; i < 20_000; i++) { performance.mark("written by the sandbox"); await Promise.resolve(); }
         await new Promise((done) => setTimeout(done, 300));
         tracing.disable();
         return "traced";
       } catch (e) { return e.code ?? e.message; }
     };`,
  );
  const sandbox = new Sandbox({ runtimeDir, exerciseFile: file, memoryMb: 128 });
  open.push(sandbox);
  const loaded = await sandbox.request({ op: "load", file }, { cpuMs: 5_000, wallMs: 15_000 });
  expect(loaded.reply.ok, JSON.stringify(loaded.reply)).toBe(true);
  const { reply } = await sandbox.request({ op: "run", steps: [{ call: "traced", args: [] }] }, { cpuMs: 10_000, wallMs: 10_000 });
  // Node 20 traces (into nothing); from Node 22 the permission model refuses.
  expect(fromWire((reply.results as { value: unknown }[])[0].value)).toMatch(/^(traced|ERR_ACCESS_DENIED)$/);
  sandbox.close();
  await new Promise((done) => setTimeout(done, 500));
  const written = traces();
  for (const name of written) rmSync(join(realpathSync(runtimeDir), name), { force: true });
  expect(written).toEqual([]);
}, 60_000);
