/**
 * Exercise 05's judge: the election rules as a checker, and seeded cluster generators.
 *
 * The checker does not compute "the" answer and compare: it checks the chosen follower against
 * each rule and names the first rule broken, with the followers that show it. That makes the
 * feedback say *why* an answer is wrong, e.g. "a newer epoch outranks a longer log".
 */
import { randomInt, stream, type Rng } from "../../lib/rng";
import type { Violation } from "../graded";

/** The grader's own copy of the input shape; the student's signature must accept it. */
export interface Follower {
  name: string;
  alive: boolean;
  epoch: number;
  receivedLsn: number;
  appliedLsn: number;
  priority: number;
}

/** A follower with sensible defaults: alive, epoch 1, everything applied, priority 1. */
export function follower(name: string, fields: Partial<Omit<Follower, "name">> = {}): Follower {
  const receivedLsn = fields.receivedLsn ?? 100;
  return { name, alive: true, epoch: 1, receivedLsn, appliedLsn: receivedLsn, priority: 1, ...fields };
}

/** A hand-written case: followers and a label for feedback and `npm run replay -- 05 --case`. */
export interface ElectionCase {
  label: string;
  followers: Follower[];
}

const promotable = (f: Follower): boolean => f.alive && f.priority !== 0;

/** The first election rule `chosen` breaks for `followers`, or null when it is a correct choice. */
export function checkElection(followers: readonly Follower[], chosen: unknown): Violation | null {
  if (chosen !== null && (typeof chosen !== "string" || !followers.some((f) => f.name === chosen))) {
    return { rule: "the answer is one follower's name, or null", got: chosen, involved: followers.map((f) => f.name) };
  }
  const eligible = followers.filter(promotable);
  if (chosen === null) {
    if (eligible.length === 0) return null;
    return { rule: "null only when no follower can be promoted", details: `${eligible.length} follower(s) could be promoted`, got: null, involved: eligible };
  }
  const pick = followers.find((f) => f.name === chosen)!;
  if (!pick.alive) return { rule: "a crashed follower is never promoted", details: `chose "${pick.name}", which is crashed`, got: chosen, involved: [pick] };
  if (pick.priority === 0) return { rule: "a follower with priority 0 is never promoted", details: `chose "${pick.name}"`, got: chosen, involved: [pick] };

  const outranks = (f: Follower): string | null => {
    if (f.epoch > pick.epoch) {
      return f.receivedLsn <= pick.receivedLsn
        ? "a newer epoch outranks a longer log from an older epoch"
        : "the most up-to-date follower is promoted (newest epoch, then highest received LSN)";
    }
    if (f.epoch < pick.epoch) return null;
    if (f.receivedLsn > pick.receivedLsn) {
      return f.appliedLsn <= pick.appliedLsn
        ? "the received log position decides, not the applied one (a promoted follower replays all it received)"
        : "within an epoch, the highest received LSN wins";
    }
    if (f.receivedLsn < pick.receivedLsn) return null;
    if (f.priority > pick.priority) return "ties (same epoch and received LSN) go to the higher priority";
    if (f.priority < pick.priority) return null;
    return f.name < pick.name ? "remaining ties go to the name that sorts first" : null;
  };
  for (const other of eligible) {
    const rule = outranks(other);
    if (rule) return { rule, details: `chose "${pick.name}" over "${other.name}"`, got: chosen, want: other.name, involved: [pick, other] };
  }
  return null;
}

/** Whether two follower lists are equal field by field. */
export function sameFollowers(a: readonly Follower[], b: readonly Follower[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Small random clusters (0-6 followers) with frequent ties, crashes and priority-0 members. */
export function randomCluster(seed: number): Follower[] {
  const rng = stream(seed, "05/cluster");
  const size = randomInt(rng, 10) === 0 ? randomInt(rng, 2) : 2 + randomInt(rng, 5);
  const names = shuffled(rng, ["A", "B", "C", "D", "E", "F", "G"]).slice(0, size);
  return names.map((name) => randomFollower(rng, name, { epochs: 2, lsnSpread: 5 }));
}

/** Large clusters (20-40 followers) where many followers tie on epoch and received LSN. */
export function largeCluster(seed: number): Follower[] {
  const rng = stream(seed, "05/large-cluster");
  const size = 20 + randomInt(rng, 21);
  const names = shuffled(rng, Array.from({ length: 60 }, (_, i) => nodeName(i))).slice(0, size);
  return names.map((name) => randomFollower(rng, name, { epochs: 2, lsnSpread: 2 }));
}

/** The same followers in another order (a seeded shuffle). */
export function reordered(followers: readonly Follower[], seed: number): Follower[] {
  return shuffled(stream(seed, "05/order"), followers);
}

function randomFollower(rng: Rng, name: string, spread: { epochs: number; lsnSpread: number }): Follower {
  const epoch = 4 + randomInt(rng, spread.epochs);
  const receivedLsn = 1000 + randomInt(rng, spread.lsnSpread + 1);
  return {
    name,
    alive: rng.next() < 0.75,
    epoch,
    receivedLsn,
    appliedLsn: receivedLsn - randomInt(rng, 4),
    priority: rng.next() < 0.15 ? 0 : 1 + randomInt(rng, 3),
  };
}

function nodeName(i: number): string {
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  return i < 26 ? letters[i] : `node${i}`;
}

function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
