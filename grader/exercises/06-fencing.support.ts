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
import { randomInt, stream, type Rng } from "../../lib";
import type * as Exercise from "../../exercises/06-fencing";
import fc from "fast-check";
import type { Recorder, Violation } from "../graded";
import type { Hunt } from "../search/hunt";
import { shrinkList } from "../search/shrink";
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
  /**
   * Which of several stores alive at once the write goes to: 0 (the default) for the first, 1 for
   * the second, ... Each store is made by its own createFencedStore() call just before its first
   * write, and has its own tokens and values.
   */
  store?: number;
  /**
   * Left unread: no read of its key right after it, nor at the end unless another write to that
   * key is read (a long stream's many writes, asked at the cost of the write alone).
   */
  unread?: true;
}

const storeOf = (w: TokenWrite): number => w.store ?? 0;

/** What each write's outcome must be: accepted iff its token is at least the highest its store has seen on any key. */
export function expectedOutcomes(writes: readonly TokenWrite[]): boolean[] {
  const highest = new Map<number, number>();
  return writes.map((w) => {
    if (w.token < (highest.get(storeOf(w)) ?? -Infinity)) return false;
    highest.set(storeOf(w), w.token);
    return true;
  });
}

/** The writes as feedback shows them: [token, key, value], and the store when there are several. */
export function shownWrites(writes: readonly TokenWrite[]): unknown[][] {
  const several = writes.some((w) => storeOf(w) !== 0);
  return writes.map((w) => (several ? [w.token, w.key, w.value, `store ${storeOf(w) + 1}`] : [w.token, w.key, w.value]));
}

const show = ({ opId: _opId, unread: _unread, ...w }: TokenWrite, index: number) => ({ index, ...w });

/** The keys of a stream, in order of first appearance. */
const keysOf = (writes: readonly TokenWrite[]): string[] => [...new Set(writes.map((w) => w.key))];

/**
 * Names every plain object has without storing them (`{}["constructor"]` is a function,
 * `{}["__proto__"]` an object): a store that keeps its values in a plain object reads them as
 * stored values, and loses a write to "__proto__".
 */
export const INHERITED_NAMES = ["constructor", "toString", "__proto__", "hasOwnProperty"];

/**
 * The keys read at the end of a stream: each key it wrote (but those only `unread` writes
 * wrote), then one it never wrote and each name of INHERITED_NAMES it never wrote (all must read
 * as null), so that every stream, hand-made, random or simulated, checks a read of a key no write
 * reached, whatever keys its seed happened to give.
 */
const keysReadAtEnd = (writes: readonly TokenWrite[]): string[] => {
  const keys = new Set(writes.map((w) => w.key));
  let never = "never-written";
  while (keys.has(never)) never += "-too";
  return [...keysOf(writes.filter((w) => !w.unread)), never, ...INHERITED_NAMES.filter((name) => !keys.has(name))];
};

/** The steps of a stream, and for each store its writes and the indices of its own steps among them. */
export interface StreamLayout {
  steps: Step[];
  stores: { writes: TokenWrite[]; at: number[] }[];
}

/**
 * The questions a stream asks, in one round trip: create a store (each store of a stream with
 * several just before its first write), then each write followed by a read of its key in its
 * store (so that a rejected write that changed the value is caught at once; none after an
 * `unread` write), then for each store
 * a read of every key it wrote, of one key no write touched, and of the inherited names. Each
 * store's steps, taken alone, are those of a stream of its writes in one store (`judgeStream`).
 */
export function layoutSteps(writes: readonly TokenWrite[]): StreamLayout {
  const steps: Step[] = [];
  const stores: StreamLayout["stores"] = [];
  const byStore = new Map<number, StreamLayout["stores"][number] & { name: string }>();
  const push = (of: { at: number[] }, step: Step) => {
    of.at.push(steps.length);
    steps.push(step);
  };
  const storeFor = (k: number) => {
    let s = byStore.get(k);
    if (!s) {
      s = { writes: [], at: [], name: k === 0 ? "store" : `store${k + 1}` };
      byStore.set(k, s);
      stores.push(s);
      push(s, { call: "createFencedStore", args: [], keep: s.name });
    }
    return s;
  };
  if (writes.length === 0) storeFor(0);
  for (const w of writes) {
    const s = storeFor(storeOf(w));
    s.writes.push(w);
    push(s, { invoke: s.name, method: "write", args: [w.token, w.key, w.value] });
    if (!w.unread) push(s, { invoke: s.name, method: "read", args: [w.key] });
  }
  for (const s of byStore.values()) for (const key of keysReadAtEnd(s.writes)) push(s, { invoke: s.name, method: "read", args: [key] });
  return { steps, stores: stores.map(({ writes, at }) => ({ writes, at })) };
}

