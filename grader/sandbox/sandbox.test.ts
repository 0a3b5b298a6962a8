/**
 * The sandbox's limits one by one, on small modules written for each, and the wire's promise that
 * what crosses is plain data. (hostile.test.ts grades whole hostile submissions.)
 */
import { createServer } from "node:net";
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Sandbox, SandboxStopped, type Limit } from "./client";
import { isolation } from "./launch";
import { procStat } from "../engine/proc-stat";
import { sandboxDropsNetwork } from "./permission";
import { sandboxRuntime } from "./runtime";
import { DRAWS_MAX } from "./protocol";
import { decode, encode, FrameReader, FunctionRef, fromWire, toWire } from "./wire";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
let work: string;
let runtimeDir: string;
const open: Sandbox[] = [];

beforeAll(async () => {
  work = realpathSync(mkdtempSync(join(tmpdir(), "rl-sandbox-test-")));
  runtimeDir = await sandboxRuntime(root);
}, 60_000);

afterAll(() => {
  for (const s of open) s.close();
  rmSync(work, { recursive: true, force: true });
});

/** A sandbox with `source` loaded as its exercise module. */
async function sandboxOf(name: string, source: string, memoryMb = 128, startHere?: boolean, singleThreaded?: boolean): Promise<Sandbox> {
  const file = join(work, `${name}.mjs`);
  writeFileSync(file, source);
  const sandbox = new Sandbox({ runtimeDir, exerciseFile: file, memoryMb, startHere, singleThreaded });
  open.push(sandbox);
  const { reply } = await sandbox.request({ op: "load", file }, { cpuMs: 5_000, wallMs: 15_000 });
  expect(reply.ok, JSON.stringify(reply)).toBe(true);
  return sandbox;
}

/** Calls `fn` and returns its answer (decoded), or the error it threw. */
async function ask(sandbox: Sandbox, fn: string, limit: Limit = { cpuMs: 2_000, wallMs: 4_000 }): Promise<unknown> {
  const { reply } = await sandbox.request({ op: "run", steps: [{ call: fn, args: [] }] }, limit);
  if (reply.error) return { threw: (reply.error as { message: string }).message };
  return fromWire((reply.results as { value: unknown }[])[0].value);
}

