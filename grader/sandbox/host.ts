/**
 * The program a sandbox process runs: it loads one exercise file of one submission and answers
 * the judge's requests about it (protocol.ts), one at a time, on file descriptor 3.
 *
 * Everything here runs next to the student's code and is as untrusted as it is: the student can
 * change any of it at run time. That is fine by design. The judge reads only the plain data this
 * process writes and checks it, so the most a student can do by tampering with this program is
 * to send other answers, which is what an answer is anyway; the process limits (launch.ts) keep
 * it away from everything else.
 */
import { Socket } from "node:net";
import { pathToFileURL } from "node:url";
import { DRAWS_MAX, READY, type BatchReply, type ErrorInfo, type Reply, type Request, type RequestBody, type RouteSource, type RouterSpec, type Step } from "./protocol";
import { fromWire, toWire } from "./wire";

type Fn = (...args: unknown[]) => unknown;
type Simulator = typeof import("./sim");

// What this program needs of the built-ins, taken before the student's code loads: code that
// patches built-ins in its sandbox changes its own answers, not how they are sent.
const stringify = JSON.stringify;
const parse = JSON.parse;
const indexOf = String.prototype.indexOf;
const slice = String.prototype.slice;
const then = Promise.prototype.then;
const mapGet = Map.prototype.get;
const mapSet = Map.prototype.set;
const mapClear = Map.prototype.clear;
const cpuUsage = process.cpuUsage;
const hrtime = process.hrtime.bigint;

const channel = new Socket({ fd: 3, readable: true, writable: true });
// From Node 25 the permission model governs sockets, and a sandbox is started with --allow-net
// only to open the channel above (permission.ts). Where a permission can be given up at run time
// (`process.permission.drop`, Node 26), the network is given up here, before the student's code
// loads: the open channel keeps working and no new connection can be made, even where the
// sandbox has no network namespace of its own.
(process as { permission?: { drop?(scope: string): void } }).permission?.drop?.("net");
const write = channel.write.bind(channel);
let exercise: Record<string, unknown> = {};
let exerciseUrl = "";
let loads = 0;
const kept = new Map<string, unknown>();
const KEPT_MAX = 10_000;

function send(reply: Reply): void {
  write(`${stringify(reply)}\n`);
}

/** `list.map(f)` by index, whatever the student did to Array.prototype. */
function mapped<T, U>(list: readonly T[], f: (x: T) => U): U[] {
  const out: U[] = [];
  for (let i = 0; i < list.length; i++) out[i] = f(list[i]);
  return out;
}

function errorInfo(error: unknown): ErrorInfo {
  try {
    if (error instanceof Error) return { name: String(error.name), message: String(error.message), stack: String(error.stack ?? "") };
    return { name: "thrown value", message: JSON.stringify(toWire(error)) ?? String(error), stack: "" };
  } catch {
    return { name: "thrown value", message: "(a value that cannot be shown)", stack: "" };
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as { then?: unknown }).then === "function";
}

function exported(name: string): Fn {
  const value = exercise[name];
  if (typeof value !== "function") throw new TypeError(`the exercise file does not export a function named ${name}`);
  return value as Fn;
}

async function runSteps(steps: Step[]): Promise<Reply & { results: unknown[] }> {
  const results: { value: unknown; argsAfter?: unknown }[] = [];
  for (let at = 0; at < steps.length; at++) {
    const step = steps[at] as Step & { call?: string; invoke?: string; method?: string; argsAfter?: boolean };
    try {
      const args = mapped(step.args ?? [], (a) => fromWire(a));
      let returned: unknown;
      if (typeof step.call === "string") returned = Reflect.apply(exported(step.call), undefined, args);
      else {
        const target = mapGet.call(kept, step.invoke) as Record<string, unknown> | undefined;
        const method = target?.[step.method ?? ""];
        if (typeof method !== "function") throw new TypeError(`${step.method} is not a method of the value ${step.invoke} returned`);
        returned = Reflect.apply(method as Fn, target, args);
      }
      // A promise is awaited, and said: the judge decides what an answer that was one is worth.
      const promised = isThenable(returned);
      const value = promised ? await returned : returned;
      if (step.keep !== undefined && kept.size < KEPT_MAX) mapSet.call(kept, step.keep, value);
      const result: { value: unknown; argsAfter?: unknown; promised?: true } = step.argsAfter ? { value: toWire(value), argsAfter: toWire(args) } : { value: toWire(value) };
      if (promised) result.promised = true;
      results[results.length] = result;
    } catch (error) {
      return { id: 0, results, error: errorInfo(error), at };
    }
  }
  return { id: 0, results };
}

/**
 * Runs the simulation with the submission's router and logs what it decided. Each logged decision
 * is the decision as the judge will see it (sent through the wire and read back), and that very
 * value is what this run uses, so this run and the judge's replay take the same decisions.
 */