/** The steps of `layoutSteps`. */
export function streamSteps(writes: readonly TokenWrite[]): Step[] {
  return layoutSteps(writes).steps;
}

/** Feeds `writes` to fresh stores of the submission (in a freshly loaded module) and returns the first rule broken, or null. */
export async function checkStream(writes: readonly TokenWrite[], answer: StudentCode<typeof Exercise>): Promise<Violation | null> {
  return judgeStreams(writes, await answer.run(streamSteps(writes), { fresh: true }));
}

/**
 * The first rule the answers to `streamSteps(writes)` break, or null: each store's answers are
 * judged as a stream of its own writes (`judgeStream`), the first store first. With several
 * stores, the feedback names the store, and says that stores share nothing.
 */
export function judgeStreams(writes: readonly TokenWrite[], answers: StepResults): Violation | null {
  const { stores } = layoutSteps(writes);
  if (stores.length === 1) return judgeStream(writes, answers);
  for (const [k, s] of stores.entries()) {
    // The error, if a call threw, at the first of this store's steps not answered before it.
    const stoppedAt = answers.error && answers.at !== undefined ? s.at.findIndex((i) => i >= answers.at!) : -1;
    const own: StepResults = {
      values: s.at.map((i) => answers.values[i]),
      argsAfter: [],
      ...(stoppedAt >= 0 ? { error: answers.error, at: stoppedAt } : {}),
    };
    const broken = judgeStream(s.writes, own);
    if (broken) {
      return {
        ...broken,
        details: `in store ${k + 1} of ${stores.length} (${stores.length} stores alive at once, each from its own createFencedStore() call, written in turn; each store has its own highest token and its own values): ${broken.details ?? ""}`.trim(),
      };
    }
  }
  return null;
}

/**
 * The mistakes a store can make, each as a model of the outcomes it would give: when a store's
 * outcomes go wrong, the first model that gives the very same outcomes up to there names what
 * the store does, so the feedback says that mistake rather than a neighbouring rule.
 */
const MISTAKES: { rule: string; accepts: (writes: readonly TokenWrite[]) => boolean[] }[] = [
  {
    rule: "a rejected write changes nothing, not even the highest token seen: the store lowered the token it remembers to the rejected one",
    accepts: (writes) => {
      let last = -Infinity;
      return writes.map((w) => {
        const ok = w.token >= last;
        last = w.token;
        return ok;
      });
    },
  },
  {
    rule: "fencing is across keys: once a token is seen on any key, every older token is rejected, also on keys the new leader has not written yet",
    accepts: (writes) => {
      const highest = new Map<string, number>();
      return writes.map((w) => {
        const ok = w.token >= (highest.get(w.key) ?? -Infinity);
        if (ok) highest.set(w.key, w.token);
        return ok;
      });
    },
  },
  {
    rule: "an accepted write's token becomes the highest token seen, and older tokens are rejected from then on",
    accepts: (writes) => writes.map(() => true),
  },
  {
    rule: "a write carrying the highest token seen so far is accepted (the current leader writes many times with one token)",
    accepts: (writes) => {
      let highest = -Infinity;
      return writes.map((w) => {
        const ok = w.token > highest;
        if (ok) highest = w.token;
        return ok;
      });
    },
  },
];

/**
 * The mistake whose outcomes match the store's on writes 0..at (accepted or not), when exactly
 * one does: two mistakes that explain the same outcomes leave the plain rule to say what broke.
 */
