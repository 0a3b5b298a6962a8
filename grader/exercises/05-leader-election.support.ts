/**
 * Exercise 05's judge: the election rules as a checker, and seeded cluster generators.
 *
 * The checker does not compute "the" answer and compare: it checks the chosen follower against
 * each rule and names the first rule broken, with the followers that show it. That makes the
 * feedback say *why* an answer is wrong, e.g. "a newer epoch outranks a longer log".
 */
import fc from "fast-check";
import type * as Exercise from "../../exercises/05-leader-election";
import { randomInt, stream, type Rng } from "../../lib/rng";
import type { Recorder, Violation } from "../graded";
import type { Hunt } from "../search/hunt";
import { turnOf } from "../search/aims";
import { shrinkList } from "../search/shrink";
import type { StudentCode } from "../student";

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

  // The follower the rules promote, and the rule by which it outranks the pick: feedback names
  // the right answer, not merely some follower that beats the pick (in a tie of B and C, C beats
  // a wrong pick too, but the answer is B).
  const best = eligible.reduce((a, b) => (outranks(b, a) ? b : a));
  const rule = best === pick ? null : outranks(best, pick);
  if (rule) return { rule, details: `chose "${pick.name}" over "${best.name}"`, got: chosen, want: best.name, involved: [pick, best] };
  return null;
}

/** The rule by which `f` outranks `pick` for promotion, or null when it does not. */
function outranks(f: Follower, pick: Follower): string | null {
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
  if (!(f.name < pick.name)) return null;
  return namesDisagree(f.name, pick.name)
    ? `remaining ties go to the name that sorts first in plain string comparison (${JSON.stringify(f.name)} < ${JSON.stringify(pick.name)}), not in localeCompare's, numeric or case-insensitive order`
    : "remaining ties go to the name that sorts first";
}

/**
 * Whether plain string comparison ("B" before "a") and a friendlier order a student might reach
 * for (localeCompare, numeric collation, case-insensitive) disagree about `a` and `b`.
 */
export function namesDisagree(a: string, b: string): boolean {
  const plain = a < b;
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  return a.localeCompare(b) < 0 !== plain || a.localeCompare(b, undefined, { numeric: true }) < 0 !== plain || la === lb || la < lb !== plain;
}

