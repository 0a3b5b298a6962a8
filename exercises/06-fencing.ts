/**
 * Exercise 06 — Fencing at the storage layer: reject a deposed leader's writes.
 *
 * The leader stalls in a long garbage-collection pause. The failure detector hears nothing, a
 * follower is promoted with a new epoch, and clients start writing to it. Then the old leader
 * wakes up. Nobody has told it that it was replaced, so it still believes it leads, and the
 * clients that have not heard of the new leader yet keep sending it writes: two leaders accept
 * writes at once (split brain). Electing well cannot prevent this, because the old leader never
 * took part in the election. What can is the storage both of them write through: every write
 * carries its leader's epoch as a *fencing token*, and the storage refuses tokens older than one
 * it has already seen.
 *
 * Write `createFencedStore()`, that storage-side check. It returns a fresh store with:
 *
 * - `write(token, key, value)`: returns `"accepted"` or `"rejected"`.
 *   1. Accept when `token` is at least the highest token this store has seen so far. Equal is
 *      fine: the current leader writes many times with the same epoch. Store `value` under `key`,
 *      and remember `token` as the highest seen.
 *   2. Reject when `token` is lower: the write comes from a deposed leader. A rejected write
 *      changes nothing, neither the stored value nor the highest token.
 *   3. The highest token is one number for the whole store, not one per key. A token is a
 *      leader's epoch, not a key's: once the store has seen epoch 3 on any key, the leader of
 *      epoch 2 is deposed everywhere, also on keys the new leader has not written yet.
 *   Tokens are positive whole numbers up to Number.MAX_SAFE_INTEGER (past 2^31 too) and may skip
 *   any number of values (1, 2, 5, …); the very first write is accepted whatever its token.
 * - `read(key)`: the value of the last accepted write to `key`, or `null` if none was accepted.
 *
 * Each call of `createFencedStore()` returns a new store with its own state: keep nothing in
 * module-level variables.
 *
 * ## How it is graded
 * - Hand-made token streams, each showing one rule (one of them thousands of writes long, whose
 *   first key must still read back), and random streams (public and hidden seeds), some with
 *   tokens past 2^31 or near Number.MAX_SAFE_INTEGER, some with two stores alive at once and
 *   written in turn (each store is judged on its own writes).
 * - Simulated failovers: the engine runs a cluster with fencing off, where the leader pauses
 *   longer than the detector's timeout, a follower is promoted, and the old leader wakes and keeps
 *   accepting writes until it learns it was deposed; in some runs the new leader pauses too, and
 *   a third epoch meets a returning second one. Every write any node accepted is then sent through
 *   your store, with that node's epoch as the token, in the order the nodes accepted them.
 * - In every stream: no write with an older token than one already seen is accepted (no
 *   split-brain write gets through), no valid write is rejected, and at the end `read` returns,
 *   for each key, the value of the last accepted write. Keys and values are any strings, kept
 *   exactly: a value may be empty (`""` is a value, not a missing one), long, or have spaces
 *   around it, and a key may be empty or hundreds of characters long, named like something every
 *   object has (`"constructor"`, `"__proto__"`), or differ from another only in case or Unicode
 *   form (`"\u00e9"` and `"e\u0301"` are two keys); a lone surrogate (`"\ud800"`) is a string too.
 *   A write may be sent twice, or repeat the value its key holds: the token alone decides.
 *
 * @example
 * const store = createFencedStore();
 * store.write(1, "x", "a"); // "accepted"
 * store.write(2, "y", "b"); // "accepted": a new leader, epoch 2
 * store.write(1, "x", "c"); // "rejected": epoch 1 was deposed, although epoch 2 never wrote x
 * store.read("x");          // "a"
 */
import { NotImplementedError } from "../lib";

export type WriteOutcome = "accepted" | "rejected";

/** Storage that checks each write's fencing token. */
export interface FencedStore {
  /** Stores `value` under `key` unless `token` is older than the highest token seen. */
  write(token: number, key: string, value: string): WriteOutcome;
  /** The value of the last accepted write to `key`, or null. */
  read(key: string): string | null;
}

/** A new, empty fenced store. */
export function createFencedStore(): FencedStore {
  throw new NotImplementedError(
    "06: createFencedStore is not implemented yet: write it in exercises/06-fencing.ts (replace this throw)",
  );
}