export function diagnose(writes: readonly TokenWrite[], outcomes: readonly boolean[], at: number): string | undefined {
  const seen = writes.slice(0, at + 1);
  const matching = MISTAKES.filter((m) => m.accepts(seen).every((ok, i) => ok === outcomes[i]));
  return matching.length === 1 ? matching[0].rule : undefined;
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
  const outcomes: boolean[] = [];
  // The step that answers writes[i], then the read after it unless the write is `unread`.
  let step = 1;
  for (let i = 0; i < writes.length; i++, step++) {
    const w = writes[i];
    answered(step);
    const outcome = values[step];
    if (outcome !== "accepted" && outcome !== "rejected") {
      return { rule: 'write() returns "accepted" or "rejected"', got: outcome, involved: [show(w, i)] };
    }
    const accepted = outcome === "accepted";
    outcomes.push(accepted);
    if (accepted !== want[i]) {
      const newest = highestAt >= 0 ? writes[highestAt] : undefined;
      const mistake = diagnose(writes, outcomes, i);
      // A write of the value its key already holds: a retry, which the token alone decides.
      const repeat = lastAccepted.get(w.key) === w.value ? `; it repeats the value ${JSON.stringify(w.key)} holds, and the token alone decides` : "";
      if (accepted) {
        return {
          rule: mistake ?? "a write whose token is older than the highest token seen is rejected (it comes from a deposed leader)",
          details: `accepted token ${w.token} on ${JSON.stringify(w.key)} after token ${newest?.token} was seen on ${JSON.stringify(newest?.key)}${repeat}`,
          involved: { staleWrite: show(w, i), newerTokenFirstSeenIn: newest && show(newest, highestAt), ...rejectedBetween(writes, outcomes, highestAt, i) },
          ...opsOf(i, highestAt),
        };
      }
      const rule =
        mistake ??
        (newest !== undefined && w.token === newest.token
          ? "a write carrying the highest token seen so far is accepted (the current leader writes many times with one token)"
          : "a write whose token is at least the highest seen is accepted");
      return { rule, details: `rejected token ${w.token}; the highest seen was ${newest?.token ?? "none"}${repeat}`, involved: { write: show(w, i), highestTokenFrom: newest && show(newest, highestAt) }, ...opsOf(i, highestAt) };
    }
    if (accepted) {
      if (highestAt < 0 || w.token > writes[highestAt].token) highestAt = i;
      lastAccepted.set(w.key, w.value);
    }
    if (w.unread) continue;
    answered(++step);
    const wrong = checkRead(w.key, values[step], lastAccepted);
    if (wrong) {
      const storedRejected = !accepted && values[step] === w.value;
      return storedRejected
        ? { rule: "a rejected write leaves the stored value alone", details: `rejected token ${w.token} on ${JSON.stringify(w.key)}, yet read(${JSON.stringify(w.key)}) then returned its value ${JSON.stringify(w.value)}`, got: values[step], want: wrong.want, involved: [show(w, i)], ...opsOf(i) }
        : { ...wrong, details: `${wrong.details}, right after write ${i} (${outcome})`, involved: [show(w, i)], ...opsOf(i) };
    }
  }
  for (const [k, key] of keysReadAtEnd(writes).entries()) {
    answered(step + k);
    const wrong = checkRead(key, values[step + k], lastAccepted);
    if (wrong) return { ...wrong, details: `${wrong.details}, at the end of the stream` };
  }
  return null;
}

/** The writes the store rejected between the newest token and a stale write it then accepted (what lowered its memory). */
function rejectedBetween(writes: readonly TokenWrite[], outcomes: readonly boolean[], from: number, to: number): { rejectedBefore?: unknown[] } {
  const rejected = [];
  for (let j = Math.max(0, from + 1); j < to; j++) if (!outcomes[j]) rejected.push(show(writes[j], j));
  return rejected.length > 0 ? { rejectedBefore: rejected.slice(-3) } : {};
}

/** Whether a read of `key` gave the last accepted value, or null when there is none. */
function checkRead(key: string, got: unknown, lastAccepted: Map<string, string>): Violation | null {
  const want = lastAccepted.get(key) ?? null;
  if (got === want) return null;
  if (want === null) {
    const inherited = INHERITED_NAMES.includes(key) ? ", a name every plain object has without storing it" : "";
    return { rule: "read(key) returns null for a key no accepted write has stored", details: `key ${JSON.stringify(key)}${inherited}`, got, want: null };
  }
  const empty = want === "" ? ", whose value is the empty string: a stored value, not a missing one" : "";
  return { rule: "read(key) returns the value of the last accepted write to that key", details: `key ${JSON.stringify(key)}${empty}`, got, want };
}