/** Whether two follower lists are equal field by field. */
export function sameFollowers(a: readonly Follower[], b: readonly Follower[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The first part of long names that differ only at the end (40 characters, as a replica's host name might be). */
export const LONG_NAME = "orders-db-production-eu-west-1-replica-r";

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

/**
 * Clusters each aimed at one mistake, the kind read from the seed (`turnOf`, grader/search/aims.ts):
 * a few followers that only the broken rule decides (a tie in array order, a log received but not
 * applied, ...) among 0-3 others they all outrank, at seeded places in the list; epochs, positions
 * and names come from the seed. The last kind is a plain `randomCluster`.
 */
export const AIMED_CLUSTERS: readonly ((seed: number) => Follower[])[] = [
  // A tie on epoch and log: the follower listed first has the name that sorts last.
  aimed("tie in array order", (rng, top, names) => {
    const tied = names.slice(0, 2 + randomInt(rng, 2)).sort().reverse();
    const priority = 1 + randomInt(rng, 3);
    return tied.map((name) => ({ ...top, name, priority }));
  }),
  // A tie on epoch and log, the higher priority listed last.
  aimed("tie decided by priority", (rng, top, names) => [{ ...top, name: names[0], priority: 1 }, { ...top, name: names[1], priority: 2 + randomInt(rng, 2) }]),
  // A tie between names that plain comparison and localeCompare order differently ("B" before "a").
  aimed("tie decided by plain string comparison", (rng, top) => {
    const pairs = DISAGREEING_NAMES.filter(([a, b]) => a.localeCompare(b) > 0);
    const [first, second] = pairs[randomInt(rng, pairs.length)];
    return [{ ...top, name: second }, { ...top, name: first }];
  }),
  // A tie between names that plain comparison and numeric collation order differently ("r14" before
  // "r3"), the first listed one that the winner begins ("r14" before "r145"): names compared only
  // up to the shorter one's length tie there. The names share a long first part (`LONG_NAME`),
  // so that names cut to a fixed width (32 characters, 40) tie too.
  aimed("tie decided by plain comparison of digits", (rng, top) => {
    const short = `${LONG_NAME}${2 + randomInt(rng, 8)}`;
    const long = `${LONG_NAME}${10 + randomInt(rng, 10)}`;
    return [{ ...top, name: `${long}${randomInt(rng, 10)}` }, { ...top, name: short }, { ...top, name: long }];
  }),
  // One received more, the other applied more.
  aimed("received and applied positions disagree", (rng, top, names) => {
    const behind = 5 + randomInt(rng, 20);
    const pair = [{ ...top, name: names[0], receivedLsn: top.receivedLsn - 1, appliedLsn: top.receivedLsn - 1 }, { ...top, name: names[1], appliedLsn: top.receivedLsn - behind }];
    return randomInt(rng, 2) === 0 ? pair : pair.reverse();
  }),
  // A longer log from an older epoch, listed first, with a higher priority; the two epochs either
  // side of a power of ten (10 to 10^15), where epochs compared as strings, or the newest found by
  // a bare sort(), put "9" after "10".
  aimed("a newer epoch against a longer log", (rng, top, names) => {
    const epoch = 10 ** (1 + randomInt(rng, 15));
    return [
      { ...top, name: names[0], epoch: epoch - 1, receivedLsn: top.receivedLsn + 1 + randomInt(rng, 50), appliedLsn: top.receivedLsn, priority: 3 },
      { ...top, name: names[1], epoch, priority: 1 },
    ];
  }),
  // The best log on a crashed follower.
  aimed("the best log on a crashed follower", (rng, top, names) => [
    { ...top, name: names[0], alive: false, receivedLsn: top.receivedLsn + 1 + randomInt(rng, 9), priority: 3 },
    { ...top, name: names[1] },
  ]),
  // The best log on a follower with priority 0.
  aimed("the best log with priority 0", (rng, top, names) => [
    { ...top, name: names[0], priority: 0, receivedLsn: top.receivedLsn + 1 + randomInt(rng, 9) },
    { ...top, name: names[1] },
  ]),
  // A higher priority with a shorter log.
  aimed("priority against the log", (rng, top, names) => [
    { ...top, name: names[0], receivedLsn: top.receivedLsn - 1 - randomInt(rng, 5), priority: 3 },
    { ...top, name: names[1], priority: 1 },
  ]),
  // A tie on epoch and log decided by priority, the follower with the lower priority having applied more.
  aimed("tie decided by priority, not by what was applied", (rng, top, names) => [
    { ...top, name: names[0], priority: 1 },
    { ...top, name: names[1], priority: 2 + randomInt(rng, 2), appliedLsn: top.receivedLsn - 1 - randomInt(rng, 10) },
  ]),
  // A newer epoch listed first, then a longer log from an older epoch with a higher priority; both
  // epochs past 2^32 - 2, where the integer-like keys of a plain object stop coming in ascending
  // order: followers grouped by epoch in an object have the older epoch as the last key.
  aimed("a newer epoch listed before a longer log", (rng, top, names) => {
    const epoch = 2 ** 32 + randomInt(rng, 2 ** 40);
    return [
      { ...top, name: names[0], epoch, priority: 1 },
      { ...top, name: names[1], epoch: epoch - 1, receivedLsn: top.receivedLsn + 1 + randomInt(rng, 50), appliedLsn: top.receivedLsn, priority: 3 },
    ];
  }),
  // The newest epoch only on followers that cannot be promoted (crashed, or priority 0).
  aimed("the newest epoch on no promotable follower", (rng, top, names) => [
    { ...top, name: names[0], epoch: top.epoch + 1, ...(randomInt(rng, 2) === 0 ? { alive: false } : { priority: 0 }) },
    { ...top, name: names[1] },
  ]),
  // Nobody can be promoted: crashed, or priority 0.
  aimed("nobody promotable", (rng, top, names) => names.slice(0, 1 + randomInt(rng, 3)).map((name, i) => ({ ...top, name, ...(i % 2 === 0 ? { alive: false } : { priority: 0 }) }))),
  // A log 10^7 to 10^15 entries longer from an older epoch: a ranking that packs epoch and
  // position into one number (epoch * 1e6 + position) lets the position spill into the epoch.
  aimed("a newer epoch against a log millions of entries longer", (rng, top, names) => {
    const longer = top.receivedLsn + Math.floor(10 ** (7 + 8 * rng.next()));
    const pair = [{ ...top, name: names[0], epoch: top.epoch - 1, receivedLsn: longer, appliedLsn: longer }, { ...top, name: names[1] }];
    return randomInt(rng, 2) === 0 ? pair : pair.reverse();
  }),
  // Positions on either side of 10^15 in one epoch, the one behind with the higher priority:
  // compared as strings zero-padded to fewer than 16 digits (Number.MAX_SAFE_INTEGER has 16),
  // "1000000000000000" sorts before "999999999999999".
  aimed("positions on either side of a power of ten past 10^8", (rng, top, names) => {
    const power = 10 ** 15;
    const ahead = power + randomInt(rng, 1000);
    const behind = power - 1 - randomInt(rng, 1000);
    const pair = [{ ...top, name: names[0], receivedLsn: ahead, appliedLsn: ahead }, { ...top, name: names[1], receivedLsn: behind, appliedLsn: behind, priority: top.priority + 1 }];
    return randomInt(rng, 2) === 0 ? pair : pair.reverse();
  }),
  // A priority 1,001 to about 10^15 above another's (log-uniform) against a log one entry longer: a
  // score that packs the priority into the last digits (position * 10 + priority, or * 1000) lets
  // the priority outweigh the log.
  aimed("a priority above 9 against a log one entry longer", (rng, top, names) => {
    const low = 1 + randomInt(rng, 3);
    const behind = top.receivedLsn - 1;
    const pair = [{ ...top, name: names[0], priority: low }, { ...top, name: names[1], receivedLsn: behind, appliedLsn: behind, priority: low + 1000 + Math.floor(10 ** (1 + 14 * rng.next())) }];
    return randomInt(rng, 2) === 0 ? pair : pair.reverse();
  }),
  // A cluster that never failed over (every epoch 0), whose most up-to-date follower has 1,001 to
  // about 10^15 received entries left to apply (a replica restored from a backup, still
  // replaying), against one entry or a few less, all applied, with a higher priority: an answer
  // that passes over epoch 0, or over a follower with a long replay ahead, promotes another.
  named("epoch 0, the best log far behind in applying", (seed) => {
    const rng = stream(seed, "05/aimed/epoch 0, the best log far behind in applying");
    const names = shuffled(rng, ["A", "B", "C", "D", "E", "F", "G", "H"]);
    const backlog = 1001 + Math.floor(10 ** (3 + 12 * rng.next()));
    const receivedLsn = backlog + randomInt(rng, 1000);
    const best = follower(names[0], { epoch: 0, receivedLsn, appliedLsn: receivedLsn - backlog, priority: 1 + randomInt(rng, 3) });
    const next = follower(names[1], { epoch: 0, receivedLsn: receivedLsn - 1 - randomInt(rng, 5), priority: best.priority + 1 + randomInt(rng, 3) });
    const others = names.slice(2, 2 + randomInt(rng, 4)).map((name) => {
      const other = randomFollower(rng, name, { epochs: 1, lsnSpread: 0 });
      const behind = receivedLsn - 10 - randomInt(rng, 50);
      return { ...other, epoch: 0, receivedLsn: behind, appliedLsn: behind - randomInt(rng, 4) };
    });
    return shuffled(rng, [best, next, ...others]);
  }),
  randomCluster,
];

/**
 * A cluster builder: `trap(rng, top, names)` makes the followers that decide the election (`top`
 * is a follower at the cluster's best epoch and position; `names` are free, shuffled), and 0-3
 * others, all outranked (an older epoch, or a shorter log), go in at seeded places without
 * reordering the trap. In the "nobody promotable" kind the others cannot be promoted either.
 */
function aimed(aim: string, trap: (rng: Rng, top: Follower, names: string[]) => Follower[]): (seed: number) => Follower[] {
  return named(aim, (seed) => {
    const rng = stream(seed, `05/aimed/${aim}`);
    const names = shuffled(rng, ["A", "B", "C", "D", "E", "F", "G", "H"]);
    const epoch = 3 + randomInt(rng, 3);
    const receivedLsn = 1000 + randomInt(rng, 200);
    const decisive = trap(rng, follower("", { epoch, receivedLsn }), names.slice(0, 4));
    const out = [...decisive];
    const nobody = decisive.every((f) => !promotable(f));
    const free = names.slice(4).filter((name) => !decisive.some((f) => f.name === name));
    for (const name of free.slice(0, randomInt(rng, 4))) {
      const older = randomInt(rng, 2) === 0;
      const other = randomFollower(rng, name, { epochs: 1, lsnSpread: 30 });
      const placed: Follower = {
        ...other,
        epoch: older ? epoch - 1 : epoch,
        receivedLsn: older ? receivedLsn - randomInt(rng, 40) : receivedLsn - 20 - randomInt(rng, 40),
        ...(nobody ? { alive: false } : {}),
      };
      placed.appliedLsn = Math.min(placed.appliedLsn, placed.receivedLsn);
      out.splice(randomInt(rng, out.length + 1), 0, placed);
    }
    return out;
  });
}

/** `build`, named `aim` (its `name`), so that a kind of `AIMED_CLUSTERS` can be found by its aim. */
function named(aim: string, build: (seed: number) => Follower[]): (seed: number) => Follower[] {
  return Object.defineProperty(build, "name", { value: aim });
}

/** A cluster of the kind its seed names in `AIMED_CLUSTERS`: a hidden test's seeds take turns (seedsTakingTurns). */
export function aimedCluster(seed: number): Follower[] {
  return AIMED_CLUSTERS[turnOf(seed, AIMED_CLUSTERS.length)](seed);
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

// ---------------------------------------------------------------------------- asking the submission

/** Asks the submission about `followers`: its choice, or the rule its answer breaks (the input changed). */
export async function ask(answer: StudentCode<typeof Exercise>, followers: Follower[]): Promise<{ chosen: unknown } | Violation> {
  const { value, argsAfter } = await answer.callWithArgs("chooseNewLeader", followers);
  const after = argsAfter[0];
  if (!Array.isArray(after) || !sameFollowers(after as unknown as Follower[], followers)) {
    return { rule: "the input must not be changed", involved: { before: followers, after } };
  }
  return { chosen: value };
}

/** Asks about one cluster and checks the answer against the rules. */
export async function judgeCluster(answer: StudentCode<typeof Exercise>, followers: Follower[], record: Recorder): Promise<Violation | null> {
  record("followers", followers);
  const asked = await ask(answer, followers);
  if ("rule" in asked) return asked;
  record("chosen", asked.chosen);
  return checkElection(followers, asked.chosen);
}

// ---------------------------------------------------------------------------- targeted cases

/** Pairs of names on which plain string comparison and a friendlier order disagree: the first sorts first with <. */
export const DISAGREEING_NAMES: readonly (readonly [string, string])[] = [
  ["B", "a"],
  ["Zed", "alpha"],
  ["MIKE", "mike"],
  ["node10", "node9"],
  ["Frank", "Émile"],
];

/** The `skip`-th pair of names on which comparisons disagree that no follower of `followers` has ("Q1" < "q1", but not in localeCompare's order). */
function freeNames(followers: readonly Follower[], skip = 0): readonly [string, string] {
  const taken = new Set(followers.map((f) => f.name));
  const free = [...DISAGREEING_NAMES, ...Array.from({ length: 20 }, (_, k) => [`Q${k}`, `q${k}`] as const)].filter(([a, b]) => !taken.has(a) && !taken.has(b));
  return free[skip];
}

/** A name no follower has, sorting before every other in plain comparison (so it would win a tie on names). */
function firstName(followers: readonly Follower[]): string {
  let name = "0";
  while (followers.some((f) => f.name === name)) name += "0";
  return name;
}

/**
 * Cases built from the submission's own choice `chosen` in `followers` (when it is a correct
 * one): each changes the cluster around the chosen follower so that a rule, and only that rule,
 * decides the next answer. Changes that must not move the choice (a crashed, priority-0, or
 * older-epoch follower with a better-looking log; one that applied more but received less) and
 * changes that must (the chosen one crashes or gets priority 0; a twin with a higher priority; a
 * twin whose name sorts first in plain comparison but not in localeCompare's order, in both
 * assignments of the two names) or must keep it (a twin listed first whose name the chosen one
 * begins, which a comparison of names up to the shorter one's length calls a tie). Every follow-up is checked against the rules, not against an
 * expected name, so a correct answer passes whatever it chose.
 */
export function followUps(followers: readonly Follower[], chosen: string | null): ElectionCase[] {
  const pick = chosen === null ? undefined : followers.find((f) => f.name === chosen);
  if (!pick) {
    // Nobody could be promoted: one promotable follower appears, and must be chosen.
    const name = firstName(followers);
    return [{ label: "one follower becomes promotable", followers: [...followers, follower(name, { epoch: 1, receivedLsn: 1, priority: 1 })] }];
  }
  const at = followers.indexOf(pick);
  const replace = (f: Follower): Follower[] => followers.map((g, i) => (i === at ? f : g));
  const twin = (name: string, fields: Partial<Follower> = {}): Follower => ({ ...pick, name, ...fields });
  const [plainFirst, plainSecond] = freeNames(followers);
  const [plainFirst2, plainSecond2] = freeNames(followers, 1);
  const older = firstName(followers);
  // A name the chosen one begins: "A" sorts before "A0", however the two are listed.
  let longer = `${pick.name}0`;
  while (followers.some((f) => f.name === longer)) longer += "0";
  const cases: ElectionCase[] = [
    { label: `the chosen ${pick.name} crashes`, followers: replace({ ...pick, alive: false }) },
    { label: `the chosen ${pick.name} gets priority 0`, followers: replace({ ...pick, priority: 0 }) },
    {
      label: `a crashed follower with a newer epoch appears beside the chosen ${pick.name}`,
      followers: [...followers, twin(older, { alive: false, epoch: pick.epoch + 1, receivedLsn: pick.receivedLsn + 50, appliedLsn: pick.receivedLsn + 50, priority: pick.priority + 5 })],
    },
    {
      label: `a priority-0 follower with a newer epoch appears beside the chosen ${pick.name}`,
      followers: [twin(older, { priority: 0, epoch: pick.epoch + 1, receivedLsn: pick.receivedLsn + 50, appliedLsn: pick.receivedLsn + 50 }), ...followers],
    },
    {
      label: `a follower of an older epoch with a longer log appears beside the chosen ${pick.name}`,
      followers: [twin(older, { epoch: pick.epoch - 1, receivedLsn: pick.receivedLsn + 500, appliedLsn: pick.receivedLsn + 500, priority: pick.priority + 5 }), ...followers],
    },
    {
      label: `a follower that applied more but received less appears beside the chosen ${pick.name}`,
      followers: [
        twin(older, { receivedLsn: pick.receivedLsn - 1, appliedLsn: pick.receivedLsn - 1, priority: pick.priority + 5 }),
        ...replace({ ...pick, appliedLsn: Math.max(0, pick.receivedLsn - 20) }),
      ],
    },
    { label: `a twin of the chosen ${pick.name} with a higher priority`, followers: [...followers, twin(`${older}z`, { priority: pick.priority + 1 })] },
    { label: `a twin of the chosen ${pick.name} named ${JSON.stringify(longer)}, which it begins, is listed first`, followers: [twin(longer), ...followers] },
    {
      label: `the chosen follower renamed ${JSON.stringify(plainSecond)} ties with ${JSON.stringify(plainFirst)}`,
      followers: [...replace(twin(plainSecond)), twin(plainFirst)],
    },
    {
      label: `the chosen follower renamed ${JSON.stringify(plainFirst2)} ties with ${JSON.stringify(plainSecond2)}`,
      followers: [twin(plainSecond2), ...replace(twin(plainFirst2))],
    },
    { label: "the same followers in reverse order", followers: [...followers].reverse() },
  ];
  // Numbers are whole numbers from 0 to Number.MAX_SAFE_INTEGER in the exercise; a case outside is not one a student must handle.
  const inRange = (n: number) => n >= 0 && n <= Number.MAX_SAFE_INTEGER;
  return cases.filter((k) => k.followers.every((f) => inRange(f.epoch) && inRange(f.receivedLsn) && inRange(f.appliedLsn) && inRange(f.priority)));
}

/**
 * Asks about `followers`, then about every follow-up built from the answer; the first broken rule
 * fails the case, with the follow-up that showed it. Also checks that the reversed cluster gets
 * the same answer (order independence).
 */
export async function judgeWithFollowUps(answer: StudentCode<typeof Exercise>, followers: Follower[], record: Recorder): Promise<Violation | null> {
  record("followers", followers);
  const asked = await ask(answer, followers);
  if ("rule" in asked) return asked;
  record("chosen", asked.chosen);
  const first = checkElection(followers, asked.chosen);
  if (first) return first;
  const chosen = asked.chosen as string | null;
  for (const k of followUps(followers, chosen)) {
    const next = await ask(answer, k.followers);
    if ("rule" in next) return { ...next, details: `after: ${k.label}` };
    const broken = checkElection(k.followers, next.chosen);
    if (broken) {
      record("then", { change: k.label, followers: k.followers, chosen: next.chosen });
      return { ...broken, details: `first chose ${JSON.stringify(chosen)}; then, when ${k.label}, ${broken.details ?? `chose ${JSON.stringify(next.chosen)}`}` };
    }
    if (k.label === "the same followers in reverse order" && next.chosen !== chosen) {
      record("then", { change: k.label, followers: k.followers, chosen: next.chosen });
      return { rule: "the answer does not depend on the order of the followers", details: `chose ${JSON.stringify(chosen)}, and ${JSON.stringify(next.chosen)} for the same followers in reverse order`, involved: followers };
    }
  }
  return null;
}

/** Shrinks a failing cluster to the fewest followers on which the same judge still fails. */
export async function shrinkCluster(
  followers: Follower[],
  judge: (followers: Follower[], record: Recorder) => Promise<Violation | null>,
  record: Recorder,
): Promise<Violation | null> {
  const quiet: Recorder = () => {};
  const { items, steps } = await shrinkList(followers, async (fs) => (await judge(fs, quiet)) !== null, 40, 0);
  if (steps > 0 && items.length < followers.length) record("shrunk", `from ${followers.length} followers to ${items.length}`);
  return judge(items, record);
}

// ---------------------------------------------------------------------------- the search

const SEARCH_NAMES = ["A", "B", "C", "D", "a", "b", "Zed", "alpha", "MIKE", "mike", "node10", "node9", "Émile", "Frank"];

/** Clusters of up to 7 followers with small epochs and positions (so ties are common) and names on which comparisons disagree. */
export const clusterSpace: fc.Arbitrary<Follower[]> = fc
  .uniqueArray(
    fc.record({
      name: fc.constantFrom(...SEARCH_NAMES),
      alive: fc.boolean(),
      epoch: fc.integer({ min: 1, max: 3 }),
      receivedLsn: fc.integer({ min: 0, max: 6 }),
      behind: fc.integer({ min: 0, max: 3 }),
      priority: fc.integer({ min: 0, max: 3 }),
    }),
    { maxLength: 7, selector: (f) => f.name },
  )
  .map((fs) => fs.map(({ behind, ...f }) => ({ ...f, appliedLsn: Math.max(0, f.receivedLsn - behind) })));

/** The search over clusters: each candidate is judged with its follow-ups, so a tie or an order is probed from the answer's own choice. */
export function electionSearch(answer: StudentCode<typeof Exercise>, tries: number): Hunt<Follower[]> {
  return {
    space: clusterSpace,
    first: DISAGREEING_NAMES.map(([a, b]) => [follower(b), follower(a)]),
    tries,
    shrinkTries: 40,
    judge: (followers, record) => judgeWithFollowUps(answer, followers, record),
  };
}
