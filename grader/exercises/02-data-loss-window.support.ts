/**
 * Exercise 02's judge: the grader's own answer to "which acknowledged writes would a failover to F
 * at t lose", hand-made write tables that put writes right on the boundaries, seeded simulated
 * runs with probes at and between those boundaries, and the Little's-law scenarios of part (b).
 */
import { asyncAck, exponential, logNormal, mixture, quorum, semiSync, shifted, constant, simulate, uniform } from "../../lib";
import type { AckPolicy, Dist, RunResult, SimConfig, WriteTable } from "../../lib";
import fc from "fast-check";
import type * as Exercise from "../../exercises/02-data-loss-window";
import { randomInt, stream, type Rng } from "../../lib/rng";
import type { Recorder, Violation } from "../graded";
import { turnOf } from "../search/aims";
import type { Hunt } from "../search/hunt";
import { shrinkList } from "../search/shrink";
import type { StudentCode } from "../student";

/** The grader's copy of the input shape; the student's signature must accept it. */
export type RunWrites = Pick<RunResult, "followers" | "writes">;

/** One question of part (a): a failover to `follower` at `atMs`. */
export interface Probe {
  follower: string;
  atMs: number;
  /** Why this moment was picked, for feedback: "exactly at write 17's acknowledgement". */
  why: string;
}

/** The reference answer of part (a). */
export function lostReference(run: RunWrites, follower: string, atMs: number): number[] {
  const w = run.writes;
  const received = w.receivedMs[run.followers.indexOf(follower)];
  const lost: number[] = [];
  for (let i = 0; i < w.count; i++) if (w.ackMs[i] <= atMs && !(received[i] <= atMs)) lost.push(i);
  return lost;
}

/** One write's times, as feedback shows them (Infinity printed as "never"). */
/**
 * A time as feedback shows it: to the microsecond, unless that would hide a difference of less
 * than one (a hand-made boundary a nanosecond from the crash), which is shown whole.
 */
function shownMs(x: number): number | "never" {
  if (x === Infinity) return "never";
  const rounded = Math.round(x * 1000) / 1000;
  return rounded !== x && Math.abs(x - rounded) < 1e-6 ? x : rounded;
}

/** Write `i`'s log position, shown only where it is not `i + 1` (the leader took the writes in another order than they were sent). */
const lsnIfOther = (w: RunWrites["writes"], i: number) => (w.lsn[i] !== i + 1 ? { lsn: w.lsn[i] } : {});

function timesOf(run: RunWrites, f: number, i: number) {
  const w = run.writes;
  return { write: i, ...lsnIfOther(w, i), ackMs: shownMs(w.ackMs[i]), receivedMs: shownMs(w.receivedMs[f][i]), appliedMs: shownMs(w.appliedMs[f][i]) };
}

/** The first rule `answer` breaks for `probe`, or null when it is exactly the lost writes. */
export function checkLost(run: RunWrites, probe: Probe, answer: unknown): Violation | null {
  const { follower, atMs } = probe;
  const where = `failover to ${follower} at ${atMs} ms (${probe.why})`;
  if (!Array.isArray(answer) || answer.some((x) => !Number.isInteger(x))) {
    return { rule: "the answer is an array of write indices (whole numbers)", details: where, got: answer };
  }
  const list = answer as number[];
  const want = lostReference(run, follower, atMs);
  for (let k = 1; k < list.length; k++) {
    if (list[k] <= list[k - 1]) {
      const sameWrites = list.length === want.length && [...list].sort((a, b) => a - b).every((x, j) => x === want[j]);
      const byAck = sameWrites && list.every((x, j) => j === 0 || run.writes.ackMs[list[j - 1]] <= run.writes.ackMs[x]);
      return {
        rule: byAck
          ? "the indices are in increasing order of index (the order of invocation), not in the order the acknowledgements arrived"
          : "the indices are in increasing order, each once",
        details: `${where}${sameWrites ? ": the right writes, in the wrong order" : ""}`,
        got: list,
        want,
      };
    }
  }
  const wanted = new Set(want);
  const given = new Set(list);
  const f = run.followers.indexOf(follower);
  const missing = want.filter((i) => !given.has(i));
  const extra = list.filter((i) => !wanted.has(i));
  if (missing.length === 0 && extra.length === 0) return null;
  const w = run.writes;
  const firstExtra = extra[0];
  // The first write not acknowledged by atMs (writes.count if none): every write after it was acknowledged after an earlier one that was not.
  let firstUnacked = 0;
  while (firstUnacked < w.count && w.ackMs[firstUnacked] <= atMs) firstUnacked++;
  // A missing write acknowledged by atMs after an earlier write that was not: acknowledgements taken to arrive in index order.
  const skipped = missing.find((i) => w.ackMs[i] <= atMs && w.ackMs[i] !== atMs && firstUnacked < i);
  const other = list.length > 0 && skipped === undefined ? run.followers.find((g) => g !== follower && sameList(lostReference(run, g, atMs), list)) : undefined;
  let rule: string;
  if (other !== undefined) {
    rule = `the follower that counts is the one asked about (${follower}, at run.followers.indexOf("${follower}") = ${f}): the answer is what a failover to ${other} would lose`;
  } else if (firstExtra !== undefined && (firstExtra < 0 || firstExtra >= w.count)) rule = "every index is a write of the run (0 to writes.count - 1)";
  else if (firstExtra !== undefined && !(w.ackMs[firstExtra] <= atMs)) {
    rule = w.ackMs[firstExtra] === Infinity
      ? "a write that was never acknowledged is not an acknowledged write lost"
      : "a write acknowledged after the crash is not lost (it was not acknowledged yet)";
  } else if (firstExtra !== undefined) {
    rule = w.receivedMs[f][firstExtra] === atMs
      ? "a write the follower received exactly at the crash survives (received by atMs)"
      : w.appliedMs[f][firstExtra] > atMs
        ? "a write the follower received but had not applied survives: promotion replays what was received"
        : "a write the follower already had is not lost";
  } else {
    const i = skipped ?? missing[0];
    const earlierUnacked = firstUnacked;
    rule = skipped !== undefined
      ? `acknowledgements arrive out of order: write ${i} was acknowledged by atMs although write ${earlierUnacked} was not, and it is lost all the same`
      : w.ackMs[i] === atMs
        ? "a write acknowledged exactly at the crash counts (acknowledged by atMs)"
        : w.receivedMs[f][i] === Infinity
        ? "an acknowledged write the follower never received is lost"
        : "an acknowledged write the follower had not received by atMs is lost";
  }
  const show = (ids: number[]) => ids.slice(0, 3).map((i) => (i >= 0 && i < w.count ? timesOf(run, f, i) : { write: i }));
  return {
    rule,
    details: `${where}: ${missing.length} lost write(s) missing from the answer, ${extra.length} listed that are not lost`,
    got: list.length > 20 ? `${list.length} writes` : list,
    want: want.length > 20 ? `${want.length} writes` : want,
    involved: { missingFromAnswer: show(missing), notLost: show(extra) },
  };
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * Whether `after` (the run as a call left it) is `before` unchanged: the same names of the run's
 * and its table's fields (an index cached on `run.writes` changes the run too), the same followers
 * and count, and every column the same, entry by entry as text (a number and its digits are the
 * same; -0 and 0 too). A column that is not a list, or a value with no text, is a change. Compared
 * in place, sizes first: writing every number of the table out as text around every probe took
 * three quarters of the judge's time on the probes (0.49 of 0.66 s in a profile of six gradings,
 * grader/SPEED.md), and a column grown to millions of entries is told apart at once.
 */
