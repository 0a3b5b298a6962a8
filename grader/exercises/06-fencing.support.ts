/**
 * Exercise 06's judge: streams of token-carrying writes, fed through a submission's store, each
 * outcome checked against the fencing rule, and the stores' reads checked at the end.
 *
 * The simulated streams come from the engine with fencing off: a leader pauses past the failure
 * detector's timeout, a follower is promoted, and the old leader wakes and keeps accepting writes
 * until it learns it was deposed. Every write some node accepted, tagged with that node's epoch,
 * is what a shared storage layer would have been asked to store, in that order.
 */
import { asyncAck, constant, exponential, simulate } from "../../lib";
import type { Fault, RunResult, SimConfig, WriteOp } from "../../lib";
import { randomInt, stream } from "../../lib";
import type * as Exercise from "../../exercises/06-fencing";
import type { Violation } from "../graded";
import type { Step, StepResults, StudentCode } from "../student";

/** One write as the storage layer sees it, plus where it came from (for feedback). */
export interface TokenWrite {
  token: number;
  key: string;
  value: string;
  /** The node that sent it and when, for simulated streams. */
  node?: string;
  atMs?: number;
  /** The write's id in the simulated run it came from, so that a failing case can be drawn. */
  opId?: number;
}

/** What each write's outcome must be: accepted iff its token is at least the highest seen on any key. */
export function expectedOutcomes(writes: readonly TokenWrite[]): boolean[] {
  let highest = -Infinity;
  return writes.map((w) => {
    if (w.token < highest) return false;
    highest = w.token;
    return true;
  });
}

const show = ({ opId: _opId, ...w }: TokenWrite, index: number) => ({ index, ...w });

/** The keys of a stream, in order of first appearance. */
const keysOf = (writes: readonly TokenWrite[]): string[] => [...new Set(writes.map((w) => w.key))];

/**
 * The questions a stream asks a fresh store, in one round trip: create it, then each write
 * followed by a read of its key (so that a rejected write that changed the value is caught at
 * once), then a read of every key at the end.
 */
export function streamSteps(writes: readonly TokenWrite[], store = "store"): Step[] {
  const steps: Step[] = [{ call: "createFencedStore", args: [], keep: store }];
  for (const w of writes) {
    steps.push({ invoke: store, method: "write", args: [w.token, w.key, w.value] });
    steps.push({ invoke: store, method: "read", args: [w.key] });
  }
  for (const key of keysOf(writes)) steps.push({ invoke: store, method: "read", args: [key] });
  return steps;
}

/** Feeds `writes` to a fresh store of the submission and returns the first rule broken, or null. */
export async function checkStream(writes: readonly TokenWrite[], answer: StudentCode<typeof Exercise>): Promise<Violation | null> {
  return judgeStream(writes, await answer.run(streamSteps(writes)));
}

/**
 * The first rule the store's answers to `streamSteps(writes)` break, or null. When one of its
 * calls threw, the answers before it are judged first, then the error fails the case.
 */
export function judgeStream(writes: readonly TokenWrite[], answers: StepResults): Violation | null {
  const { values } = answers;
  const answered = (step: number): void => {
    if (answers.error && answers.at !== undefined && answers.at <= step) throw answers.error;
  };
  answered(0);
  const store = values[0];
  if (store === null || typeof store !== "object" || Array.isArray(store)) {
    return { rule: "createFencedStore() returns an object with write(token, key, value) and read(key)", got: store };
  }
  const want = expectedOutcomes(writes);
  // The run's operations behind the writes at these positions, for drawing the case (none for hand-made streams).
  const opsOf = (...at: number[]): Pick<Violation, "ops" | "name"> => {
    const ops = at.filter((i) => i >= 0).map((i) => writes[i].opId).filter((id): id is number => id !== undefined);
    return ops.length > 0 ? { ops, name: "fencing" } : {};
  };
  let highestAt = -1;
  const lastAccepted = new Map<string, string>();
  const highestOnKey = new Map<string, number>();
  for (let i = 0; i < writes.length; i++) {
    const w = writes[i];
    const step = 1 + 2 * i;
    answered(step);
    const outcome = values[step];
    if (outcome !== "accepted" && outcome !== "rejected") {
      return { rule: 'write() returns "accepted" or "rejected"', got: outcome, involved: [show(w, i)] };
    }
    const accepted = outcome === "accepted";
    if (accepted !== want[i]) {
      const newest = highestAt >= 0 ? writes[highestAt] : undefined;
      if (accepted) {
        const keyToken = highestOnKey.get(w.key);
        const rule =
          keyToken === undefined || keyToken <= w.token
            ? "fencing is across keys: once a token is seen on any key, every older token is rejected, also on keys the new leader has not written yet"
            : "a write whose token is older than the highest token seen is rejected (it comes from a deposed leader)";
        return {
          rule,
          details: `accepted token ${w.token} after token ${newest?.token} was seen`,
          involved: { staleWrite: show(w, i), newerTokenFirstSeenIn: newest && show(newest, highestAt) },
          ...opsOf(i, highestAt),
        };
      }
      const rule =
        newest !== undefined && w.token === newest.token
          ? "a write carrying the highest token seen so far is accepted (the current leader writes many times with one token)"
          : "a write whose token is at least the highest seen is accepted";
      return { rule, details: `rejected token ${w.token}; the highest seen was ${newest?.token ?? "none"}`, involved: { write: show(w, i), highestTokenFrom: newest && show(newest, highestAt) }, ...opsOf(i, highestAt) };
    }
    if (accepted) {
      if (highestAt < 0 || w.token > writes[highestAt].token) highestAt = i;
      lastAccepted.set(w.key, w.value);
      highestOnKey.set(w.key, Math.max(highestOnKey.get(w.key) ?? -Infinity, w.token));
    }
    answered(step + 1);
    const wrong = checkRead(w.key, values[step + 1], lastAccepted);
    if (wrong) return { ...wrong, details: `${wrong.details}, right after write ${i} (${outcome})`, involved: [show(w, i)], ...opsOf(i) };
  }
  for (const [k, key] of keysOf(writes).entries()) {
    answered(1 + 2 * writes.length + k);
    const wrong = checkRead(key, values[1 + 2 * writes.length + k], lastAccepted);
    if (wrong) return { ...wrong, details: `${wrong.details}, at the end of the stream` };
  }
  return null;
}

