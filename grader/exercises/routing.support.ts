/**
 * Judging read routers by what they did in a simulated run: shared by exercises 01, 03 and 08.
 *
 * A router is never compared with a reference answer. Its run's history is checked against the
 * guarantee at stake, and the feedback names the rule that broke and the few operations that
 * show it, written out so that a student can follow them without the simulator.
 */
import { simulate, type History, type Op, type ReadContext, type ReadDecision, type ReadOp, type RouterFn, type RunResult, type SimConfig, type Violation as CheckerViolation } from "../../lib";
import type { Recorder, Violation } from "../graded";
import { DRAWS_MAX } from "../sandbox/protocol";
import type { Fresh, RouterLog, RouterSpec, StudentCode } from "../student";

/** The router's decisions do not fit the judge's replay of its run: the case fails with this. */
export class RouterLogMisfit extends Error {
  override readonly name = "RouterLogMisfit";
}

/** A decision as the simulator takes it, copied from the log; a RouterLogMisfit when it is not one. */
function decisionAt(log: RouterLog, i: number): ReadDecision {
  const d = log.decisions[i];
  if (typeof d === "string") return d;
  if (d !== null && typeof d === "object" && !Array.isArray(d) && typeof (d as { node?: unknown }).node === "string") {
    const { node, minLsn, ifBehind } = d as { node: string; minLsn?: unknown; ifBehind?: unknown };
    const lsnOk = minLsn === undefined || (typeof minLsn === "number" && !Number.isNaN(minLsn));
    const behindOk = ifBehind === undefined || ifBehind === "leader" || ifBehind === "wait";
    if (lsnOk && behindOk) {
      return { node, ...(minLsn !== undefined ? { minLsn: minLsn as number } : {}), ...(ifBehind !== undefined ? { ifBehind: ifBehind as "leader" | "wait" } : {}) };
    }
  }
  throw new RouterLogMisfit(
    `read ${i}: the router returned ${JSON.stringify(d) ?? String(d)}, which is not a node's name or { node, minLsn?, ifBehind?: "leader" | "wait" }`,
  );
}

/**
 * A router that takes the logged decisions in order, drawing from `ctx.random()` as many numbers
 * as the submission's router drew for each, so that the judge's run follows the sandbox's run
 * exactly. `finish()` says whether the log was used up: a log that is too long or too short, or a
 * decision that is not one, does not fit the run, and the case fails with a RouterLogMisfit.
 */
export function scriptedRouter(log: RouterLog): { router: RouterFn; finish(): void } {
  let next = 0;
  const router: RouterFn = (ctx) => {
    if (next >= log.decisions.length) {
      throw new RouterLogMisfit(`the router's run took ${log.decisions.length} decisions, but the same run replayed by the grader needs more: its decisions do not fit the run`);
    }
    const i = next++;
    const decision = decisionAt(log, i);
    const draws = log.draws[i];
    if (!(Number.isInteger(draws) && draws >= 0)) throw new RouterLogMisfit(`read ${i}: the router's log gives no valid count of random draws`);
    if (draws > DRAWS_MAX) throw new RouterLogMisfit(`read ${i}: the router's log says it drew ${draws} numbers from ctx.random(), but a read may draw at most ${DRAWS_MAX}`);
    for (let k = 0; k < draws; k++) ctx.random();
    return decision;
  };
  return {
    router,
    finish() {
      if (next !== log.decisions.length) {
        throw new RouterLogMisfit(`the router's run took ${log.decisions.length} decisions, but the same run replayed by the grader took ${next}: its decisions do not fit the run`);
      }
    },
  };
}

/**
 * The run of `config` with the submission's router, as the judge rebuilds it: the sandbox runs
 * the simulation next to the student's router and sends back only the router's decisions; the
 * judge runs the same seeded simulation with those decisions and returns its own run, so every
 * history it checks is one it computed itself. `compiled` routes the reads of purposes whose
 * routing is library data, which the judge compiles itself (exercise 03). `options.fresh` routes
 * the run in a freshly loaded module, so nothing an earlier run left behind changes it.
 * `options.onDecision` sees each of the submission's decisions in the replay with the context it
 * was made in, for rules about single decisions ("a follower more than 100 ms behind never serves
 * a read") that the history alone does not show.
 */
export async function routedRun(
  answer: StudentCode<unknown>,
  config: SimConfig,
  spec: RouterSpec,
  compiled: Map<string, RouterFn> = new Map(),
  options: RoutedOptions = {},
): Promise<RunResult> {
  const log = await answer.route(config, spec, options.fresh ? { fresh: true } : {});
  if (log.error) throw log.error;
  const script = scriptedRouter(log);
  const watch = options.onDecision;
  const submission: RouterFn = !watch
    ? script.router
    : (ctx) => {
        const decision = script.router(ctx);
        // Without random(): a draw here would change the replay. The session object lives on
        // (later reads change it): the callback copies what it keeps.
        const { random: _random, ...seen } = ctx;
        watch(seen, decision);
        return decision;
      };
  const routing: RouterFn =
    compiled.size === 0 ? submission : (ctx) => (compiled.get(ctx.purpose ?? "") ?? submission)(ctx);
  const run = simulate({ ...config, reads: { ...config.reads, routing } });
  script.finish();
  return run;
}