describe("a sandbox", () => {
  test("reads no file but its own, writes none, and has an empty environment", async () => {
    const s = await sandboxOf(
      "files",
      `import * as fs from "node:fs";
       const attempt = (f) => { try { return String(f()); } catch (e) { return e.code ?? e.message; } };
       export const read = () => attempt(() => fs.readFileSync("/etc/hostname", "utf8"));
       export const readProject = () => attempt(() => fs.readFileSync(${JSON.stringify(join(root, "package.json"))}, "utf8"));
       export const write = () => attempt(() => fs.writeFileSync(${JSON.stringify(join(work, "written"))}, "x"));
       export const env = () => JSON.stringify(process.env);`,
    );
    expect(await ask(s, "read")).toBe("ERR_ACCESS_DENIED");
    expect(await ask(s, "readProject")).toBe("ERR_ACCESS_DENIED");
    expect(await ask(s, "write")).toBe("ERR_ACCESS_DENIED");
    expect(await ask(s, "env")).toBe("{}");
  }, 60_000);

  test("writes no file through node:sqlite, which Node's permission model does not govern (Node 22 and later)", async () => {
    const target = join(work, "written.sqlite");
    const s = await sandboxOf(
      "sqlite",
      `export const write = async () => {
         try {
           const { DatabaseSync } = await import("node:sqlite");
           new DatabaseSync(${JSON.stringify(target)}).exec("create table t(x)");
           return "wrote";
         } catch (e) { return e.code ?? e.message; }
       };`,
    );
    // Node 20 has no node:sqlite; from 22 on the sandbox is started without it (permissionExtras).
    expect(await ask(s, "write")).toBe("ERR_UNKNOWN_BUILTIN_MODULE");
    expect(existsSync(target)).toBe(false);
  }, 60_000);

  test("loads no native code through node:ffi, on by default from Node 26", async () => {
    const s = await sandboxOf(
      "ffi",
      `export const native = async () => {
         try {
           const ffi = await import("node:ffi");
           const libc = ffi.dlopen("libc.so.6", { getpid: { result: "i32", parameters: [] } });
           return "loaded " + typeof libc;
         } catch (e) { return e.code ?? e.message; }
       };`,
    );
    // Node 20 to 25 have no node:ffi by default; from 26 on the sandbox is started without it
    // (permissionExtras), where the permission model would refuse the call (ERR_ACCESS_DENIED).
    expect(await ask(s, "native")).toBe("ERR_UNKNOWN_BUILTIN_MODULE");
  }, 60_000);

  test("starts no process, thread or code from a string", async () => {
    const s = await sandboxOf(
      "spawn",
      `import * as cp from "node:child_process";
       import { Worker } from "node:worker_threads";
       const attempt = (f) => { try { f(); return "allowed"; } catch (e) { return e.code ?? e.name; } };
       export const child = () => attempt(() => cp.execFileSync("true"));
       export const worker = () => attempt(() => new Worker("1", { eval: true }));
       export const evaluate = () => attempt(() => new Function("return 1")());`,
    );
    expect(await ask(s, "child")).toBe("ERR_ACCESS_DENIED");
    expect(await ask(s, "worker")).toBe("ERR_ACCESS_DENIED");
    expect(await ask(s, "evaluate")).toBe("EvalError");
  }, 60_000);

  test("cannot change V8's flags at run time: turning on natives syntax for node:vm ends the sandbox", async () => {
    const s = await sandboxOf(
      "v8-flags",
      `import * as v8 from "node:v8";
       import * as vm from "node:vm";
       export const natives = () => { v8.setFlagsFromString("--allow-natives-syntax"); return vm.runInThisContext("%IsBeingInterpreted()"); };`,
    );
    const outcome = await ask(s, "natives").catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(SandboxStopped);
    expect((outcome as SandboxStopped).why).toBe("died");
  }, 60_000);

  test.skipIf(!isolation().network)("has no network, not even this machine's loopback", async () => {
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const port = (server.address() as { port: number }).port;
    try {
      const s = await sandboxOf(
        "network",
        `import { connect } from "node:net";
         export const call = () => new Promise((done) => { const c = connect(${port}, "127.0.0.1"); c.on("connect", () => done("connected")); c.on("error", (e) => done(e.code)); });`,
      );
      // Node 26 gives the network up inside the sandbox too (host.ts), and refuses first.
      expect(await ask(s, "call")).toBe(sandboxDropsNetwork() ? "ERR_ACCESS_DENIED" : "ENETUNREACH");
      expect(connections).toBe(0);
    } finally {
      server.close();
    }
  }, 60_000);

  test.skipIf(!isolation().fileSystem)("sees no file, folder or Unix socket of the host but its own, and can make none: a read-only root of its own", async () => {
    // Node's permission model governs node:fs only. Through node:net a path still tells whether
    // something is there (ENOENT: nothing; ECONNREFUSED: a file or folder that is no listening
    // socket), and the Pipe handle behind stdout binds socket files without node:fs.
    const host = mkdtempSync(join(work, "host-"));
    const socket = join(host, "listen.sock");
    let connections = 0;
    const server = createServer((c) => {
      connections++;
      c.destroy();
    });
    await new Promise<void>((done) => server.listen(socket, done));
    writeFileSync(join(work, "beside.txt"), "beside its own file");
    const paths = {
      socket,
      itself: join(work, "root.mjs"),
      beside: join(work, "beside.txt"),
      passwd: "/etc/passwd",
      etc: "/etc",
      project: join(root, "package.json"),
      git: join(root, ".git"),
      home: "/home",
      rootHome: "/root",
      run: "/run",
      var: "/var",
      dev: "/dev/null",
      proc: "/proc/1/environ",
    };
    const made = [join(host, "made.sock"), join(work, "made.sock"), "/made.sock", join(runtimeDir, "made.sock"), join(tmpdir(), "rl-made-by-sandbox-test.sock")];
    try {
      const s = await sandboxOf(
        "root",
        `import { connect } from "node:net";
         const probe = (path) => new Promise((done) => { const c = connect(path); c.on("connect", () => { c.destroy(); done("connected"); }); c.on("error", (e) => done(e.code)); });
         export const seen = async () => { const out = {}; for (const [what, path] of Object.entries(${JSON.stringify(paths)})) out[what] = await probe(path); return out; };
         export const make = () => { try { const Pipe = process.stdout._handle.constructor; return ${JSON.stringify(made)}.map((path) => new Pipe(1).bind(path)); } catch (e) { return e.code ?? e.message; } };`,
      );
      // Its own files are there, with the folders on their way (a project under /root makes a
      // /root there, holding nothing but that way); nothing else is. The probe tells something
      // (ECONNREFUSED, or EROFS for a folder) from nothing (ENOENT).
      const ownFiles = [realpathSync(runtimeDir), join(work, "root.mjs")];
      const onTheWay = (path: string) => ownFiles.some((own) => own === path || own.startsWith(`${path}/`));
      // Where the sandbox gives up the network (Node 26, host.ts), node:net tells nothing at all.
      const told = (path: string) => (sandboxDropsNetwork() ? "ERR_ACCESS_DENIED" : onTheWay(path) ? expect.stringMatching(/^(ECONNREFUSED|EROFS)$/) : "ENOENT");
      const expected = Object.fromEntries(Object.entries(paths).map(([what, path]) => [what, told(path)]));
      expect(onTheWay(paths.itself) && !onTheWay(paths.beside) && !onTheWay(paths.socket)).toBe(true);
      expect(await ask(s, "seen")).toEqual(expected);
      expect(connections).toBe(0);
      // Each bind fails with an error number (negative): no such folder, or a read-only file
      // system; where the sandbox gives up the network (Node 26), no pipe handle is made at all.
      const codes = (await ask(s, "make")) as number[] | string;
      if (sandboxDropsNetwork()) expect(codes).toBe("ERR_ACCESS_DENIED");
      else expect(Array.isArray(codes) && codes.every((code) => code < 0), String(codes)).toBe(true);
      for (const path of made) expect(existsSync(path), path).toBe(false);
    } finally {
      server.close();
      for (const path of made) rmSync(path, { force: true });
    }
  }, 60_000);

  test("starts where its files' paths hold spaces, quotes and shell characters", async () => {
    // (Not a backslash: Node refuses one in a module's path.)
    const s = await sandboxOf(`it's "a" $name; $(true) \` *`, `export const answer = () => 42;`);
    expect(await ask(s, "answer")).toBe(42);
  }, 60_000);

  test.skipIf(!isolation().processes)("sees no other process: it is process 1 of its own namespace", async () => {
    const s = await sandboxOf("pid", `export const ids = () => [process.pid, process.ppid];`);
    expect(await ask(s, "ids")).toEqual([1, 0]);
  }, 60_000);

  test("a batch's sandbox starts V8 without helper threads, another with them", async () => {
    const source = `export const flags = () => process.execArgv.includes("--single-threaded");`;
    for (const singleThreaded of [true, false]) {
      const s = await sandboxOf(`flags-${singleThreaded}`, source, 128, undefined, singleThreaded);
      expect(await ask(s, "flags")).toBe(singleThreaded);
    }
  }, 60_000);

  // Node 26's V8 (14.6) still shares scavenges with its helper threads under the flag (perf shows
  // Scavenger::ScavengeObject on its V8Worker threads); there the saving comes from the rest of
  // what the flag turns off (concurrent compilation, marking and sweeping), not from this.
  test.runIf(process.platform === "linux" && Number(process.versions.node.split(".")[0]) < 26)(
    "a batch's sandbox collects its garbage on its own thread: its other threads use no CPU time while it allocates",
    async () => {
      // Allocates a few GB in short-lived objects: scavenges that V8 otherwise shares with its
      // helper threads.
      const source = `export const churn = () => {
        let kept = 0;
        for (let r = 0; r < 150; r++) { const a = []; for (let i = 0; i < 200000; i++) a.push({ i, j: i * 2.5 }); kept += a.length; }
        return kept;
      };`;
      const helperCpuMs = async (name: string, singleThreaded: boolean): Promise<number> => {
        const s = await sandboxOf(name, source, 256, undefined, singleThreaded);
        expect(await ask(s, "churn", { cpuMs: 20_000, wallMs: 60_000 })).toBe(30_000_000);
        // The sandbox's Node process (not prlimit or unshare before it, whose command lines name the file too).
        const pids = readdirSync("/proc").filter((p) => {
          if (!/^\d+$/.test(p)) return false;
          try {
            const argv = readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0");
            return /node[0-9.]*$/.test(argv[0]) && argv.some((a) => a.endsWith(`${name}.mjs`));
          } catch {
            return false;
          }
        });
        expect(pids).toHaveLength(1);
        const pid = pids[0];
        let cpuMs = 0;
        for (const task of readdirSync(`/proc/${pid}/task`)) if (task !== pid) cpuMs += procStat(`${pid}/task/${task}`)?.cpuMs ?? 0;
        s.close();
        return cpuMs;
      };
      // /proc counts in clock ticks of 10 ms.
      expect(await helperCpuMs("threads-single", true)).toBeLessThanOrEqual(20);
      expect(await helperCpuMs("threads-usual", false)).toBeGreaterThanOrEqual(50);
    },
    120_000,
  );

  test("is stopped from outside after its CPU time: a busy loop", async () => {
    const s = await sandboxOf("loop", `export const spin = () => { for (;;); };`);
    const started = Date.now();
    await expect(ask(s, "spin", { cpuMs: 500, wallMs: 10_000 })).rejects.toMatchObject({ name: "SandboxStopped", why: "cpu" });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(s.alive).toBe(false);
  }, 60_000);

  test("is stopped from outside after its wall-clock cap: Atomics.wait uses no CPU", async () => {
    const s = await sandboxOf("wait", `export const block = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);`);
    await expect(ask(s, "block", { cpuMs: 500, wallMs: 1_500 })).rejects.toMatchObject({ name: "SandboxStopped", why: "wall" });
  }, 60_000);

  test.skipIf(process.platform !== "linux")("counts against its wall-clock cap only the time it sleeps, not the time it works: a slow answer on a busy machine", async () => {
    // 300 ms of CPU time takes at least 300 ms on the wall clock, three times the cap: only the
    // time spent asleep counts. The same cap stops a wait at once.
    const s = await sandboxOf(
      "slow",
      `export const work = () => { const start = process.cpuUsage(); let x = 0; while ((process.cpuUsage(start).user + process.cpuUsage(start).system) < 300_000) x += Math.sqrt(x + 1); return x > 0; };
       export const block = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);`,
    );
    expect(await ask(s, "work", { cpuMs: 10_000, wallMs: 100, starvedFactor: 1_000 })).toBe(true);
    await expect(ask(s, "block", { cpuMs: 10_000, wallMs: 100, starvedFactor: 1_000 })).rejects.toMatchObject({ name: "SandboxStopped", why: "wall" });
  }, 120_000);

  test("runs out of memory alone, and says so", async () => {
    const s = await sandboxOf("memory", `const kept = []; export const grow = () => { for (;;) kept.push(new Array(1e6).fill(1)); };`, 64);
    const error = await ask(s, "grow", { cpuMs: 20_000, wallMs: 40_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxStopped);
    expect((error as Error).message).toMatch(/ran out of memory \(its heap limit is 64 MB\)/);
  }, 60_000);

  test("killing its own process group reaches nothing outside the sandbox", async () => {
    const s = await sandboxOf("killer", `export const kill = () => { process.kill(0, "SIGKILL"); process.kill(-process.pid, "SIGKILL"); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000); return "alive"; };`);
    // Without a PID namespace the signal ends the sandbox's own group; inside one, the sandbox is
    // the namespace's first process, which a SIGKILL from inside does not end, and with no other
    // process to signal the call fails with ESRCH. Either way the signal stops at the sandbox.
    const outcome = await ask(s, "kill", { cpuMs: 2_000, wallMs: 6_000 }).catch((e: unknown) => e);
    if (outcome instanceof SandboxStopped) expect(s.alive).toBe(false);
    else expect(outcome).toEqual({ threw: "kill ESRCH" });
    // This process, its parent's group, is still here to check, and another sandbox still answers.
    expect(process.kill(process.pid, 0)).toBe(true);
    const other = await sandboxOf("after-killer", `export const answer = () => 42;`);
    expect(await ask(other, "answer")).toBe(42);
  }, 60_000);

  test("answers a batch of questions in order, in one round trip, each with its time; a batch is stopped as a whole at its limit", async () => {
    const s = await sandboxOf("batch", `let n = 0; export const next = () => ++n; export const spin = () => { for (;;); };`);
    const call = (fn: string) => ({ op: "run" as const, steps: [{ call: fn, args: [] }] });
    const { reply } = await s.request({ op: "batch", requests: [call("next"), call("next"), call("next")] }, { cpuMs: 2_000, wallMs: 4_000 });
    const replies = reply.replies as { results: { value: unknown }[]; cpuMs: number; wallMs: number }[];
    expect(replies.map((r) => fromWire(r.results[0].value))).toEqual([1, 2, 3]);
    for (const r of replies) expect(r.cpuMs >= 0 && r.wallMs >= 0).toBe(true);
    await expect(s.request({ op: "batch", requests: [call("next"), call("spin"), call("next")] }, { cpuMs: 500, wallMs: 10_000 })).rejects.toMatchObject({
      name: "SandboxStopped",
      why: "cpu",
    });
  }, 60_000);

  test.skipIf(!isolation().diesWithParent)("is stopped between questions: what its code left running after answering waits for the next question, and runs on its time", async () => {
    // A timer that keeps the CPU busy once its answer is out: left running, it would use a core
    // while the judge checks the answer (for as long as that takes), and no question would pay.
    const s = await sandboxOf(
      "works-after-answering",
      `const used = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
       let ticks = 0;
       const spin = () => { const t = Date.now(); while (Date.now() - t < 10); ticks++; setTimeout(spin, 0); };
       export const start = () => { setTimeout(spin, 0); return used(); };
       export const since = () => [used(), ticks];`,
    );
    const before = (await ask(s, "start")) as number;
    await new Promise((done) => setTimeout(done, 2_000));
    const { reply, spent } = await s.request({ op: "run", steps: [{ call: "since", args: [] }] }, { cpuMs: 2_000, wallMs: 4_000 });
    const [after, ticks] = fromWire((reply.results as { value: unknown }[])[0].value) as [number, number];
    // Two seconds of spinning would be some 200 ticks; stopped, it had a tick or two before the
    // question was read, counted in the question's time.
    expect(after - before, `${ticks} ticks`).toBeLessThan(250);
    expect(ticks).toBeLessThan(20);
    expect(spent.cpuMs).toBeGreaterThan(0);
  }, 60_000);

  test("an error its code left behind after answering ends it at a later question, and the message names that cause beside process.exit", async () => {
    const s = await sandboxOf(
      "rejects-after-answering",
      `export const leave = () => { setTimeout(() => Promise.reject(new Error("late")), 0); return 1; };
       export const next = () => new Promise((done) => setTimeout(() => done(2), 200));`,
    );
    expect(await ask(s, "leave")).toBe(1);
    const outcome = await ask(s, "next").catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(SandboxStopped);
    expect((outcome as SandboxStopped).message).toMatch(/exited with code 1 .*process\.exit, or an error nothing caught: .*a promise rejected that nobody awaited/);
  }, 60_000);

  test.skipIf(process.getuid?.() !== 0)("started by root, keeps none of root's capabilities: it cannot put itself ahead of the judge", async () => {
    expect(isolation().capabilitiesDropped).toBe(true);
    const s = await sandboxOf(
      "root-user",
      `import * as os from "node:os";
       const attempt = (f) => { try { return f(); } catch (e) { return e.code ?? e.message; } };
       export const raise = () => attempt(() => { os.setPriority(0, -20); return os.getPriority(0); });
       export const groups = () => attempt(() => { process.setgroups([0]); return "set"; });`,
    );
    expect(await ask(s, "raise")).toBe("ERR_SYSTEM_ERROR");
    expect(await ask(s, "groups")).toBe("EPERM");
  }, 60_000);

  test("routes a run and sends back the decisions and draws; a router may draw at most DRAWS_MAX numbers for one read", async () => {
    const router = (n: number) => `export const routeRead = (ctx) => { for (let i = 0; i < ${n}; i++) ctx.random(); return ctx.leader; };`;
    const config = { seed: 1, followers: 2, workload: { writesPerSec: 200, writes: 20, clients: 2 }, reads: { readsPerSec: 200 } };
    const route = async (s: Sandbox) => (await s.request({ op: "route", config: toWire(config), router: { export: "routeRead" } }, { cpuMs: 5_000, wallMs: 15_000 })).reply;
    const most = await route(await sandboxOf("draws-most", router(DRAWS_MAX)));
    expect(most.error).toBeUndefined();
    expect((most.decisions as unknown[]).length).toBeGreaterThan(5);
    expect(new Set(most.draws as number[])).toEqual(new Set([DRAWS_MAX]));
    const over = await route(await sandboxOf("draws-over", router(DRAWS_MAX + 1)));
    expect((over.error as { message: string }).message).toBe(`ctx.random() was called more than ${DRAWS_MAX} times for one read: a router may draw at most ${DRAWS_MAX} numbers for each`);
    expect(over.decisions).toEqual([]);
  });

  test("a reply sent ahead of its question is ignored: only the reply that follows a question answers it", async () => {
    const s = await sandboxOf(
      "forger",
      `import { writeSync } from "node:fs";
       export let wrote = 0;
       for (let id = 2; id < 50; id++) wrote += writeSync(3, JSON.stringify({ id, results: [{ value: "forged" }] }) + "\\n");
       export const honest = () => "honest";
       export const forged = () => wrote;`,
    );
    expect(await ask(s, "honest")).toBe("honest");
    // The forged replies did go out: the channel is the student's to write to.
    expect(await ask(s, "forged")).toBeGreaterThan(0);
  }, 60_000);

  test("a reply made to be slow to read is refused unread; the judge's time reading a reply is charged to its request", async () => {
    const s = await sandboxOf(
      "flood",
      `import { writeSync } from "node:fs";
       const sleep = new Int32Array(new SharedArrayBuffer(4));
       const send = (text) => { const bytes = typeof text === "string" ? Buffer.from(text) : text; for (let at = 0; at < bytes.length; ) { try { at += writeSync(3, bytes, at); } catch (e) { if (e.code !== "EAGAIN") throw e; Atomics.wait(sleep, 0, 0, 2); } } };
       // Millions of empty objects: a few MB of text, seconds of JSON.parse on the judge's thread.
       export const flood = () => { send('{"id":-5,"x":[' + "{},".repeat(4_500_000) + '{}]}\\n'); Atomics.wait(sleep, 0, 0); };
       // The answer to its own question (ids count from 1: the load was 1, this is 2), large but
       // allowed; the host's own reply follows it, too late, and is ignored.
       // Frames just under the size that is counted, each answering nothing, over and over, with
       // the sandbox asleep in between: its own CPU time stays far below the limit.
       export const junk = () => { const frame = Buffer.from('{"id":-7,"x":[' + "{},".repeat(300_000) + '{}]}\\n'); for (;;) { send(frame); Atomics.wait(sleep, 0, 0, 20); } };
       export const large = () => { send('{"id":2,"results":[{"value":[' + "0,".repeat(1_000_000) + '0]}]}\\n'); return "late"; };`,
    );
    const reading = s.readingMs;
    const { reply, spent } = await s.request({ op: "run", steps: [{ call: "large", args: [] }] }, { cpuMs: 5_000, wallMs: 10_000 });
    expect((reply.results as { value: unknown[] }[])[0].value).toHaveLength(1_000_001);
    expect(s.readingMs).toBeGreaterThan(reading);
    expect(spent.cpuMs).toBeGreaterThanOrEqual(s.readingMs - reading);
    const flooded = s.request({ op: "run", steps: [{ call: "flood", args: [] }] }, { cpuMs: 5_000, wallMs: 10_000 });
    await expect(flooded).rejects.toThrow(/sent a reply of more than 4,000,000 values/);
    // The sandbox mostly waits for the channel to drain; the judge's reading is what stops it.
    const s2 = await sandboxOf("junk", readFileSync(join(work, "flood.mjs"), "utf8"));
    const readBefore = s2.readingMs;
    const junk = s2.request({ op: "run", steps: [{ call: "junk", args: [] }] }, { cpuMs: 1_000, wallMs: 30_000 });
    await expect(junk).rejects.toThrow(/used more than 1 s of CPU time/);
    // Stopped once the judge had read for about the request's CPU limit (a frame more, at most).
    expect(s2.readingMs - readBefore).toBeLessThan(5_000);
  }, 60_000);
});

/** The processes `pid`'s threads started (Linux). */
function childrenOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
    try {
      return readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  });
}

