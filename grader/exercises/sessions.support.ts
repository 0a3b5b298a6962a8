/**
 * Judging the session routers of exercises 01 and 08 beyond random runs:
 * - every judged run is routed in a freshly loaded module, so that a verdict never depends on the
 *   runs before it, and the replay command, which runs one case alone, gets the same verdict;
 * - `stateBetweenRuns` names the two ways a router's decisions can depend on something besides
 *   its run: randomness other than `ctx.random()` (the same run, each time freshly loaded, decides
 *   differently), and state kept between runs outside `ctx.session` (a run, routed in a module
 *   that has routed other runs, a different one just before it, decides differently than freshly
 *   loaded). A replay of that case repeats all the routings, so it shows the carried state too
 *   rather than a passing case;
 * - scripted scenes whose fault is placed against the router's own choice (`ownChoice`);
 * - seeded runs shrunk before they are shown (`shrinkRun`: fewer writes, clients and keys, each
 *   fault alone).
 */
import type { RunResult, ScriptedOp, SimConfig } from "../../lib";
import type { GradedContext, Recorder, Violation } from "../graded";
import { shrinkBy } from "../search/shrink";
import type { RouterLog, StudentCode } from "../student";
import { routedRun } from "./routing.support";

const ROUTE = { export: "routeRead" } as const;

/** Judges one run configuration: routes it, checks it, records what it shows. */
export type ConfigJudge = (config: SimConfig, record: Recorder) => Promise<Violation | null>;

/** The run of `config` with the submission's router, routed in a freshly loaded module. */
export function freshRun(answer: StudentCode<unknown>, config: SimConfig): Promise<RunResult> {
  return routedRun(answer, config, ROUTE, new Map(), { fresh: true });
}

/** The first decision (by index) in which two logs of the same run differ, or undefined. */
function firstDifference(a: RouterLog, b: RouterLog): number | undefined {
  const n = Math.max(a.decisions.length, b.decisions.length);
  for (let i = 0; i < n; i++) {
    if (JSON.stringify(a.decisions[i]) !== JSON.stringify(b.decisions[i]) || a.draws[i] !== b.draws[i]) return i;
  }
  return undefined;
}

function showDecision(log: RouterLog, i: number): string {
  if (i >= log.decisions.length) return "no decision (the run ended)";
  // Shown inside the feedback's own quotes (got "…"), so a node's name goes without quotes of its own.
  const decision = log.decisions[i];
  const draws = log.draws[i];
  return `${typeof decision === "string" ? decision : JSON.stringify(decision)}, after ${draws} draw${draws === 1 ? "" : "s"} of ctx.random()`;
}

/**
 * Routes each of `configs` three times: twice in a freshly loaded module (all of them, one after
 * the other), then once more each, in turn, in the module the last of those left behind. Different
 * decisions between the two fresh routings mean randomness other than ctx.random() (or the
 * clock); between a fresh routing and the one in the used module, state kept between runs outside
 * ctx.session. In that module the first run follows a different run (the last one), which a
 * memory keyed by what repeats between runs (a client's name, a log position) shows, and the last
 * run follows itself and the others. Returns the rule broken, or null.
 */
export async function stateBetweenRuns(answer: StudentCode<unknown>, configs: readonly SimConfig[], record: Recorder): Promise<Violation | null> {
  const fresh: RouterLog[] = [];
  for (const [n, config] of configs.entries()) {
    const first = await answer.route(config, ROUTE, { fresh: true });
    const again = await answer.route(config, ROUTE, { fresh: true });
    for (const log of [first, again]) if (log.error) throw log.error;
    record("runs", `run ${n + 1} of ${configs.length}: ${first.decisions.length} decisions, routed three times`);
    const random = firstDifference(first, again);
    if (random !== undefined) {
      return {
        rule: "the router draws its randomness from ctx.random() only, so that a run replays exactly",
        details:
          `the same seeded run, each time in a freshly loaded file, got different decisions from decision ${random} on: ` +
          `${showDecision(first, random)}, then ${showDecision(again, random)} (Math.random(), Date.now() or another source besides ctx?)`,
        got: showDecision(again, random),
        want: showDecision(first, random),
      };
    }
    fresh.push(again);
  }
  const routed: number[] = [configs.length - 1];
  for (const [n, config] of configs.entries()) {
    const carried = await answer.route(config, ROUTE);
    if (carried.error) throw carried.error;
    const before = routed.map((i) => `run ${i + 1}`).join(", then ");
    routed.push(n);
    const at = firstDifference(fresh[n], carried);
    if (at !== undefined) {
      return {
        rule: "per-client memory lives in ctx.session, not in variables outside the function",
        details:
          `seeded run ${n + 1} of ${configs.length}, routed without reloading the file after ${before}, got different decisions from decision ${at} on than ` +
          `with the file freshly loaded: ${showDecision(fresh[n], at)} freshly loaded, ${showDecision(carried, at)} after the other runs. The router keeps state ` +
          `between runs outside ctx.session (a variable at the top of the file, a property of the function), so one run ` +
          `changes the next; ctx.session starts fresh in every run`,
        got: showDecision(carried, at),
        want: showDecision(fresh[n], at),
      };
    }
  }
  return null;
}