// ---------------------------------------------------------------------------- hand-made streams

const t = (token: number, key: string, value: string): TokenWrite => ({ token, key, value });

export interface StreamCase {
  label: string;
  writes: TokenWrite[];
}

/** The largest token a stream holds: the text allows any whole number a JavaScript number holds exactly. */
export const MAX_TOKEN = Number.MAX_SAFE_INTEGER;

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
  { label: "the text's example: epoch 1 is deposed on x once epoch 2 wrote y", writes: [t(1, "x", "a"), t(2, "y", "b"), t(1, "x", "c")] },
  {
    label: "a rejected write does not lower the highest token",
    writes: [t(5, "x", "a"), t(3, "x", "stale"), t(4, "x", "stale too"), t(4, "y", "stale as well"), t(5, "y", "b")],
  },
  { label: "a key whose only write was rejected reads as null", writes: [t(2, "x", "a"), t(1, "y", "stale")] },
  {
    label: "a retried write: the current leader's repeat is accepted, the deposed leader's repeat of the stored value rejected",
    writes: [t(1, "x", "a"), t(1, "x", "a"), t(2, "y", "b"), t(1, "x", "a"), t(2, "y", "b"), t(1, "y", "b")],
  },
  {
    label: "an accepted empty value reads back as the empty string, not as null",
    writes: [t(1, "x", ""), t(2, "y", ""), t(1, "y", "stale"), t(2, "x", "a"), t(2, "x", "")],
  },
  {
    label: "keys named like an object's own properties are keys like any other",
    writes: [t(1, "__proto__", "a"), t(1, "constructor", "b"), t(2, "toString", "c"), t(1, "hasOwnProperty", "stale")],
  },
  {
    label: "keys are compared exactly: case and spaces make another key",
    writes: [t(1, "x", "a"), t(1, "X", "b"), t(2, " x", "c"), t(1, "x ", "stale"), t(2, "Key", "d"), t(2, "key", "e")],
  },
  {
    label:
      "keys and values are any strings: an empty key, a value with spaces around it, keys that differ only in their Unicode form or in their 301st or 999th character, " +
      "keys and a value that are not well-formed UTF-16 (lone surrogates, which UTF-8 turns into one replacement character), values of 1,000 and 100,000 characters",
    writes: [
      t(1, "", "the empty key's"),
      t(1, "x", "  spaces around  "),
      t(2, "\u00e9", "composed \u00e9"),
      t(2, "e\u0301", "e and a combining accent"),
      t(1, "", "stale"),
      t(2, "\ufb01", "the ligature \ufb01"),
      t(2, "fi", "f and i"),
      t(2, `${"k".repeat(300)}1`, "a key of 301 characters"),
      t(2, `${"k".repeat(300)}2`, "another, the same but for its last character"),
      t(2, "long", `${"v".repeat(999)}!`),
      t(2, `${"k".repeat(998)}1`, "a key of 999 characters"),
      t(2, `${"k".repeat(998)}2`, "another, the same but for its last character"),
      t(2, "\ud800", "a lone high surrogate"),
      t(2, "\udfff", "a lone low surrogate"),
      t(2, "lone", "a lone \ud83d in the middle"),
      t(2, "longer", `${"w".repeat(99_999)}!`),
    ],
  },
  {
    label: "tokens past 2^31 (more than a 32-bit integer holds)",
    writes: [t(2 ** 31 - 1, "x", "a"), t(2 ** 31, "y", "b"), t(2 ** 31 - 1, "x", "stale"), t(7, "y", "stale too"), t(2 ** 32 + 5, "x", "c"), t(2 ** 32, "z", "stale as well"), t(2 ** 32 + 5, "z", "d")],
  },
  {
    label: "a token may jump from 1 to Number.MAX_SAFE_INTEGER",
    writes: [t(1, "x", "a"), t(MAX_TOKEN, "y", "b"), t(1, "x", "stale"), t(MAX_TOKEN, "x", "c")],
  },
  {
    label: "tokens up to Number.MAX_SAFE_INTEGER",
    writes: [t(MAX_TOKEN - 2, "x", "a"), t(MAX_TOKEN, "y", "b"), t(MAX_TOKEN - 1, "x", "stale"), t(MAX_TOKEN, "x", "c"), t(MAX_TOKEN - 2, "z", "stale too")],
  },
];