export function sameRun(after: RunWrites, before: RunWrites): boolean {
  try {
    const [a, b] = [after.writes, before.writes];
    const sameJson = (x: unknown, y: unknown) => JSON.stringify(x) === JSON.stringify(y);
    const sameColumn = (x: unknown, y: ArrayLike<number>): boolean => {
      if (!(Array.isArray(x) || ArrayBuffer.isView(x)) || (x as ArrayLike<unknown>).length !== y.length) return false;
      const c = x as ArrayLike<unknown>;
      for (let i = 0; i < y.length; i++) if (c[i] !== y[i] && String(c[i]) !== String(y[i])) return false;
      return true;
    };
    const sameColumns = (x: unknown, y: readonly ArrayLike<number>[]) => Array.isArray(x) && x.length === y.length && y.every((column, i) => sameColumn(x[i], column));
    return (
      Array.isArray(after.followers) &&
      after.followers.length === before.followers.length &&
      sameJson(Object.keys(after), Object.keys(before)) &&
      sameJson(Object.keys(a), Object.keys(b)) &&
      sameJson(after.followers, before.followers) &&
      sameJson(a.count, b.count) &&
      sameColumn(a.invokeMs, b.invokeMs) &&
      sameColumn(a.acceptMs, b.acceptMs) &&
      sameColumn(a.ackMs, b.ackMs) &&
      sameColumn(a.lsn, b.lsn) &&
      sameColumn(a.node, b.node) &&
      sameColumn(a.epoch, b.epoch) &&
      sameColumns(a.receivedMs, b.receivedMs) &&
      sameColumns(a.appliedMs, b.appliedMs)
    );
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------- hand-made tables

/** One hand-made write: acknowledgement time, and receipt (and apply) time per follower. */
interface Row {
  ack: number;
  received: number[];
  applied?: number[];
  /** When its client sent it (default: when the leader took it). */
  invoked?: number;
  /** When the leader took it into its log (default: half a millisecond before its acknowledgement). */
  accepted?: number;
  /** Its position in the leader's log (default: its index + 1, the leader taking writes in order of invocation). */
  lsn?: number;
}

/** A write table built by hand, with the fields a RunResult's table has. */
export function handRun(followers: string[], rows: Row[]): RunWrites {
  const n = rows.length;
  const f64 = (pick: (r: Row, i: number) => number) => Float64Array.from(rows, pick);
  const writes: WriteTable = {
    count: n,
    invokeMs: f64((r) => r.invoked ?? r.accepted ?? (r.ack === Infinity ? 0 : Math.max(0, r.ack - 0.5))),
    acceptMs: f64((r) => r.accepted ?? (r.ack === Infinity ? 0 : Math.max(0, r.ack - 0.5))),
    ackMs: f64((r) => r.ack),
    lsn: Int32Array.from(rows, (r, i) => r.lsn ?? i + 1),
    node: new Int32Array(n),
    epoch: new Int32Array(n).fill(1),
    receivedMs: followers.map((_, f) => f64((r) => r.received[f])),
    appliedMs: followers.map((_, f) => f64((r) => r.applied?.[f] ?? r.received[f])),
  };
  return { followers, writes };
}

export interface HandCase {
  label: string;
  run: RunWrites;
  probe: Probe;
}

const never = Infinity;
/**
 * The writes a follower cut off after the first one misses in a hand-made table: a day of them,
 * so that a scan that looks back only a while (a second, an hour, 1,000 writes) misses some.
 */
const CUT_OFF_WRITES = 2_000;

/** Hand-made cases, each showing one rule of part (a). */
export const HAND_CASES: HandCase[] = [
  {
    label: "a write acknowledged exactly at the crash counts",
    run: handRun(["A"], [{ ack: 1, received: [2] }, { ack: 5, received: [9] }, { ack: 6, received: [9] }]),
    probe: { follower: "A", atMs: 5, why: "write 1 was acknowledged exactly then" },
  },
  {
    label: "a write received exactly at the crash survives",
    run: handRun(["A"], [{ ack: 3, received: [5] }, { ack: 4, received: [6] }]),
    probe: { follower: "A", atMs: 5, why: "A received write 0 exactly then" },
  },
  {
    label: "a write never acknowledged is not an acknowledged write lost",
    run: handRun(["A"], [{ ack: 1, received: [9] }, { ack: never, received: [never] }, { ack: 2, received: [never] }]),
    probe: { follower: "A", atMs: 5, why: "write 1 was never acknowledged" },
  },
  {
    label: "a write received but not yet applied survives the failover",
    run: handRun(["A"], [
      { ack: 1, received: [2], applied: [8] },
      { ack: 3, received: [4], applied: [9] },
      { ack: 4, received: [7], applied: [10] },
    ]),
    probe: { follower: "A", atMs: 5, why: "A had received writes 0 and 1 but applied neither" },
  },
  {
    label: "a write received but never applied (the follower stopped applying) survives the failover",
    run: handRun(["A"], [
      { ack: 1, received: [2], applied: [never] },
      { ack: 3, received: [4], applied: [never] },
      { ack: 4, received: [7], applied: [never] },
    ]),
    probe: { follower: "A", atMs: 5, why: "A had received writes 0 and 1 and would never apply them: promotion replays them first" },
  },
  {
    label: "the follower asked about is the one that counts",
    run: handRun(["A", "B"], [{ ack: 1, received: [2, 6] }, { ack: 2, received: [7, 3] }, { ack: 3, received: [4, 4] }]),
    probe: { follower: "B", atMs: 5, why: "B, the second follower" },
  },
  {
    label: "a write acknowledged after the crash is not lost",
    run: handRun(["A"], [{ ack: 1, received: [9] }, { ack: 6, received: [9] }]),
    probe: { follower: "A", atMs: 5, why: "write 1 was acknowledged at 6 ms" },
  },
  {
    label: "acknowledgements out of order: a later write acknowledged first is lost, the earlier one not yet acknowledged",
    run: handRun(["A", "B"], [{ ack: 4, received: [never, 3] }, { ack: 2, received: [never, 1] }, { ack: 6, received: [never, 5] }]),
    probe: { follower: "A", atMs: 3, why: "write 1 was acknowledged at 2 ms, write 0 only at 4 ms" },
  },
  {
    label: "acknowledgements out of order: the lost writes are listed by index, not by acknowledgement time",
    run: handRun(["A", "B"], [{ ack: 4, received: [never, 3] }, { ack: 2, received: [never, 1] }, { ack: 6, received: [never, 5] }]),
    probe: { follower: "A", atMs: 5, why: "write 1 was acknowledged before write 0" },
  },
  {
    label: "followers listed in another order than their names",
    run: handRun(["C", "A", "B"], [{ ack: 1, received: [2, never, 2] }, { ack: 2, received: [never, 3, 3] }, { ack: 3, received: [4, 4, never] }]),
    probe: { follower: "A", atMs: 3.5, why: "A, the second of run.followers" },
  },
  {
    label: "acknowledgements out of order by far: 120 writes acknowledged a second after the crash come before one acknowledged before it",
    run: handRun(["A"], [
      ...Array.from({ length: 120 }, (_, i) => ({ ack: 1000 + i, received: [1001 + i] })),
      { ack: 2, received: [never] },
      { ack: 3, received: [4] },
    ]),
    probe: { follower: "A", atMs: 5, why: "writes 0 to 119 were acknowledged from 1000 ms on, long after the crash; write 120 at 2 ms, and A had not received it" },
  },
  {
    label: "the lost writes 9 and 10 are listed as numbers: 9 before 10 (a bare sort() puts \"10\" first)",
    run: handRun(["A"], [
      ...Array.from({ length: 9 }, (_, i) => ({ ack: 1 + i / 8, received: [2 + i / 8] })),
      { ack: 3.5, received: [never] },
      { ack: 3, received: [6] },
    ]),
    probe: { follower: "A", atMs: 5, why: "writes 9 and 10 are acknowledged and not yet on A, 10 acknowledged first" },
  },
  {
    label: "times compared exactly: acknowledged a nanosecond after the crash is not lost, received a nanosecond after it is",
    run: handRun(["A"], [{ ack: 5.000000001, received: [9] }, { ack: 4, received: [5.000000001] }, { ack: 4.5, received: [5] }]),
    probe: { follower: "A", atMs: 5, why: "write 0 was acknowledged at 5.000000001 ms, after the crash; A received write 1 at 5.000000001 ms, after it, and write 2 exactly at 5 ms" },
  },
  {
    label: "writes are numbered by invocation, not by log position: write 0 reached the leader second",
    run: handRun(["A"], [
      { invoked: 0.5, accepted: 1.5, lsn: 2, ack: 2, received: [4] },
      { invoked: 0.8, accepted: 1, lsn: 1, ack: 1.5, received: [3] },
      { invoked: 1.8, accepted: 2, lsn: 3, ack: 2.5, received: [4.2] },
    ]),
    probe: { follower: "A", atMs: 3.5, why: "receivedMs[f][i] is write i's receipt, whatever its log position (writes.lsn): A received write 0, at log position 2, only at 4 ms" },
  },
  {
    label: "a follower cut off for a day: writes acknowledged a day and 2,000 writes before the crash are lost too",
    run: handRun(["A", "B"], Array.from({ length: CUT_OFF_WRITES + 1 }, (_, i) => ({ ack: 1 + i * 43_200, received: [i === 0 ? 2 : never, 2 + i * 43_200] }))),
    probe: { follower: "A", atMs: 1 + CUT_OFF_WRITES * 43_200, why: "A received write 0, then nothing more for a day (86,400,000 ms), while writes 1 to 2,000 were acknowledged" },
  },
  {
    label: "a follower that has every write loses nothing",
    run: handRun(["A", "B"], [{ ack: 1, received: [1, 3] }, { ack: 2, received: [2, 9] }]),
    probe: { follower: "A", atMs: 5, why: "A is up to date" },
  },
  {
    label: "the text's example: a failover to B at 100 ms in seed 1 loses writes 93 and 94",
    run: textExampleRun(),
    probe: { follower: "B", atMs: 100, why: "the example in the exercise's text" },
  },
];

function textExampleRun(): RunWrites {
  const run = simulate({ seed: 1, followers: 2, workload: { writesPerSec: 1000, writes: 200 }, recordHistory: false });
  return { followers: run.followers, writes: run.writes };
}

/** A write table as feedback shows it: one row per write. */
export function showTable(run: RunWrites): unknown {
  const w = run.writes;
  if (w.count > 20) return { followers: run.followers, writes: w.count };
  return {
    followers: run.followers,
    writes: Array.from({ length: w.count }, (_, i) => ({
      write: i,
      ...lsnIfOther(w, i),
      ackMs: shownMs(w.ackMs[i]),
      receivedMs: run.followers.map((_, f) => shownMs(w.receivedMs[f][i])),
      appliedMs: run.followers.map((_, f) => shownMs(w.appliedMs[f][i])),
    })),
  };
}

// ---------------------------------------------------------------------------- judging

type Answer = StudentCode<typeof Exercise>;

/** Asks the submission about each probe of one run; the first wrong answer fails the case. */
export async function judgeProbes(answer: Answer, run: RunWrites, probes: Probe[], record: Recorder): Promise<Violation | null> {
  // Only the part of a run the exercise reads crosses to the sandbox.
  const given: RunWrites = { followers: run.followers, writes: run.writes };
  for (const probe of probes) {
    const { value, argsAfter } = await answer.callWithArgs("writesLostOnFailover", given, probe.follower, probe.atMs);
    const violation = checkLost(run, probe, value);
    if (violation) {
      record("probe", probe);
      return violation;
    }
    const after = argsAfter[0] as unknown as RunWrites | undefined;
    if (!after || !sameRun(after, given)) return { rule: "the run must not be changed", details: "the write table differs after the call", involved: probe };
  }
  return null;
}

/** The run's table with only the writes `keep` (renumbered 0, 1, …). */
export function subRun(run: RunWrites, keep: readonly number[]): RunWrites {
  const w = run.writes;
  const pickF = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
  const pickI = (a: Int32Array) => Int32Array.from(keep, (i) => a[i]);
  const writes: WriteTable = {
    count: keep.length,
    invokeMs: pickF(w.invokeMs),
    acceptMs: pickF(w.acceptMs),
    ackMs: pickF(w.ackMs),
    lsn: pickI(w.lsn),
    node: pickI(w.node),
    epoch: pickI(w.epoch),
    receivedMs: w.receivedMs.map(pickF),
    appliedMs: w.appliedMs.map(pickF),
  };
  return { followers: run.followers, writes };
}

/**
 * A failing simulated run shown small: the first probe it fails, on as few of the run's writes as
 * still fail it (ddmin over the writes; the kept ones are renumbered).
 */
export async function shrinkSimulated(answer: Answer, run: RunWrites, probes: Probe[], record: Recorder): Promise<Violation | null> {
  const quiet: Recorder = () => {};
  let failing: Probe | undefined;
  for (const probe of probes) {
    if (await judgeProbes(answer, run, [probe], quiet)) {
      failing = probe;
      break;
    }
  }
  if (failing === undefined) return null;
  const probe = failing;
  const all = Array.from({ length: run.writes.count }, (_, i) => i);
  const { items } = await shrinkList(all, async (keep) => (await judgeProbes(answer, subRun(run, keep), [probe], quiet)) !== null, 80);
  const small = subRun(run, items);
  record("shrunk", `from ${all.length} writes to ${items.length} (the run's writes ${items.slice(0, 20).join(", ")}${items.length > 20 ? ", …" : ""}, renumbered from 0)`);
  record("writes", showTable(small));
  return judgeProbes(answer, small, [{ ...probe, why: `${probe.why}, in the run before shrinking` }], record);
}

// ---------------------------------------------------------------------------- the search

/** One candidate of the search: a small write table and a failover to ask about. */
export interface TableCase {
  followers: string[];
  rows: { ack: number; received: number[]; behind: number[] }[];
  /** Which follower takes over (an index into `followers`, modulo their number). */
  who: number;
  atMs: number;
}

/** Names listed in orders on which "A is the first follower" is wrong. */
const SEARCH_FOLLOWERS = ["B", "A", "C", "east"];
/** Small whole times, so that acknowledgements, receipts and the crash often coincide. */
const moment = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 6 }) }, { weight: 1, arbitrary: fc.constant(Infinity) });