const commandLine = (pid: number): string => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
};

/** `pid` and every process below it. */
const tree = (pid: number): number[] => [pid, ...childrenOf(pid).flatMap(tree)];

describe.runIf(process.platform === "linux")("starting sandboxes", () => {
  test("a sandbox is started by the launcher, not forked from the judge's own large process", async () => {
    await sandboxOf("started-by-launcher", `export const answer = () => 42;`);
    const mine = childrenOf(process.pid);
    const launchers = mine.filter((pid) => commandLine(pid).includes("spawner.mjs"));
    expect(launchers).toHaveLength(1);
    expect(mine.some((pid) => commandLine(pid).includes("host.mjs"))).toBe(false);
    expect(tree(launchers[0]).some((pid) => commandLine(pid).includes("host.mjs"))).toBe(true);
  }, 60_000);

  test("a launcher that ends takes its sandboxes with it, says so, and the next sandbox gets a new one", async () => {
    const s = await sandboxOf("launcher-ends", `export const answer = () => 42;`);
    expect(await ask(s, "answer")).toBe(42);
    const launcher = childrenOf(process.pid).find((pid) => commandLine(pid).includes("spawner.mjs"))!;
    const sandboxes = tree(launcher).filter((pid) => commandLine(pid).includes("host.mjs"));
    expect(sandboxes.length).toBeGreaterThan(0);
    process.kill(launcher, "SIGKILL");
    for (let i = 0; i < 100 && s.alive; i++) await new Promise((r) => setTimeout(r, 50));
    expect(s.alive).toBe(false);
    const error = await ask(s, "answer").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxStopped);
    expect((error as Error).message).toMatch(/its process was stopped: the sandbox launcher ended \(SIGKILL\)/);
    // Its sandboxes end with it (their parent-death signal, or the judge stopping their groups).
    for (let i = 0; i < 100 && sandboxes.some((pid) => commandLine(pid) !== ""); i++) await new Promise((r) => setTimeout(r, 50));
    expect(sandboxes.filter((pid) => commandLine(pid) !== "")).toEqual([]);
    const next = await sandboxOf("after-launcher", `export const answer = () => 43;`);
    expect(await ask(next, "answer")).toBe(43);
  }, 60_000);

  test("holds no other sandbox's channel or pipes, nor any file: only its own stdio and channel, and Node's own descriptors", async () => {
    // Node's permission model does not govern file descriptors a process already holds, so a
    // descriptor leaked from the launcher (which holds every sandbox's pipes until it hands them
    // over) would reach another exercise's sandbox. fstat works on any descriptor held.
    const kinds = `import { fstatSync } from "node:fs";
      export const kinds = () => {
        const out = [];
        for (let fd = 0; fd < 256; fd++) {
          try {
            const s = fstatSync(fd);
            out.push([fd, s.isSocket() ? "socket" : s.isFile() ? "file" : s.isFIFO() ? "pipe" : s.isDirectory() ? "folder" : "other"]);
          } catch (e) { if (e.code !== "EBADF") out.push([fd, e.code]); }
        }
        return out;
      };`;
    const first = await sandboxOf("descriptors-1", kinds);
    const second = await sandboxOf("descriptors-2", kinds);
    for (const s of [first, second]) {
      const held = (await ask(s, "kinds")) as [number, string][];
      // stdout, stderr and the channel are sockets of its own (the launcher hands the judge their
      // other ends); stdin is /dev/null or nothing.
      expect(held.filter(([fd]) => fd >= 1 && fd <= 3)).toEqual([[1, "socket"], [2, "socket"], [3, "socket"]]);
      // Beyond them only Node's own: its event loop's and signal pipes, and what it opens at start.
      expect(held.filter(([fd, kind]) => fd > 3 && (kind === "socket" || kind === "file"))).toEqual([]);
    }
  }, 60_000);

  test("where pipes cannot be handed over (Windows), a sandbox started from the judge itself works alike", async () => {
    const s = await sandboxOf("started-here", `export const answer = () => 44; export const spin = () => { for (;;); };`, 128, true);
    expect(childrenOf(process.pid).some((pid) => commandLine(pid).includes("host.mjs"))).toBe(true);
    expect(await ask(s, "answer")).toBe(44);
    const error = await ask(s, "spin", { cpuMs: 300, wallMs: 2_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SandboxStopped);
    expect(s.alive).toBe(false);
  }, 60_000);
});