/**
 * How many writes in a row the long stream sends of each kind, deposed ones, then the new
 * leader's to new keys: past 2,048, so that a store bounded at any round size up to that forgets.
 */
export const LONG_RUN = 2_100;

/**
 * A long stream, the same for every grading: a key written first, the new leader's token once,
 * then `LONG_RUN` deposed writes in a row to that key (all rejected, so the token seen once must
 * still fence), then `LONG_RUN` of the new leader's writes to as many new keys, and a deposed write
 * again; "first" is read at the end. Every other stream is shorter than a hundred writes or
 * rewrites its few keys all the time, so a store that keeps only its last writes, its last keys or
 * the tokens of its last writes (a log, a cache, a window of a hundred or a thousand) answered
 * them all right, or missed only where a seed happened to leave a key alone long enough; it
 * forgets here the first key, or the token that fences. The many writes are `unread`: 4,200 steps
 * cost the sandbox about 35 ms.
 */
export function longStream(run = LONG_RUN): TokenWrite[] {
  const deposed = Array.from({ length: run }, (_, i): TokenWrite => ({ ...t(1, "first", `deposed ${i}`), unread: true }));
  const newKeys = Array.from({ length: run }, (_, i): TokenWrite => ({ ...t(2, `key ${i}`, `value ${i}`), unread: true }));
  return [t(1, "first", "written first"), t(2, "fence", "epoch 2 begins"), ...deposed, ...newKeys, t(1, "first", "deposed at the end")];
}

/** Hand-made streams too long to show whole: `shown` says what they hold. */
export const LONG_CASES: (StreamCase & { shown: string })[] = [
  {
    label: `a long stream: ${LONG_RUN} deposed writes in a row, then ${LONG_RUN} of the new leader's writes to new keys, and the first key read back`,
    writes: longStream(),
    shown: `[1, "first", "written first"], [2, "fence", "epoch 2 begins"], then ${LONG_RUN} times [1, "first", "deposed <i>"] (each rejected), then [2, "key <i>", "value <i>"] for i from 0 to ${LONG_RUN - 1} (each accepted), then [1, "first", "deposed at the end"] (rejected); at the end "first" reads "written first"`,
  },
];

/** A write to the `store`-th store alive at once (0 for the first). */
const at = (store: number, w: TokenWrite): TokenWrite => ({ ...w, store });

/**
 * Hand-made streams with two stores alive at once, written in turn: each store fences on its own
 * tokens and keeps its own values, also after another store was made and written.
 */
export const TWO_STORE_CASES: StreamCase[] = [
  {
    label: "two stores written in turn: each fences on its own tokens and keeps its own values",
    writes: [
      at(0, t(5, "x", "first's x")),
      at(1, t(1, "x", "second's x")),
      at(0, t(3, "x", "stale in the first")),
      at(1, t(2, "y", "second's y")),
      at(0, t(5, "y", "first's y")),
      at(1, t(1, "y", "stale in the second")),
    ],
  },
  {
    label: "the first store keeps its token and values after a second store is made and writes the same key",
    writes: [at(0, t(4, "k", "first's")), at(1, t(9, "k", "second's")), at(0, t(2, "k", "stale")), at(0, t(4, "k", "first's again")), at(1, t(8, "k", "stale too"))],
  },
];

/**
 * A stream that tests every token boundary right after the store has seen it: each new leader's
 * token is followed by the deposed leader's on a key the new one has not written (across keys),
 * then by the new token again on a fresh key (equal tokens pass); each rejected token by one just
 * above it but still below the highest (a rejection must not lower what the store remembers) and
 * a read of its key (nor change the value). Tokens skip values; keys and values vary with the
 * seed, and one accepted value is empty.
 */
export function probingStream(seed: number): TokenWrite[] {
  return probing(seed, (rng) => 1 + randomInt(rng, 3));
}