export const tableSpace: fc.Arbitrary<TableCase> = fc.record({
  followers: fc.uniqueArray(fc.constantFrom(...SEARCH_FOLLOWERS), { minLength: 1, maxLength: 3 }),
  rows: fc.array(
    fc.record({
      ack: moment,
      received: fc.array(moment, { minLength: 3, maxLength: 3 }),
      behind: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 8 },
  ),
  who: fc.nat(2),
  atMs: fc.integer({ min: 0, max: 6 }),
});

/** The run and probe a candidate stands for. */
export function tableCase(t: TableCase): { run: RunWrites; probe: Probe } {
  const n = t.followers.length;
  const run = handRun(t.followers, t.rows.map((r) => ({ ack: r.ack, received: r.received.slice(0, n), applied: r.received.slice(0, n).map((x, f) => x + r.behind[f]) })));
  return { run, probe: { follower: t.followers[t.who % n], atMs: t.atMs, why: "a searched case" } };
}

/** Worst cases known in advance: every boundary of the rules at once, and acknowledgements out of order. */
const FIRST: TableCase[] = [
  {
    followers: ["B", "A"],
    rows: [
      { ack: 4, received: [Infinity, 1, 0], behind: [0, 0, 0] },
      { ack: 2, received: [3, 3, 0], behind: [0, 2, 0] },
      { ack: 3, received: [3, Infinity, 0], behind: [1, 0, 0] },
      { ack: Infinity, received: [Infinity, Infinity, 0], behind: [0, 0, 0] },
    ],
    who: 1,
    atMs: 3,
  },
];

export function lossSearch(answer: Answer, tries: number): Hunt<TableCase> {
  return {
    space: tableSpace,
    first: FIRST,
    tries,
    shrinkTries: 60,
    judge: (t, record) => {
      const { run, probe } = tableCase(t);
      record("writes", showTable(run));
      return judgeProbes(answer, run, [probe], record);
    },
    describe: (t) => {
      const { probe } = tableCase(t);
      return `a failover to ${probe.follower} at ${probe.atMs} ms, ${t.rows.length} write(s)`;
    },
  };
}

// ---------------------------------------------------------------------------- simulated runs

const pick = <T>(rng: Rng, items: readonly T[]): T => items[randomInt(rng, items.length)];
const between = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng.next();
const logBetween = (rng: Rng, lo: number, hi: number): number => lo * Math.pow(hi / lo, rng.next());

/** A delay distribution with mean about `meanMs`, of a randomly chosen shape. */
function randomDelay(rng: Rng, meanMs: number): Dist {
  switch (randomInt(rng, 3)) {
    case 0:
      return exponential({ meanMs });
    case 1:
      return shifted(meanMs / 2, exponential({ meanMs: meanMs / 2 }));
    default:
      return logNormal({ medianMs: meanMs * 0.7, p99Ms: meanMs * 4 });
  }
}

/** A small run (300 writes) with varied followers, policies, apply and commit delays, and faults. */
export function lossWindowConfig(seed: number): SimConfig {
  const rng = stream(seed, "02/run");
  const n = 1 + randomInt(rng, 3);
  const followers = Array.from({ length: n }, () => ({ toFollowerMs: randomDelay(rng, logBetween(rng, 0.3, 8)) }));
  const policies: AckPolicy[] = [asyncAck(), asyncAck(), asyncAck(), semiSync(), quorum(1 + randomInt(rng, n))];
  const config: SimConfig = {
    seed,
    followers,
    ack: pick(rng, policies),
    applyMs: exponential({ meanMs: logBetween(rng, 0.2, 3) }),
    leaderCommitMs: rng.next() < 0.5 ? constant(0) : exponential({ meanMs: 0.5 }),
    network: { clientResponseMs: rng.next() < 0.5 ? constant(0) : exponential({ meanMs: 0.3 }) },
    workload: { writesPerSec: Math.round(logBetween(rng, 500, 3000)), writes: 300 },
    recordHistory: false,
  };
  if (rng.next() < 0.35) {
    const fromMs = Math.round(between(rng, 20, 60));
    config.faults = [{ node: pick(rng, ["A", "B", "C"].slice(0, n)), kind: "crash", fromMs, toMs: fromMs + Math.round(between(rng, 10, 40)) }];
  }
  return config;
}

/**
 * Runs for hidden seeds, the kind read from the seed (`turnOf`): any run of `lossWindowConfig`,
 * or an asynchronous one whose acknowledgements arrive well out of index order (client responses
 * of 0.5-2 ms on average, and one in ten held 20-60 ms) while every follower is a few ms behind,
 * so that the moments that tell the rules apart (`boundaryProbes`) all exist; or a quiet one (1-5
 * writes a second, 300 writes: a minute or more) in which one follower stalls early on, its
 * messages a million times slower (an hour or more) to the end, so that at the last acknowledgement it lacks writes
 * acknowledged most of the run and almost every write before (a scan that looks back only a
 * second, or a few hundred writes, misses them). With the seeds taking turns every grading holds
 * each kind.
 */
export const AIMED_LOSS_CONFIGS: readonly ((seed: number) => SimConfig)[] = [
  lossWindowConfig,
  (seed) => {
    const rng = stream(seed, "02/aimed-run");
    const base = lossWindowConfig(seed);
    const followers = Array.isArray(base.followers) ? base.followers : [];
    return {
      ...base,
      ack: asyncAck(),
      followers: followers.map(() => ({ toFollowerMs: exponential({ meanMs: between(rng, 3, 8) }) })),
      network: { clientResponseMs: mixture([[0.9, exponential({ meanMs: between(rng, 0.5, 2) })], [0.1, uniform({ minMs: 20, maxMs: 60 })]]) },
    };
  },
  (seed) => {
    const rng = stream(seed, "02/stalled-run");
    const base = lossWindowConfig(seed);
    const followers = Array.isArray(base.followers) ? base.followers : [{}];
    const writesPerSec = Math.round(logBetween(rng, 1, 5) * 100) / 100;
    const spanMs = (300 / writesPerSec) * 1000;
    // 3-8 ms on average, a million times slower once stalled: an hour or more, the run 1-5 minutes.
    const stalled = randomInt(rng, followers.length);
    return {
      ...base,
      ack: asyncAck(),
      followers: followers.map((f, k) => (k === stalled ? { ...f, toFollowerMs: exponential({ meanMs: between(rng, 3, 8) }) } : f)),
      workload: { writesPerSec, writes: 300 },
      faults: [{ node: "ABC"[stalled], kind: "slow", fromMs: Math.round(between(rng, 0.02, 0.05) * spanMs), factor: 1e6 }],
    };
  },
];

/** A run of the kind its seed names in `AIMED_LOSS_CONFIGS`. */
export function aimedLossConfig(seed: number): SimConfig {
  return AIMED_LOSS_CONFIGS[turnOf(seed, AIMED_LOSS_CONFIGS.length)](seed);
}

/**
 * Failovers aimed at each boundary of the rule, for the first follower (from a seeded write on)
 * where the run has one: at the acknowledgement of a write the follower has not received yet (it
 * is lost); at the receipt of an acknowledged write not yet applied (it is not lost: received is
 * enough); at the acknowledgement of a write acknowledged before an earlier one that the follower
 * has not received either (both lost, listed by index); and just before that earlier one's
 * acknowledgement (the later write is lost although an earlier one is not acknowledged yet). And,
 * for any follower, once writes 99 and 100 (or 9 and 10) are both acknowledged and neither is on
 * it: lost writes on both sides of a power of ten, which a bare sort() lists as "100" before "99".
 * And at the acknowledgement of the write acknowledged longest before an earlier one, if more
 * than 5 ms before (the aimed asynchronous runs hold responses 20-60 ms: about 50 ms there), for a
 * follower that has not received it by then: a scan in index order that stops at a write
 * acknowledged some milliseconds past the crash, taking acknowledgements to be only a little out
 * of order, misses it. And at the run's last acknowledgement, for a follower that lacks a write
 * then, the one acknowledged longest before (`oldestMissing`).
 */
export function boundaryProbes(run: RunWrites, seed: number): Probe[] {
  const w = run.writes;
  const start = randomInt(stream(seed, "02/boundaries"), Math.max(1, w.count));
  const order = Array.from({ length: w.count }, (_, k) => (start + k) % w.count);
  const probes: Probe[] = [];
  for (const [f, follower] of run.followers.entries()) {
    const received = w.receivedMs[f];
    const unreceivedAck = order.find((i) => w.ackMs[i] < Infinity && received[i] > w.ackMs[i]);
    const unapplied = order.find((i) => w.ackMs[i] < received[i] && received[i] < w.appliedMs[f][i] && received[i] < Infinity);
    // j acknowledged before i < j, neither on the follower when both are acknowledged.
    const j = order.find((j) => j > 0 && w.ackMs[j] < w.ackMs[j - 1] && w.ackMs[j - 1] < Infinity && received[j] > w.ackMs[j - 1] && received[j - 1] > w.ackMs[j - 1]);
    if (unreceivedAck === undefined || unapplied === undefined || j === undefined) continue;
    probes.push(
      { follower, atMs: w.ackMs[unreceivedAck], why: `exactly at write ${unreceivedAck}'s acknowledgement, before ${follower} received it` },
      { follower, atMs: received[unapplied], why: `exactly when ${follower} received write ${unapplied}, before applying it` },
      { follower, atMs: w.ackMs[j - 1], why: `exactly at write ${j - 1}'s acknowledgement, after write ${j}'s` },
      { follower, atMs: w.ackMs[j], why: `exactly at write ${j}'s acknowledgement, before write ${j - 1}'s` },
    );
    break;
  }
  // Lost writes on both sides of a power of ten (9 and 10, or 99 and 100), where listing them as
  // text ("10" before "9") is out of order: at the later of their acknowledgements, for the first
  // follower that has neither by then.
  for (const i of [99, 9]) {
    if (i + 1 >= w.count || !(w.ackMs[i] < Infinity && w.ackMs[i + 1] < Infinity)) continue;
    const atMs = Math.max(w.ackMs[i], w.ackMs[i + 1]);
    const f = run.followers.findIndex((_, f) => !(w.receivedMs[f][i] <= atMs) && !(w.receivedMs[f][i + 1] <= atMs));
    if (f < 0) continue;
    probes.push({ follower: run.followers[f], atMs, why: `exactly when writes ${i} and ${i + 1} were both acknowledged, neither yet on ${run.followers[f]}` });
    break;
  }
  let overtaking: { j: number; f: number; byMs: number } | undefined;
  let latestAck = -Infinity;
  for (let j = 0; j < w.count; j++) {
    if (w.ackMs[j] === Infinity) continue;
    const byMs = latestAck - w.ackMs[j];
    if (byMs > (overtaking?.byMs ?? 0)) {
      const f = run.followers.findIndex((_, f) => !(w.receivedMs[f][j] <= w.ackMs[j]));
      if (f >= 0) overtaking = { j, f, byMs };
    }
    latestAck = Math.max(latestAck, w.ackMs[j]);
  }
  // Runs without held responses overtake by a few ms at most: asked where it is by more than 5.
  if (overtaking !== undefined && overtaking.byMs > 5) {
    const { j, f, byMs } = overtaking;
    probes.push({ follower: run.followers[f], atMs: w.ackMs[j], why: `exactly at write ${j}'s acknowledgement, ${Math.round(byMs * 1000) / 1000} ms before an earlier write's, and before ${run.followers[f]} received it` });
  }
  const oldest = oldestMissing(run);
  if (oldest !== undefined) {
    const { i, f, atMs } = oldest;
    probes.push({ follower: run.followers[f], atMs, why: `at the run's last acknowledgement, when ${run.followers[f]} still lacked write ${i}, acknowledged ${Math.round((atMs - w.ackMs[i]) * 1000) / 1000} ms before` });
  }
  return probes;
}

/**
 * At the run's last acknowledgement, the write acknowledged longest before that some follower
 * still lacks then (the first such follower), if any: a failover there must list it however long
 * ago it was acknowledged, and however many writes came after it.
 */
function oldestMissing(run: RunWrites): { i: number; f: number; atMs: number } | undefined {
  const w = run.writes;
  let atMs = -Infinity;
  for (let i = 0; i < w.count; i++) if (w.ackMs[i] < Infinity && w.ackMs[i] > atMs) atMs = w.ackMs[i];
  let oldest: { i: number; f: number; atMs: number } | undefined;
  for (let f = 0; f < run.followers.length; f++) {
    for (let i = 0; i < w.count; i++) {
      if (w.ackMs[i] <= atMs && !(w.receivedMs[f][i] <= atMs) && (oldest === undefined || w.ackMs[i] < w.ackMs[oldest.i])) oldest = { i, f, atMs };
    }
  }
  return oldest;
}

/** A few failovers to ask about for one run: random moments and moments exactly on a boundary. */
export function probesFor(run: RunWrites, seed: number): Probe[] {
  const rng = stream(seed, "02/probes");
  const w = run.writes;
  const acked: number[] = [];
  let lastAck = 0;
  for (let i = 0; i < w.count; i++) {
    if (w.ackMs[i] < Infinity) {
      acked.push(i);
      if (w.ackMs[i] > lastAck) lastAck = w.ackMs[i];
    }
  }
  const probes: Probe[] = [];
  for (let k = 0; k < 6; k++) {
    const follower = pick(rng, run.followers);
    const f = run.followers.indexOf(follower);
    const kind = k % 3;
    if (kind === 0 || acked.length === 0) {
      probes.push({ follower, atMs: Math.round(between(rng, 0, lastAck) * 1000) / 1000, why: "a random moment" });
    } else if (kind === 1) {
      const i = pick(rng, acked);
      probes.push({ follower, atMs: w.ackMs[i], why: `exactly at write ${i}'s acknowledgement` });
    } else {
      const got = acked.filter((i) => w.receivedMs[f][i] < Infinity);
      const i = got.length > 0 ? pick(rng, got) : pick(rng, acked);
      const atMs = w.receivedMs[f][i] < Infinity ? w.receivedMs[f][i] : w.ackMs[i];
      probes.push({ follower, atMs, why: `exactly when ${follower} received write ${i}` });
    }
  }
  return probes;
}

/** A short description of a run's configuration, for feedback. */
export function describeRun(config: SimConfig): Record<string, unknown> {
  return {
    followers: Array.isArray(config.followers) ? config.followers.length : config.followers,
    ack: config.ack,
    workload: config.workload,
    faults: config.faults ?? [],
  };
}

// ---------------------------------------------------------------------------- part (b)

/** One Little's-law case: what the dashboard shows, and what the run really had at risk. */
export interface RiskCase {
  writesPerSec: number;
  meanLagMs: number;
  /** Acknowledged writes missing on follower A, averaged over the run's time (each for its whole time missing). */
  writesAtRiskMean: number;
  /** Follower A's delay distribution, for feedback. */
  delay: Dist;
}

/** Part (b)'s tolerance: relative error allowed against the simulation. */
export const RISK_TOLERANCE = 0.1;

/**
 * An async run at a random rate, with follower A's delay drawn so that a few to a few dozen
 * writes are at risk. The lag is measured in the same run, over the writes, and the writes at
 * risk over time: Little's law ties the two, whatever the delay's shape and however much the
 * ordered replication stream queues writes behind a slow one.
 */
export function riskCase(seed: number): RiskCase {
  return riskCaseWith(seed, stream(seed, "02/risk"), 30);
}

/**
 * Part (b) cases for hidden seeds, the kind read from the seed (`turnOf`, grader/search/aims.ts):
 * any case, one with under three writes at risk, where a prediction off by one write (the one
 * in flight) is off by far more than the tolerance, or a quiet database (one write every 50 to
 * 200 s, a follower 0.2-2 ms behind: 10^-6 to 4 * 10^-5 writes at risk), where a prediction
 * rounded to a few decimals is 0. With the seeds taking turns every grading holds each kind.
 */
export const AIMED_RISK_CASES: readonly ((seed: number) => RiskCase)[] = [riskCase, (seed) => riskCaseWith(seed, stream(seed, "02/aimed-risk"), 3), quietRiskCase];

/** A part (b) case of the kind its seed names in `AIMED_RISK_CASES`. */
export function aimedRiskCase(seed: number): RiskCase {
  return AIMED_RISK_CASES[turnOf(seed, AIMED_RISK_CASES.length)](seed);
}

/** A risk case whose follower A's delay is drawn for 0.5 to `atRiskMax` writes at risk. */
function riskCaseWith(seed: number, rng: Rng, atRiskMax: number): RiskCase {
  const writesPerSec = Math.round(logBetween(rng, 100, 5000));
  const atRiskTarget = logBetween(rng, 0.5, atRiskMax);
  return measuredRisk(seed, writesPerSec, randomDelay(rng, Math.max(0.2, (atRiskTarget * 1000) / writesPerSec)));
}

/** A quiet database: a write every 50 to 200 s, follower A 0.2 to 2 ms behind on average. */
function quietRiskCase(seed: number): RiskCase {
  const rng = stream(seed, "02/quiet-risk");
  const writesPerSec = Number(logBetween(rng, 0.005, 0.02).toPrecision(3));
  return measuredRisk(seed, writesPerSec, randomDelay(rng, logBetween(rng, 0.2, 2)));
}

/** The risk case of an async run at `writesPerSec` with follower A's replication delay `delay`. */
function measuredRisk(seed: number, writesPerSec: number, delay: Dist): RiskCase {
  const run = simulate({
    seed,
    followers: [{ name: "A", toFollowerMs: delay }, { name: "B", toFollowerMs: exponential({ meanMs: 1 }) }],
    ack: asyncAck(),
    applyMs: exponential({ meanMs: 0.5 }),
    workload: { writesPerSec, writes: 4000 },
    recordHistory: false,
  });
  const w = run.writes;
  const received = w.receivedMs[0];
  let endMs = 0;
  let acked = 0;
  let lagSum = 0;
  for (let i = 0; i < w.count; i++) {
    if (w.ackMs[i] === Infinity) continue;
    acked++;
    lagSum += Math.max(0, received[i] - w.ackMs[i]);
    if (w.ackMs[i] > endMs) endMs = w.ackMs[i];
  }
  // The time average over [0, last acknowledgement] of the writes acknowledged and not yet on A,
  // each counted for its whole time missing (from its ack to its receipt), also past the end: cut
  // at the last acknowledgement, a long delay near the end of the run (log-normal delays have
  // them) dropped most of its writes' missing time, and the run read up to 27% below the rate
  // times the lag on about one case in 4,000, failing right answers.
  return { writesPerSec, meanLagMs: Math.round((lagSum / acked) * 1000) / 1000, writesAtRiskMean: lagSum / endMs, delay };
}

/** The first rule a prediction breaks, or null when it is within the tolerance. */
export function checkPrediction(k: { writesPerSec: number; meanLagMs: number }, wantWrites: number, answer: unknown): Violation | null {
  if (typeof answer !== "number" || !Number.isFinite(answer)) {
    return { rule: "the answer is a finite number of writes", got: answer };
  }
  const error = Math.abs(answer - wantWrites) / wantWrites;
  if (error <= RISK_TOLERANCE) return null;
  const r = (x: number) => (Math.abs(x) >= 1 ? Math.round(x * 100) / 100 : Number(x.toPrecision(3)));
  return {
    rule: `the expected loss is within ${RISK_TOLERANCE * 100}% of the writes at risk in the simulation`,
    details: `${k.writesPerSec} writes/s with a mean lag of ${k.meanLagMs} ms: you predicted ${r(answer)} writes, the run had ${r(wantWrites)} missing on average (off by ${Math.round(error * 100)}%)`,
    got: answer,
    want: r(wantWrites),
  };
}