/** Whether a read of `key` gave the last accepted value (null, or undefined, when there is none). */
function checkRead(key: string, got: unknown, lastAccepted: Map<string, string>): Violation | null {
  const want = lastAccepted.get(key) ?? null;
  if (got === want || (want === null && got === undefined)) return null;
  return { rule: "read(key) returns the value of the last accepted write to that key, or null", details: `key ${JSON.stringify(key)}`, got, want };
}

// ---------------------------------------------------------------------------- hand-made streams

const t = (token: number, key: string, value: string): TokenWrite => ({ token, key, value });

export interface StreamCase {
  label: string;
  writes: TokenWrite[];
}

/** Hand-made streams, each showing one rule. */
export const HAND_CASES: StreamCase[] = [
  { label: "one leader writes several times with the same token", writes: [t(1, "x", "a"), t(1, "y", "b"), t(1, "x", "c")] },
  { label: "a new leader's token is accepted", writes: [t(1, "x", "a"), t(2, "x", "b"), t(2, "y", "c")] },
  { label: "the deposed leader's write after the new token is rejected", writes: [t(1, "x", "a"), t(2, "x", "b"), t(1, "x", "stale")] },
  {
    label: "a newer token on one key fences the old leader on every key",
    writes: [t(1, "x", "a"), t(1, "y", "b"), t(2, "x", "c"), t(1, "y", "stale"), t(2, "y", "d")],
  },
  { label: "tokens may skip numbers", writes: [t(1, "x", "a"), t(5, "y", "b"), t(3, "x", "stale"), t(5, "x", "c"), t(7, "z", "d"), t(6, "z", "stale")] },
  { label: "a rejected write leaves the stored value alone", writes: [t(3, "x", "kept"), t(2, "x", "stale"), t(1, "x", "older")] },
  { label: "the first write is accepted whatever its token", writes: [t(4, "x", "a"), t(4, "x", "b")] },
];

// ---------------------------------------------------------------------------- random streams

/** A random stream: mostly rising tokens, with old leaders coming back now and then. */
export function randomStream(seed: number): TokenWrite[] {
  const rng = stream(seed, "06/stream");
  const writes: TokenWrite[] = [];
  let current = 1 + randomInt(rng, 3);
  const n = 10 + randomInt(rng, 40);
  const keys = 1 + randomInt(rng, 5);
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    if (r < 0.12) current += 1 + randomInt(rng, 2);
    const token = r > 0.8 ? Math.max(1, current - 1 - randomInt(rng, 2)) : current;
    writes.push(t(token, `k${randomInt(rng, keys)}`, `v${i}`));
  }
  return writes;
}

// ---------------------------------------------------------------------------- simulated failovers

/**
 * A failover with the old leader coming back: L pauses past the detector's timeout, A is promoted,
 * L wakes still believing it leads and keeps taking writes from clients that have not heard of A
 * yet, until it learns of the new epoch. In some runs the new leader pauses as well, so a third
 * epoch meets a returning second one. Detector times are whole milliseconds and the heartbeat
 * delay is constant, so that detection is exact in floating point.
 */
export function failoverConfig(seed: number): SimConfig {
  const rng = stream(seed, "06/failover");
  const pauseFromMs = 200 + randomInt(rng, 200);
  const faults: Fault[] = [{ node: "L", kind: "pause", fromMs: pauseFromMs, toMs: pauseFromMs + 100 + randomInt(rng, 200) }];
  if (rng.next() < 0.5) {
    const fromMs = 850 + randomInt(rng, 150);
    faults.push({ node: "A", kind: "pause", fromMs, toMs: fromMs + 100 + randomInt(rng, 150) });
  }
  return {
    seed,
    followers: 2,
    ack: asyncAck(),
    workload: { writesPerSec: 150 + randomInt(rng, 150), durationMs: 1500, clients: 4 + randomInt(rng, 8), keys: 3 + randomInt(rng, 20) },
    faults,
    failover: {
      detector: { heartbeatMs: 8, timeoutMs: 40, delayMs: constant(0.5) },
      fencing: false,
      clientRerouteMs: exponential({ meanMs: 60 + randomInt(rng, 150) }),
      stepDownAfterMs: constant(80 + randomInt(rng, 150)),
    },
  };
}

/** Every write a node accepted in a simulated failover, in the order the nodes accepted them. */
export function failoverStream(seed: number): { config: SimConfig; run: RunResult; writes: TokenWrite[] } {
  const config = failoverConfig(seed);
  const run = simulate(config);
  const accepted = run.history.ops.filter((op): op is WriteOp => op.kind === "write" && op.node !== null);
  accepted.sort((a, b) => (a.acceptedMs ?? 0) - (b.acceptedMs ?? 0) || a.id - b.id);
  const writes = accepted.map((op) => ({
    token: op.epoch,
    key: op.key,
    value: op.value,
    node: op.node ?? undefined,
    atMs: Math.round((op.acceptedMs ?? 0) * 1000) / 1000,
    opId: op.id,
  }));
  return { config, run, writes };
}