/**
 * Probing streams whose tokens start at 1-3, or just below 2^31 (they pass it in the first or second
 * round: a token kept in 32 bits wraps to a negative number), or 16-18 below
 * Number.MAX_SAFE_INTEGER (the last tokens may reach it): the hidden probing test takes turns at
 * them (`seedsTakingTurns`).
 */
export const PROBING_STREAMS: readonly ((seed: number) => TokenWrite[])[] = [
  probingStream,
  function probingPast2To31(seed) {
    return probing(seed, (rng) => 2 ** 31 - 1 - randomInt(rng, 3));
  },
  function probingUpToMaxSafeInteger(seed) {
    return probing(seed, (rng) => MAX_TOKEN - 16 - randomInt(rng, 3));
  },
];

function probing(seed: number, firstToken: (rng: Rng) => number): TokenWrite[] {
  const rng = stream(seed, "06/probing");
  const writes: TokenWrite[] = [];
  const keys = ["x", "y", "z", "w", "v", "u"];
  let highest = firstToken(rng);
  let n = 0;
  const write = (token: number, key: string) => writes.push(t(token, key, `v${n++}`));
  write(highest, keys[randomInt(rng, 2)]);
  for (let round = 0; round < 3 + randomInt(rng, 2); round++) {
    const deposed = highest;
    highest += 2 + randomInt(rng, 3);
    const newKey = keys[randomInt(rng, keys.length)];
    write(highest, newKey);
    const untouched = keys.filter((k) => k !== newKey);
    const oldKey = untouched[randomInt(rng, untouched.length)];
    // The deposed leader comes back on a key the new one has not written: rejected.
    write(deposed, oldKey);
    // Just above the rejected token, still below the highest, on the same key: rejected too.
    write(deposed + 1, oldKey);
    // The new leader again, on the key the deposed one tried: accepted.
    write(highest, oldKey);
  }
  return withEmptyValue(writes, rng);
}

/**
 * The stream with the value of one accepted write, drawn from `rng`, made the empty string: a
 * value like any other, which the read right after it must return (a store that answers
 * `value || null` reads it as null). The other values stay distinct.
 */
function withEmptyValue(writes: TokenWrite[], rng: Rng): TokenWrite[] {
  const accepted = expectedOutcomes(writes).flatMap((ok, i) => (ok ? [i] : []));
  const at = accepted[randomInt(rng, accepted.length)];
  return writes.map((w, i) => (i === at ? { ...w, value: "" } : w));
}

/** Shrinks a failing stream to the fewest writes on which the store still breaks a rule. */
export async function shrinkStream(writes: readonly TokenWrite[], answer: StudentCode<typeof Exercise>, record: Recorder): Promise<Violation | null> {
  const { items, steps } = await shrinkList(writes, async (ws) => (await checkStream(ws, answer)) !== null, 40);
  if (steps > 0 && items.length < writes.length) record("shrunk", `from ${writes.length} writes to ${items.length}`);
  record("writes", shownWrites(items));
  return checkStream(items, answer);
}

/** Streams of up to 12 writes with small tokens on three keys, values all different: ties, gaps and returns are common. */
export const streamSpace: fc.Arbitrary<TokenWrite[]> = fc
  .array(fc.record({ token: fc.integer({ min: 1, max: 6 }), key: fc.constantFrom("x", "y", "z") }), { minLength: 1, maxLength: 12 })
  .map((ws) => ws.map((w, i) => ({ ...w, value: `v${i}` })));

/** The search over token streams, starting from the hand-made ones. */
export function fencingSearch(answer: StudentCode<typeof Exercise>, tries: number): Hunt<TokenWrite[]> {
  return {
    space: streamSpace,
    first: HAND_CASES.map((k) => k.writes),
    tries,
    shrinkTries: 40,
    judge: (writes, record) => {
      record("writes", shownWrites(writes));
      return checkStream(writes, answer);
    },
  };
}

// ---------------------------------------------------------------------------- random streams

/** A random stream: mostly rising tokens, with old leaders coming back now and then, and one accepted value empty. */
export function randomStream(seed: number): TokenWrite[] {
  const rng = stream(seed, "06/stream");
  const current = 1 + randomInt(rng, 3);
  const n = 10 + randomInt(rng, 40);
  const keys = 1 + randomInt(rng, 5);
  return withRetries(withEmptyValue(risingWrites(rng, current, n, keys, (i) => `v${i}`), rng), rng);
}