async function route(rawConfig: unknown, spec: RouterSpec): Promise<Reply> {
  const decisions: unknown[] = [];
  const draws: number[] = [];
  try {
    const sim: Simulator = await import("./sim");
    const logged = (router: Fn): Fn => {
      // The router's own session per client: the simulation keeps its own, so a router that
      // writes to ctx.session changes only what it reads back, never the simulation.
      const sessions = new Map<string, Record<string, unknown>>();
      return (ctx) => {
        const c = ctx as Record<string, unknown> & { client: string; session: Record<string, unknown>; random: () => number };
        let session = mapGet.call(sessions, c.client) as Record<string, unknown> | undefined;
        if (!session) mapSet.call(sessions, c.client, (session = {}));
        session.lastWriteLsn = c.session.lastWriteLsn;
        session.lastReadLsn = c.session.lastReadLsn;
        session.lastReadNode = c.session.lastReadNode;
        let count = 0;
        let open = true;
        const random = (): number => {
          if (!open) throw new Error("ctx.random() was called after the router had returned: call it only while deciding");
          if (count >= DRAWS_MAX) throw new Error(`ctx.random() was called more than ${DRAWS_MAX} times for one read: a router may draw at most ${DRAWS_MAX} numbers for each`);
          count++;
          return c.random();
        };
        const view = { client: c.client, key: c.key, purpose: c.purpose, nowMs: c.nowMs, leader: c.leader, followers: c.followers, session, random };
        let decision: unknown;
        try {
          decision = router(view);
        } finally {
          open = false;
        }
        // Most decisions are a node's name: a string crosses as it is.
        const wire = typeof decision === "string" ? decision : toWire(decision);
        decisions[decisions.length] = wire;
        draws[draws.length] = count;
        return typeof wire === "string" ? wire : fromWire(wire);
      };
    };
    const routerFor = async (source: RouteSource): Promise<Fn> => {
      if ("routing" in source) return sim.compileRouting(fromWire(source.routing) as never) as Fn;
      const answer = await exported(source.call)(...source.args.map((a) => fromWire(a)));
      const routing = source.pick === undefined ? answer : (answer as Record<string, unknown> | null)?.[source.pick];
      return logged(typeof routing === "function" ? (routing as Fn) : (sim.compileRouting(routing as never) as Fn));
    };
    let router: Fn;
    if ("export" in spec) router = logged(exported(spec.export));
    else {
      const routers = new Map<string, Fn>();
      for (const [purpose, source] of Object.entries(spec.byPurpose)) routers.set(purpose, await routerFor(source));
      router = (ctx) => {
        const r = routers.get(String((ctx as { purpose?: string }).purpose));
        if (!r) throw new Error(`no router for reads with purpose ${String((ctx as { purpose?: string }).purpose)}`);
        return r(ctx);
      };
    }
    const config = fromWire(rawConfig) as Record<string, unknown> & { reads?: Record<string, unknown> };
    // Only the decisions are wanted here: the judge's replay builds the history it checks.
    sim.simulate({ ...config, recordHistory: false, reads: { ...config.reads, routing: router } } as never);
    return { id: 0, decisions, draws };
  } catch (error) {
    return { id: 0, decisions, draws, error: errorInfo(error) };
  }
}

/** A new instance of the exercise's module (a query makes the loader evaluate the file again). */
async function reload(): Promise<void> {
  loads++;
  exercise = (await import(`${exerciseUrl}?load=${loads}`)) as Record<string, unknown>;
  mapClear.call(kept);
}

/** The requests of a batch in order, each with the time it took. */
async function batch(requests: RequestBody[]): Promise<BatchReply[]> {
  const replies: BatchReply[] = [];
  for (let i = 0; i < requests.length; i++) {
    const request = requests[i];
    const cpu = cpuUsage();
    const wall = hrtime();
    let reply: Reply;
    if (request.op === "run" || request.op === "route") {
      try {
        reply = await handle({ ...request, id: 0 });
      } catch (error) {
        reply = { id: 0, error: errorInfo(error) };
      }
    } else reply = { id: 0, error: { name: "TypeError", message: "a batch holds run and route requests only", stack: "" } };
    const used = cpuUsage(cpu);
    replies[replies.length] = { ...reply, cpuMs: (used.user + used.system) / 1000, wallMs: Number(hrtime() - wall) / 1e6 };
  }
  return replies;
}

async function handle(request: Request): Promise<Reply> {
  switch (request.op) {
    case "batch":
      return { id: request.id, replies: await batch(request.requests) };
    case "load":
      try {
        exerciseUrl = pathToFileURL(request.file).href;
        exercise = (await import(exerciseUrl)) as Record<string, unknown>;
        return { id: request.id, ok: true };
      } catch (error) {
        return { id: request.id, error: errorInfo(error) };
      }
    case "run":
      if (request.fresh) await reload();
      return { ...(await runSteps(request.steps)), id: request.id };
    case "route":
      if (request.fresh) await reload();
      return { ...(await route(request.config, request.router)), id: request.id };
  }
}

// Requests are answered one at a time, in order.
let queue: Promise<void> = Promise.resolve();
let buffer = "";
channel.setEncoding("utf8");
channel.on("data", (chunk: string) => {
  buffer += chunk;
  let newline = indexOf.call(buffer, "\n");
  while (newline >= 0) {
    const line = slice.call(buffer, 0, newline);
    buffer = slice.call(buffer, newline + 1);
    queue = then.call(queue, async () => {
      let request: Request;
      try {
        request = parse(line) as Request;
      } catch (error) {
        send({ id: -1, error: errorInfo(error) });
        return;
      }
      try {
        send(await handle(request));
      } catch (error) {
        send({ id: request.id, error: errorInfo(error) });
      }
    }) as Promise<void>;
    newline = indexOf.call(buffer, "\n");
  }
});
channel.on("end", () => process.exit(0));
channel.on("error", () => process.exit(0));
channel.write(`${READY}\n`);