/** The body of an exercise's test of rule (d): one case that routes `configs` three times each. */
export function stateCheck(answer: StudentCode<unknown>, configs: () => SimConfig[]) {
  return async (c: GradedContext): Promise<void> => {
    await c.each([{ label: "the same two runs, routed three times each" }], (_k, record) => stateBetweenRuns(answer, configs(), record));
  };
}

/** Times every `stepMs` from `fromMs` up to (not including) `toMs`. */
export function times(fromMs: number, toMs: number, stepMs: number): number[] {
  const out: number[] = [];
  for (let i = 0; fromMs + i * stepMs < toMs; i++) out.push(fromMs + i * stepMs);
  return out;
}

/** Scripted operations every `stepMs` from `fromMs` up to (not including) `toMs`. */
export function every(fromMs: number, toMs: number, stepMs: number, op: (atMs: number, i: number) => ScriptedOp): ScriptedOp[] {
  return times(fromMs, toMs, stepMs).map((atMs, i) => op(atMs, i));
}

/**
 * The node that served the first read `client` made at or after `fromMs` (of those served by one
 * of `among`, when given), or undefined.
 */
export function servedBy(run: RunResult, client: string, fromMs = 0, among?: readonly string[]): string | undefined {
  for (const op of run.history.ops) {
    if (op.kind !== "read" || op.client !== client || op.invokeMs < fromMs) continue;
    const node = op.observed[0]?.node;
    if (among === undefined || (node !== undefined && among.includes(node))) return node;
  }
  return undefined;
}

/**
 * A scene built against the router's own choice: `build(node)` makes the run in which `node` is
 * the follower the fault is aimed at, and `chosen(run)` reads from a run which follower the
 * router chose at the moment that matters. The scene is first built for `guess`; when the router
 * chose another follower there, it is built again for that one (the fault placed after that
 * moment does not change the choice made before it).
 */
export async function ownChoice(
  answer: StudentCode<unknown>,
  followers: readonly string[],
  guess: string,
  build: (node: string) => SimConfig,
  chosen: (run: RunResult) => string | undefined,
  record: Recorder,
): Promise<SimConfig> {
  const probe = chosen(await freshRun(answer, build(guess)));
  const node = probe !== undefined && followers.includes(probe) ? probe : guess;
  record("aimedAt", probe !== undefined && followers.includes(probe) ? `${node}, the follower the router chose` : `${node} (the router chose ${probe ?? "no node"}, not a follower)`);
  return build(node);
}

/** The configuration with one thing less: each fault alone removed, then fewer writes, clients, keys. */
export function smallerConfigs(config: SimConfig): SimConfig[] {
  const out: SimConfig[] = [];
  const faults = config.faults ?? [];
  for (let i = 0; i < faults.length; i++) out.push({ ...config, faults: faults.filter((_, j) => j !== i) });
  const w = config.workload ?? {};
  const halve = (n: number | undefined, min: number) => (n !== undefined && n > min ? Math.max(min, Math.ceil(n / 2)) : undefined);
  const writes = halve(w.writes, 50);
  if (writes !== undefined) out.push({ ...config, workload: { ...w, writes } });
  const clients = halve(w.clients, 1);
  if (clients !== undefined) out.push({ ...config, workload: { ...w, clients } });
  const keys = halve(w.keys, 1);
  if (keys !== undefined) out.push({ ...config, workload: { ...w, keys } });
  return out;
}

/** What shrinking changed, in words. */
function shrinkNote(from: SimConfig, to: SimConfig): string {
  const parts: string[] = [];
  const w0 = from.workload ?? {};
  const w1 = to.workload ?? {};
  if ((from.faults?.length ?? 0) !== (to.faults?.length ?? 0)) parts.push(`faults ${from.faults?.length ?? 0} -> ${to.faults?.length ?? 0}`);
  if (w0.writes !== w1.writes) parts.push(`writes ${w0.writes} -> ${w1.writes}`);
  if (w0.clients !== w1.clients) parts.push(`clients ${w0.clients} -> ${w1.clients}`);
  if (w0.keys !== w1.keys) parts.push(`keys ${w0.keys} -> ${w1.keys}`);
  return parts.length === 0 ? "nothing could be removed" : parts.join(", ");
}

/**
 * Shrinks a failing run before it is shown: removes faults one at a time and halves the writes,
 * clients and keys while the run still breaks a rule (at most `budget` more runs), then judges
 * the smallest failing run with `record`. Null when the run no longer fails.
 */
export async function shrinkRun(config: SimConfig, judge: ConfigJudge, record: Recorder, budget = 10): Promise<Violation | null> {
  const fails = async (c: SimConfig): Promise<boolean> => {
    try {
      return (await judge(c, () => {})) !== null;
    } catch {
      // A smaller run the router cannot handle is not the failure being shown.
      return false;
    }
  };
  const { value, steps } = await shrinkBy(config, smallerConfigs, fails, budget);
  if (steps > 0) record("shrunk", `${shrinkNote(config, value)} (${steps} smaller run(s) tried)`);
  return judge(value, record);
}