/**
 * The stream followed by writes sent twice: the current leader's last accepted write again (same
 * token, key and value: accepted), a newer leader's write, then the deposed leader's write of the
 * value its key now holds (rejected, though it would change nothing). A store that drops a write
 * repeating the stored value as a duplicate, or lets a deposed one through as harmless, gets an
 * outcome wrong; every other value stays distinct.
 */
function withRetries(writes: TokenWrite[], rng: Rng): TokenWrite[] {
  const accepted = expectedOutcomes(writes);
  const last = writes[accepted.lastIndexOf(true)];
  const deposed = last.token;
  const keys = keysOf(writes);
  const newer = t(deposed + 1 + randomInt(rng, 2), keys[randomInt(rng, keys.length)], `v${writes.length + 1}`);
  const out = [...writes, { ...last }, newer];
  const stored = new Map<string, string>();
  expectedOutcomes(out).forEach((ok, i) => ok && stored.set(out[i].key, out[i].value));
  const held = [...stored.keys()];
  const key = held[randomInt(rng, held.length)];
  return [...out, t(deposed, key, stored.get(key)!)];
}

/** `n` writes on `keys` keys from token `current`: mostly rising, with old leaders coming back now and then. */
function risingWrites(rng: Rng, current: number, n: number, keys: number, value: (i: number) => string): TokenWrite[] {
  const writes: TokenWrite[] = [];
  for (let i = 0; i < n; i++) {
    const r = rng.next();
    if (r < 0.12) current += 1 + randomInt(rng, 2);
    const token = r > 0.8 ? Math.max(1, current - 1 - randomInt(rng, 2)) : current;
    writes.push(t(token, `k${randomInt(rng, keys)}`, value(i)));
  }
  return writes;
}

/**
 * Two stores alive at once, each fed a random stream, written in turn. The first store takes 1-4
 * writes (tokens from 6) before the second is made; the second's first write (token 1-3) goes to a
 * key the first store stored, and the first store then gets a deposed write there (a token below
 * its highest, above the second's): a store whose token or values live at module level, shared,
 * reset or cleared by createFencedStore(), gets its outcome or its read wrong. Then the rest of
 * both streams, interleaved at random.
 */
export function twoStoreStream(seed: number): TokenWrite[] {
  const rng = stream(seed, "06/two-stores");
  const keys = 1 + randomInt(rng, 3);
  const first = risingWrites(rng, 6 + randomInt(rng, 3), 5 + randomInt(rng, 15), keys, (i) => `first-v${i}`);
  const second = risingWrites(rng, 1 + randomInt(rng, 3), 5 + randomInt(rng, 15), keys, (i) => `second-v${i}`).map((w) => at(1, w));
  const split = 1 + randomInt(rng, 4);
  const before = first.slice(0, split);
  const stored = before.filter((_, i) => expectedOutcomes(before)[i]);
  const key = stored[randomInt(rng, stored.length)].key;
  const highest = Math.max(...before.map((w) => w.token));
  const opening: TokenWrite[] = [...before, { ...second[0], key }, t(highest - 1 - randomInt(rng, 2), key, "first-deposed")];
  const rest: TokenWrite[] = [];
  let i = split;
  let j = 1;
  while (i < first.length || j < second.length) rest.push(j >= second.length || (i < first.length && rng.next() < 0.5) ? first[i++] : second[j++]);
  const writes = [...opening, ...rest];
  // One accepted value empty, not the second store's first (a store that shares values must read it where the first store's belongs).
  const accepted = expectedOutcomes(writes).flatMap((ok, n) => (ok && n !== split ? [n] : []));
  const empty = accepted[randomInt(rng, accepted.length)];
  return writes.map((w, n) => (n === empty ? { ...w, value: "" } : w));
}

/** The kinds of random stream the random-stream tests take turns at (`seedsTakingTurns`): one store, and two alive at once. */
export const RANDOM_STREAMS: readonly ((seed: number) => TokenWrite[])[] = [randomStream, twoStoreStream];

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