export interface RoutedOptions extends Fresh {
  /** Called at each decision of the submission's router in the judge's replay, with what it saw. */
  onDecision?: (ctx: Omit<ReadContext, "random">, decision: ReadDecision) => void;
}

/** Stands in for the submission's router in a configuration built before the run (never called). */
export const SUBMISSION_ROUTER: RouterFn = () => {
  throw new Error("the submission's router runs in its sandbox, not here");
};

/**
 * The verdict on one run of a router: every read answered, then no violation of the guarantee
 * (`found`, from its checker, broke `rule`), then followers serving at least `shareMin` of reads.
 */
export function judgeRouting(run: RunResult, o: { rule: string; found: readonly CheckerViolation[]; shareMin: number; record: Recorder }): Violation | null {
  const h = run.history;
  o.record.run?.(run);
  const share = followerShare(h);
  o.record("followerShare", pct(share.share));
  o.record("readsServedBy", run.readsServedBy);
  const broken = unansweredRead(h) ?? fromChecker(o.rule, h, o.found);
  if (broken) return broken;
  if (share.share >= o.shareMin) return null;
  return {
    rule: `followers serve at least ${pct(o.shareMin)} of reads`,
    details: `followers served ${share.byFollowers} of ${share.keysRead} reads (${pct(share.share)}); reads served by: ${JSON.stringify(run.readsServedBy)}`,
    got: pct(share.share),
    want: `>= ${pct(o.shareMin)}`,
  };
}

/** Who led at each moment: the initial leader "L", then each elected node from its election on. */
export function leaderAt(h: History): (atMs: number) => string {
  const elections: { atMs: number; node: string }[] = [];
  for (const e of h.events) if (e.kind === "elected") elections.push({ atMs: e.atMs, node: e.node });
  elections.sort((a, b) => a.atMs - b.atMs);
  return (atMs) => {
    let leader = "L";
    for (const e of elections) {
      if (e.atMs > atMs) break;
      leader = e.node;
    }
    return leader;
  };
}

/** Keys fetched by reads, and how many of them a node other than the leader of the time served. */
export interface FollowerShare {
  keysRead: number;
  byFollowers: number;
  /** byFollowers / keysRead (1 when nothing was read). */
  share: number;
}

/**
 * The share of reads served by followers. A read counts for the node that served each of its keys;
 * "the leader" is whoever led when the read began, so a follower promoted during the run counts
 * as a follower before its election and as the leader after it. `keep` selects the reads counted.
 */
export function followerShare(h: History, keep: (read: ReadOp) => boolean = () => true): FollowerShare {
  const leader = leaderAt(h);
  let keysRead = 0;
  let byFollowers = 0;
  for (const op of h.ops) {
    if (op.kind !== "read" || !keep(op)) continue;
    const lead = leader(op.invokeMs);
    for (const seen of op.observed) {
      keysRead++;
      if (seen.node !== lead) byFollowers++;
    }
  }
  return { keysRead, byFollowers, share: keysRead === 0 ? 1 : byFollowers / keysRead };
}

/** A percentage for messages: 0.6234 -> "62.3%". */
export function pct(x: number): string {
  return `${(Math.round(x * 1000) / 10).toFixed(1)}%`;
}

/** The first read that never got an answer (a router that made it wait for a position never reached). */
export function unansweredRead(h: History): Violation | null {
  const read = h.ops.find((op): op is ReadOp => op.kind === "read" && !Number.isFinite(op.completeMs));
  if (!read) return null;
  const count = h.ops.filter((op) => op.kind === "read" && !Number.isFinite(op.completeMs)).length;
  return {
    rule: "every read gets an answer",
    details: `${count} read(s) never completed, the first invoked at ${ms(read.invokeMs)} (a read held with ifBehind: "wait" for a position its node never reaches?)`,
    involved: [describeOp(read)],
    ops: [read.id],
  };
}

/** A checker's violation as graded feedback: the rule, the checker's sentence, and its operations. */
export function fromChecker(rule: string, h: History, found: readonly CheckerViolation[], what = "violation"): Violation | null {
  if (found.length === 0) return null;
  const first = found[0];
  return {
    rule,
    details: `${found.length} ${what}${found.length === 1 ? "" : "s"}; the first: ${first.message}`,
    involved: first.ops.map((id) => describeOp(h.ops[id])),
    ops: first.ops,
    name: first.guarantee,
  };
}

/** One operation in a line a student can read: who, what, when, where. */
export function describeOp(op: Op | undefined): string {
  if (op === undefined) return "(no such operation)";
  if (op.kind === "write") {
    const outcome = op.acknowledged ? `acknowledged at ${ms(op.completeMs)}` : `not acknowledged (${op.failure ?? "failed"})`;
    return `write ${op.id}: ${op.client} set ${op.key} = ${JSON.stringify(op.value)} at ${ms(op.invokeMs)} on ${op.node ?? "no node"} (lsn ${op.lsn}), ${outcome}`;
  }
  const seen = op.observed.map((o) => `${o.key} = ${o.value === null ? "no value" : JSON.stringify(o.value)} (lsn ${o.lsn}) from ${o.node}`).join(", ");
  const purpose = op.purpose ? ` [${op.purpose}]` : "";
  return `read ${op.id}${purpose}: ${op.client} at ${ms(op.invokeMs)} saw ${seen}`;
}

function ms(t: number): string {
  return Number.isFinite(t) ? `${Number(t.toFixed(2))} ms` : "never";
}