describe("what crosses the wire", () => {
  test("is data read once: a getter is called once, and the judge gets its value", () => {
    let reads = 0;
    const sneaky = {
      get node() {
        reads++;
        return reads === 1 ? "L" : "A";
      },
    };
    const crossed = decode(encode(sneaky)) as { node: string };
    expect(crossed.node).toBe("L");
    expect(crossed.node).toBe("L");
    expect(reads).toBe(1);
    expect(Object.getOwnPropertyDescriptor(crossed, "node")?.get).toBeUndefined();
  });

  test("keeps no prototype or method, and a __proto__ key is only a key", () => {
    class Policy {
      kind = "quorum";
      describe() {
        return "hidden";
      }
    }
    const crossed = decode(encode(new Policy())) as Record<string, unknown>;
    expect(Object.getPrototypeOf(crossed)).toBe(Object.prototype);
    expect(crossed).toEqual({ kind: "quorum" });
    const polluted = decode('{"__proto__": {"polluted": true}, "a": 1}') as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(polluted)).toBe(Object.prototype);
  });

  test("carries what JSON lacks: non-finite numbers, undefined, typed arrays; a function stays behind", () => {
    const value = { inf: Infinity, nan: NaN, neg: -0, none: undefined, table: Float64Array.from([1, Infinity]), ids: Int32Array.from([3]), router: function routeRead() {} };
    const crossed = fromWire(JSON.parse(JSON.stringify(toWire(value)))) as Record<string, unknown>;
    expect(crossed.inf).toBe(Infinity);
    expect(crossed.nan).toBeNaN();
    expect(Object.is(crossed.neg, -0)).toBe(true);
    expect("none" in crossed && crossed.none === undefined).toBe(true);
    expect(crossed.table).toEqual(Float64Array.from([1, Infinity]));
    expect(crossed.ids).toEqual(Int32Array.from([3]));
    expect(crossed.router).toEqual(new FunctionRef("routeRead"));
  });

  test("sends typed arrays as their bytes, views of a larger buffer included, and reads hostile ones as numbers only", () => {
    const whole = Float64Array.from([0.1, -0, NaN, 5e-324, -Infinity, 1e308, 7]);
    const view = whole.subarray(1, 6);
    const wire = toWire({ view, ids: new Int32Array(whole.buffer, 8, 3) }) as Record<string, Record<string, unknown>>;
    expect(wire.view).toEqual({ $rl: "Float64Array", b: expect.any(String) });
    const crossed = decode(JSON.stringify(wire)) as { view: Float64Array; ids: Int32Array };
    expect(crossed.view).toBeInstanceOf(Float64Array);
    expect([...crossed.view].map((x) => (Object.is(x, -0) ? "-0" : String(x)))).toEqual(["-0", "NaN", "5e-324", "-Infinity", "1e+308"]);
    expect(crossed.view.buffer.byteLength).toBe(5 * 8); // a buffer of its own, not the sender's
    expect([...crossed.ids]).toEqual([...new Int32Array(whole.buffer, 8, 3)]);
    // Bytes that are not whole elements, text that is not base64, the list form of older graders.
    expect(decode('{"$rl":"Float64Array","b":"AAAA"}')).toEqual(new Float64Array(0));
    expect(decode('{"$rl":"Int32Array","b":"AQAAAA=="}')).toEqual(Int32Array.from([1]));
    expect(decode('{"$rl":"Float64Array","b":"@@@@"}')).toEqual(new Float64Array(0));
    expect(decode('{"$rl":"Float64Array","v":[1,{"$rl":"Infinity"},"x"]}')).toEqual(Float64Array.from([1, Infinity, NaN]));
    expect(() => toWire(new Float64Array(2_000_001))).toThrow(/too large to send/);
  });

  test("carries a flat object (a router's decision) as any other object: tags, odd keys and odd prototypes included", () => {
    const across = (value: unknown) => fromWire(JSON.parse(JSON.stringify(toWire(value))));
    const decision = { node: "A", minLsn: 41, ifBehind: "leader", retry: false };
    const wire = toWire(decision);
    expect(wire).toEqual(decision);
    expect(wire).not.toBe(decision);
    expect(across(decision)).toEqual(decision);
    // Values JSON lacks, and a key that is the wire's own tag, are tagged as in a nested object.
    expect(toWire({ lsn: -0 })).toEqual({ lsn: { $rl: "-0" } });
    expect(Object.is((across({ lsn: -0 }) as { lsn: number }).lsn, -0)).toBe(true);
    expect(toWire({ node: "A", $rl: "Infinity" })).toEqual({ $rl: "object", v: { node: "A", $rl: "Infinity" } });
    expect(fromWire(JSON.parse('{"$rl":"Infinity"}'))).toBe(Infinity);
    // A __proto__ key stays an own key on both sides, and the prototype stays Object.prototype.
    const odd = fromWire(JSON.parse('{"__proto__":"x","node":"B"}')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(odd)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(odd, "__proto__")?.value).toBe("x");
    expect(JSON.parse(JSON.stringify(toWire(odd)))).toEqual(JSON.parse('{"__proto__":"x","node":"B"}'));
    // A thenable, a typed array or an array given Object.prototype, and an object without a
    // prototype are what they were before any shortcut.
    expect(toWire({ then: () => 1, node: "A" })).toEqual({ $rl: "promise" });
    expect(Array.isArray(toWire(Object.setPrototypeOf(Float64Array.from([1, 2]), Object.prototype)))).toBe(true);
    expect(toWire(Object.setPrototypeOf(["a"], Object.prototype))).toEqual(["a"]);
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { node: "C" });
    expect(Object.getPrototypeOf(across(bare))).toBe(Object.prototype);
    expect(across(bare)).toEqual({ node: "C" });
  });

  test("an object with a key named as the wire's tag crosses as itself", () => {
    const across = (value: unknown) => fromWire(JSON.parse(JSON.stringify(toWire(value))));
    expect(toWire({ $rl: "Infinity" })).toEqual({ $rl: "object", v: { $rl: "Infinity" } });
    expect(across({ $rl: "Infinity" })).toEqual({ $rl: "Infinity" });
    expect(across({ $rl: "x", a: [1, { $rl: "-0" }] })).toEqual({ $rl: "x", a: [1, { $rl: "-0" }] });
    expect(fromWire(JSON.parse('{"$rl":"Infinity"}'))).toBe(Infinity);
  });

  test("cuts a cycle or a value nested too deeply instead of following it", () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle.self = cycle;
    expect(decode(encode(cycle))).toEqual({ a: 1, self: "[cycle]" });
    let deep: unknown = "bottom";
    for (let i = 0; i < 200; i++) deep = [deep];
    expect(JSON.stringify(decode(encode(deep)))).toContain("[nested too deeply]");
  });

  test("comes in frames, one per line, whatever the chunks; a frame over the limit is refused", () => {
    const frames: string[] = [];
    let overflows = 0;
    const reader = new FrameReader((text) => frames.push(text), () => overflows++, 10);
    for (const chunk of ["ab", "c\nde", "f\n\ng", "hi\n", "jk"]) reader.push(chunk);
    expect(frames).toEqual(["abc", "def", "", "ghi"]);
    reader.push("lmnopqrst");
    expect(overflows).toBe(1);
    reader.push("u\nv\n");
    expect(frames).toEqual(["abc", "def", "", "ghi", "u", "v"]);
    expect(overflows).toBe(1);
  });
});
