/**
 * Exercise 08's workload and judge: sticky routing must keep every client's reads monotonic while
 * followers crash one after another, and followers must still serve nearly all reads.
 *
 * The followers are deliberately unequal (one fast, the others several to many times slower), so a
 * client that moves from a fast follower to a slow one without checking positions goes back in
 * time. Few keys and busy clients make a client read the same key again and again, which is what
 * lets the checker see a key go backwards. The seed draws the delays, who crashes when, and the
 * load, so hidden seeds are new situations.
 */
import fc from "fast-check";
import { constant, exponential, monotonicReads, randomInt, stream, type Fault, type FollowerConfig, type Rng, type RouterFn, type RunResult, type ScriptedOp, type SimConfig } from "../../lib";
import type * as Exercise from "../../exercises/08-monotonic-reads";
import type { Recorder, Violation } from "../graded";
import { turnOf } from "../search/aims";
import type { Hunt } from "../search/hunt";
import type { StudentCode } from "../student";
import { judgeRouting, SUBMISSION_ROUTER } from "./routing.support";
import { every, freshRun, ownChoice, servedBy, shrinkRun, times } from "./sessions.support";

/**
 * Followers must serve at least this share of reads: the bar only rules out routing (nearly)
 * everything to the leader. The reference router serves 70-100%: less when its clients wait on
 * the leader for a follower to catch up with what they saw.
 */
export const FOLLOWER_SHARE_MIN = 0.5;

const WRITES = 2000;

/** The run for one seed: unequal followers, each crashing once, with `routing` as the read router. */
export function crashConfig(seed: number, routing: RouterFn): SimConfig {
  const rng = stream(seed, "08/crashes");
  const count = 3 + randomInt(rng, 2);
  const names = ["A", "B", "C", "D"].slice(0, count);
  // One fast follower, whichever the seed picks, and slower ones.
  const fast = randomInt(rng, count);
  const followers: FollowerConfig[] = names.map((name, i) => ({
    name,
    toFollowerMs: exponential({ meanMs: i === fast ? between(rng, 0.5, 1.5) : between(rng, 8, 60) }),
  }));
  const writesPerSec = 800 + randomInt(rng, 400);
  const runMs = (WRITES / writesPerSec) * 1000;
  // Each follower crashes once, in turn from a random first one; a window may overlap the next,
  // so a client sometimes has to move while two followers are down.
  const faults: Fault[] = [];
  const slot = runMs / (count + 1);
  const first = randomInt(rng, count);
  for (let i = 0; i < count; i++) {
    const fromMs = (i + 0.5 + 0.3 * rng.next()) * slot;
    faults.push({ node: names[(first + i) % count], kind: "crash", fromMs, toMs: fromMs + between(rng, 0.4, 1.3) * slot });
  }
  return {
    seed,
    followers,
    workload: { writesPerSec, writes: WRITES, clients: 8 + randomInt(rng, 9), keys: 8 + randomInt(rng, 9) },
    reads: { readsPerSec: 2.5 * writesPerSec, routing, ownKeyShare: 0 },
    faults,
  };
}

export const MONOTONIC_RULE = "monotonic reads: once a client has seen a value of a key, it never sees an older one";

/**
 * Routes `config` with the submission's router (in a freshly loaded module) and checks the run:
 * every read answered, no key going back in time for a client, and followers serving at least
 * `shareMin` of the reads (0 in scenes built to trap one client, where the leader may serve all).
 */
export async function judgeMonotonic(answer: StudentCode<typeof Exercise>, config: SimConfig, record: Recorder, shareMin = FOLLOWER_SHARE_MIN): Promise<Violation | null> {
  record("followers", (config.followers as FollowerConfig[]).map((f) => `${f.name}: ${describeDelay(f)}`));
  record("faults", (config.faults ?? []).map((f) => `${f.node} ${f.kind === "slow" ? `${f.factor}x slower` : "down"} from ${round(f.fromMs)} to ${f.toMs === undefined ? "the end" : `${round(f.toMs)} ms`}`));
  const run = await freshRun(answer, config);
  return judgeRouting(run, { rule: MONOTONIC_RULE, found: monotonicReads(run.history), shareMin, record });
}

/** Runs the seed's workload with the submission's router and checks the run; a Violation names the rule broken. */
export function judgeSticky(seed: number, answer: StudentCode<typeof Exercise>, record: Recorder): Promise<Violation | null> {
  return judgeMonotonic(answer, crashConfig(seed, SUBMISSION_ROUTER), record);
}

/** A failing seeded run, with fewer writes, clients, keys and crashes while it still fails. */
export function shrinkSticky(seed: number, answer: StudentCode<typeof Exercise>, record: Recorder): Promise<Violation | null> {
  return shrinkRun(crashConfig(seed, SUBMISSION_ROUTER), (config, rec) => judgeMonotonic(answer, config, rec), record);
}

function describeDelay(f: FollowerConfig): string {
  const d = f.toFollowerMs as { kind?: string; meanMs?: number; valueMs?: number } | undefined;
  if (d?.meanMs !== undefined) return `mean delay ${round(d.meanMs)} ms`;
  if (d?.valueMs !== undefined) return `delay ${round(d.valueMs)} ms`;
  return "default delay";
}

// ------------------------------------------------------------ scenes against the router's choice

const NAMES = ["A", "B", "C"];

/**
 * When alice reads her key twice more by default, after the writer's last write (ms after the end
 * of the writes): once every follower has it, even one 500 ms behind, so she has seen the newest
 * write before her last read. A router that makes that read wait for an entry after what she saw
 * (`minLsn: lastReadLsn + 1, ifBehind: "wait"`) leaves it unanswered: no such entry ever comes.
 * Until then every read of hers came before the writer's last write, and such a router had full
 * marks under most secrets.
 */
export const FINAL_READS_MS = [1000, 1001];

/**
 * A hand-made run that traps one client, alice, on the follower her router chose (`fast`: `fastMs`,
 * by default 1 ms, behind the leader; the others `othersMs` behind). A writer updates one key,
 * "post", every `writeEveryMs` (by default 4 ms); alice reads it every 4 ms, her first read before
 * any write, and twice more a second after the writer's last write (`FINAL_READS_MS`). With
 * `keys`, the writer updates them in turn and alice reads them all as one page, routed key by key.
 * `faults(fast, others)` places the crashes against her follower.
 */
export function trapScene(
  fast: string,
  othersMs: [number, number],
  faults: (fast: string, others: string[]) => Fault[],
  endMs = 1200,
  { fastMs = 1, writeEveryMs = 4, readsMs = [...times(4, endMs, 4), ...FINAL_READS_MS.map((t) => endMs + t)], keys = ["post"] }: { fastMs?: number; writeEveryMs?: number; readsMs?: readonly number[]; keys?: string[] } = {},
): SimConfig {
  const others = NAMES.filter((n) => n !== fast);
  return {
    seed: 1,
    followers: NAMES.map((name) => ({ name, toFollowerMs: constant(name === fast ? fastMs : othersMs[others.indexOf(name)]) })),
    network: { oneWayMs: constant(0.5) },
    workload: {
      writes: 0,
      script: [
        { kind: "read", atMs: 0.5, client: "alice", keys },
        ...every(2, endMs, writeEveryMs, (atMs, i) => ({ kind: "write" as const, atMs, client: "writer", key: keys[i % keys.length], value: `v${i + 1}` })),
        ...readsMs.map((atMs) => ({ kind: "read" as const, atMs, client: "alice", keys })),
      ],
    },
    reads: { readsPerSec: 0, routing: SUBMISSION_ROUTER, ownKeyShare: 0 },
    faults: faults(fast, others),
  };
}

export interface TrapCase {
  label: string;
  /** The trap, for the follower alice's router chose. */
  scene(fast: string): SimConfig;
  /**
   * Which of alice's choices the trap is aimed at, read from a run of the scene: by default the
   * follower that served her first read.
   */
  aim?: { guess: string; chosen(run: RunResult): string | undefined };
  /** The trap with its faults `shiftMs` later, for hidden cases, when more than the faults must move. */
  moved?(fast: string, shiftMs: number): SimConfig;
}

/** The scenes, each against the follower the router chose for alice: for her first read, or as the scene's `aim` says. */
export const TRAPS: TrapCase[] = [
  {
    // She reads the post and its comments as one page: no two of her reads in a row are of the
    // same key, so a router that asks for what she saw only when a key is read again right after
    // itself sends every read back to her follower without it (with one key, it asked every time).
    // From 800 ms her follower is a million times slower (1,000 s behind), and from 1 s she pauses
    // ever longer between reads (`PAUSES_MS`): a router that trusts her follower again after a
    // pause, as if that gave it time to catch up, shows her older values (she read every 4 ms).
    label: "her follower crashes and comes back behind what she saw on the leader, before any other follower has caught up, then falls far behind while she reads a post and its comments with ever longer pauses",
    scene: (fast) =>
      trapScene(
        fast,
        [60, 90],
        (f) => [
          { node: f, kind: "crash", fromMs: 400, toMs: 550 },
          { node: f, kind: "slow", fromMs: 400, toMs: 800, factor: 40 },
          { node: f, kind: "slow", fromMs: 800, factor: 1e6 },
        ],
        1200,
        { keys: ["post", "comments"], readsMs: [...times(4, 1000, 4), ...PAUSES_MS] },
      ),
  },
  {
    label: "her follower crashes for good while the others are far behind",
    scene: (fast) => trapScene(fast, [60, 90], (f) => [{ node: f, kind: "crash", fromMs: 400 }]),
  },
  {
    // Writes 10 ms apart and the next follower 5 ms behind, so that she moves to it. Hers comes
    // back first, 40 ms behind, and passes the next one as that one comes back 100 ms behind what
    // she saw on the leader: a router that goes back to her first follower once it is as advanced as
    // the one she is on, without a minimum position, shows her older values there.
    label: "her follower crashes, then the next most up-to-date one while she is on it; hers comes back first, slower",
    scene: (fast) =>
      trapScene(
        fast,
        [5, 90],
        (f, [second]) => [
          { node: f, kind: "crash", fromMs: 400, toMs: 600 },
          { node: f, kind: "slow", fromMs: 400, factor: 40 },
          { node: second, kind: "crash", fromMs: 500, toMs: 700 },
          { node: second, kind: "slow", fromMs: 500, factor: 100 },
        ],
        1200,
        { writeEveryMs: 10 },
      ),
  },
  {
    label: "every follower is down for a while, hers first",
    scene: (fast) =>
      trapScene(fast, [10, 30], (f, [b, c]) => [
        { node: f, kind: "crash", fromMs: 300, toMs: 600 },
        { node: b, kind: "crash", fromMs: 350, toMs: 550 },
        { node: c, kind: "crash", fromMs: 380, toMs: 500 },
      ]),
  },
  {
    // Writes 10 ms apart and her follower 15 ms behind: once she has read on the leader, it is
    // one write behind what she saw most of the time, and that write is to the key she reads.
    // The crash ends between deliveries (a quarter past), not at the instant one arrives.
    label: "her follower crashes briefly and, back, trails a single write behind what she saw on the leader",
    scene: (fast) => trapScene(fast, [60, 90], (f) => [{ node: f, kind: "crash", fromMs: 400.25, toMs: 430.25 }], 800, { fastMs: 15, writeEveryMs: 10 }),
  },
  {
    // No crash: a page's keys are routed one by one, so a router that picks a follower per key
    // spreads the first page over followers far apart. If it then sends the next page where the
    // last one ended (lastReadNode) without asking for what the client has seen, the scene makes
    // that follower the slowest: the second page shows older values than the first showed from
    // the faster ones. Aimed at alice's second page, so that a router whose spread is the same for
    // every client (chosen by key, say) cannot happen to end on the fastest follower; the fifteen
    // other clients read at other moments.
    label: "pages of eight keys read by sixteen clients, alice among them, the follower her second page went to 80 ms behind, the others 1 and 40",
    scene: (slow) => pageScene(slow),
    aim: { guess: "C", chosen: (run) => servedBy(run, "alice", PAGE_START_MS + PAGE_EVERY_MS / 2) },
  },
  {
    // Writes 10 ms apart, her follower 1 ms behind and the next 15: when hers is gone, the next
    // trails what she saw by one write or two, each to her key, at every read. A router that
    // moves to a follower one entry short of what she saw, without a minimum position for that
    // read, shows her an older value (the fifth trap catches one short on her own follower).
    label: "her follower crashes for good while the next one trails what she saw by a single write, to her key",
    scene: (fast) => trapScene(fast, [15, 90], (f) => [{ node: f, kind: "crash", fromMs: 400 }], 800, { writeEveryMs: 10 }),
  },
  {
    label: "her follower crashes with her read in flight; she moves to a follower 15 ms behind, and the leader answers the held read 100 ms later, newer than that follower",
    scene: (fast) => heldReadTrap(fast, 0),
    moved: heldReadTrap,
  },
  {
    label: "her follower comes back from a crash 0.15 ms after a write she read on the leader, a single write and a fraction of a millisecond behind, while she reads every 0.1 ms",
    scene: (fast) => freshReturnTrap(fast, 0),
    moved: freshReturnTrap,
  },
  {
    label: "her follower crashes with her read in flight; she moves to a follower 15 ms behind and reads nothing from 470 ms until the leader has answered the held read, newer than that follower",
    scene: (fast) => quietHeldReadTrap(fast, 0),
    moved: quietHeldReadTrap,
  },
];

/**
 * The held-read trap, but she reads nothing from 470 ms (plus `shiftMs`) until the leader's answer
 * to her held read has reached her (1 ms after the leader sent it): her next read comes 33.5 ms
 * after the one before, longer than her new follower (15 ms behind) lags, and that follower lacks
 * the writes the leader just showed her.
 * A router that trusts a follower whose `lagMs` is shorter than the time since it last routed one
 * of her reads, as if it then held all that read could show, sends that read there without a
 * minimum position; a read answered 100 ms after it was sent shows more. In the held-read trap
 * she reads every 4 ms, less than that follower lags, and such a router had full marks.
 */
function quietHeldReadTrap(fast: string, shiftMs: number): SimConfig {
  const scene = heldReadTrap(fast, shiftMs);
  const quiet = (op: ScriptedOp) => op.kind === "read" && op.client === "alice" && op.atMs >= 470 + shiftMs && op.atMs < HELD_ANSWERED_MS + 1 + shiftMs;
  const script = scene.workload!.script!.filter((op) => !quiet(op));
  const next = script.findIndex((op) => op.kind === "read" && op.atMs > HELD_ANSWERED_MS + shiftMs);
  const after: ScriptedOp = { kind: "read", atMs: HELD_ANSWERED_MS + 1 + shiftMs, client: "alice", keys: ["post"] };
  return { ...scene, workload: { ...scene.workload, script: [...script.slice(0, next), after, ...script.slice(next)] } };
}

/**
 * Her follower, 1 ms behind, crashes at 400 ms (plus `shiftMs`); the others are far behind, so she
 * reads on the leader. It is back 0.15 ms after the writer's first write from 450 ms (plus
 * `shiftMs`), which she read on the leader 0.1 ms after it was taken: everything older was held for
 * it and arrives as it comes back, so it is one write behind what she saw, a write accepted 0.15 ms
 * before (its `lagMs`). She reads every 0.1 ms from then for 6 ms. A router that trusts a follower
 * "only just behind" (`lagMs` under some threshold, from 0.2 ms up) and sends it a read without a
 * minimum position shows her the older value; no other case has her read twice so soon after a
 * write she saw on the leader, and such a router (2 ms) had full marks under most secrets. The
 * return moves with the writer's 4 ms beat, so every shift meets the same moment.
 */
function freshReturnTrap(fast: string, shiftMs: number): SimConfig {
  const writeMs = 2 + 4 * Math.ceil((450 + shiftMs - 2) / 4);
  const readsMs = [...times(4, 800, 4), ...times(writeMs + 0.1, writeMs + 6, 0.1)].sort((a, b) => a - b);
  return trapScene(fast, [60, 90], (f) => [{ node: f, kind: "crash", fromMs: 400 + shiftMs, toMs: writeMs + 0.15 }], 800, { readsMs });
}

/**
 * Her read sent at 400 ms (plus `shiftMs`) reaches her follower just after it crashes for good,
 * so it is answered by the leader after the client's 100 ms timeout, with the newest write. She
 * reads nothing else for 20 ms, which lets the follower 15 ms behind catch up with what she saw,
 * then reads every 4 ms and once more 0.25 ms before the leader answers: that read, answered by
 * her new follower, is the last one answered, and the next one must not trust that follower
 * (because it checked it once, or because her last read was answered there): the leader showed
 * her a write it lacks. Only the reads after the first one and the crash move with `shiftMs`.
 */
function heldReadTrap(fast: string, shiftMs: number): SimConfig {
  const atMs = (t: number) => t + shiftMs;
  const readsMs = [...times(4, 401, 4), HELD_ANSWERED_MS - 0.25, ...HELD_BURST_MS, ...times(420, 800, 4)].map(atMs).sort((a, b) => a - b);
  const scene = trapScene(fast, [15, 90], (f) => [{ node: f, kind: "crash", fromMs: atMs(400.25) }], 800 + shiftMs, { readsMs });
  // Alice half a millisecond from the nodes, so that her read is in flight as her follower crashes.
  return { ...scene, network: { ...scene.network, clientRequestMs: constant(0.5), clientResponseMs: constant(0.5) } };
}

/** When the leader answers her read held by the crash in `heldReadTrap` (before its shift). */
const HELD_ANSWERED_MS = 500.5;

/**
 * Two more reads of hers in `heldReadTrap`, around the leader's answer: one just after it is
 * sent (the leader's is then the read answered last), and one after it has reached her and her
 * read sent 0.25 ms before it was answered by her new follower, while the one just after is on
 * its way to the leader. A router that trusts its follower without a minimum position when that
 * follower answered her last read and she has seen nothing new since it last routed one
 * (`plain-when-nothing-new-seen`) sends the second there; with her reads 4 ms apart, every read
 * in flight was answered before the next was routed, and such a router had full marks.
 */
const HELD_BURST_MS = [HELD_ANSWERED_MS + 0.1, HELD_ANSWERED_MS + 0.75];

/**
 * Her reads after 1 s in the first trap: 10 ms after the last one every 4 ms, then each pause twice
 * the one before, up to 328 s (656 s after the start, before her follower, 1,000 s behind, catches
 * up): a router that trusts a follower again after any pause from 10 ms to 5 minutes fails there.
 */
const PAUSES_MS = Array.from({ length: 16 }, (_, k) => 996 + 10 * (2 ** (k + 1) - 1));

/** Index in `TRAPS` of the trap where her follower comes back behind what she saw, then far behind, as she reads a page. */
export const COMES_BACK_TRAP = 0;
/** Index in `TRAPS` of the trap where the next follower crashes too and hers, back first and slower, passes it. */
export const NEXT_CRASHES_TRAP = 2;
/** Index in `TRAPS` of the trap where her follower, back from a brief crash, trails a single write. */
export const SINGLE_WRITE_TRAP = 4;
/** Index in `TRAPS` of the trap where the next follower trails what she saw by a single write. */
export const NEXT_ONE_SHORT_TRAP = 6;
/** Index in `TRAPS` of the trap where the leader answers her read held by a crash 100 ms late. */
export const HELD_READ_TRAP = 7;
/** Index in `TRAPS` of the trap where her follower is back a fraction of a millisecond behind a write she saw on the leader. */
export const FRESH_RETURN_TRAP = 8;
/** Index in `TRAPS` of the held-read trap where she reads nothing for 33 ms before the leader's late answer. */
export const QUIET_HELD_READ_TRAP = 9;

/** When alice reads her first page, and how often she reads one. */
const PAGE_START_MS = 200;
const PAGE_EVERY_MS = 10;

/**
 * Pages of eight keys, which a writer updates in turn every millisecond, read every 10 ms by
 * sixteen clients (alice the first) while the followers stay behind: `slow` 80 ms, the others 1
 * and 40 ms (in name order).
 */
function pageScene(slow: string): SimConfig {
  const keys = Array.from({ length: 8 }, (_, i) => `p${i}`);
  const clients = ["alice", ...Array.from({ length: 15 }, (_, i) => `c${i + 1}`)];
  const others = NAMES.filter((n) => n !== slow);
  return {
    seed: 1,
    followers: NAMES.map((name) => ({ name, toFollowerMs: constant(name === slow ? 80 : [1, 40][others.indexOf(name)]) })),
    network: { oneWayMs: constant(0.5) },
    workload: {
      writes: 0,
      script: [
        ...every(1, 500, 1, (atMs, i) => ({ kind: "write" as const, atMs, client: "writer", key: keys[i % keys.length], value: `v${i + 1}` })),
        ...clients.flatMap((client, c) => every(PAGE_START_MS + c * 0.25, 500, PAGE_EVERY_MS, (atMs) => ({ kind: "read" as const, atMs, client, keys }))),
      ],
    },
    reads: { readsPerSec: 0, routing: SUBMISSION_ROUTER, ownKeyShare: 0 },
  };
}

/** Judges a trap against the follower the submission's router chose for alice (her first read, unless the trap aims elsewhere). */
export async function judgeTrap(answer: StudentCode<typeof Exercise>, trap: TrapCase, record: Recorder): Promise<Violation | null> {
  const aim = trap.aim ?? { guess: "A", chosen: (run: RunResult) => servedBy(run, "alice") };
  const config = await ownChoice(answer, NAMES, aim.guess, trap.scene, aim.chosen, record);
  return judgeMonotonic(answer, config, record, 0);
}

/**
 * Hidden cases, the kind read from the seed (`turnOf`, grader/search/aims.ts): the seed's crash
 * workload, or one of `TRAPS` with every fault moved by 0-199 ms (from the seed) and aimed at the
 * follower the router chose for alice. A random workload meets a router's mistake on most seeds,
 * not all; with the seeds taking turns every grading also meets each trap.
 */
export const AIMED_STICKY_KINDS = 1 + TRAPS.length;

/** The trap of kind `kind` (1 and up) for a seed, as a scene for the follower alice's router chose. */
export function aimedTrap(seed: number, kind: number): TrapCase {
  const trap = TRAPS[kind - 1];
  const shiftMs = randomInt(stream(seed, "08/aimed-trap"), 200);
  const shift = (f: Fault): Fault => ({ ...f, fromMs: f.fromMs + shiftMs, ...(f.toMs === undefined ? {} : { toMs: f.toMs + shiftMs }) });
  const moved = trap.moved ?? ((fast: string) => ({ ...trap.scene(fast), faults: (trap.scene(fast).faults ?? []).map(shift) }));
  return { ...trap, label: `${trap.label} (${shiftMs} ms later)`, scene: (fast) => moved(fast, shiftMs) };
}

/** Judges the hidden case of a seed (`AIMED_STICKY_KINDS`). */
export function judgeAimedSticky(seed: number, answer: StudentCode<typeof Exercise>, record: Recorder): Promise<Violation | null> {
  const kind = turnOf(seed, AIMED_STICKY_KINDS);
  if (kind === 0) return judgeSticky(seed, answer, record);
  const trap = aimedTrap(seed, kind);
  record("trap", trap.label);
  return judgeTrap(answer, trap, record);
}

/** The text's example run: three unequal followers, A then B crashing. */
export function textExample(): SimConfig {
  return {
    seed: 1,
    followers: [{ toFollowerMs: exponential({ meanMs: 1 }) }, { toFollowerMs: exponential({ meanMs: 20 }) }, { toFollowerMs: exponential({ meanMs: 50 }) }],
    workload: { writesPerSec: 1000, writes: 2000, clients: 10, keys: 10 },
    reads: { readsPerSec: 2500, routing: SUBMISSION_ROUTER, ownKeyShare: 0 },
    faults: [
      { node: "A", kind: "crash", fromMs: 400, toMs: 900 },
      { node: "B", kind: "crash", fromMs: 1100, toMs: 1500 },
    ],
  };
}

/** Small runs for the state check: two followers crash in turn under a few busy clients. */
export function stateCheckRuns(): SimConfig[] {
  return [1, 2].map((seed) => ({ ...crashConfig(seed, SUBMISSION_ROUTER), workload: { writesPerSec: 1000, writes: 400, clients: 4, keys: 3 } }));
}

// ------------------------------------------------------------------------------------ search

/** A candidate of the search: a small run with unequal followers and a few crashes. */
export interface StickyScene {
  seed: number;
  /** Mean replication delay of each follower, ms (2-3 followers). */
  delays: number[];
  crashes: { node: number; fromMs: number; forMs: number; slowAfter: boolean }[];
  clients: number;
  keys: number;
  /**
   * Set only in the search's first candidates: judge `TRAPS[trap]`, aimed at the follower the
   * router chose for alice, instead of this run (the other fields are then not used).
   */
  trap?: number;
}

export function sceneConfig(k: StickyScene): SimConfig {
  const names = NAMES.slice(0, k.delays.length);
  const faults: Fault[] = [];
  // A node's crash windows may not overlap: crashes of one node that do are one longer crash.
  const crashes = k.crashes.map((c) => ({ ...c, node: c.node % names.length })).sort((a, b) => a.node - b.node || a.fromMs - b.fromMs);
  const merged: { node: number; fromMs: number; toMs: number; slowAfter: boolean }[] = [];
  for (const c of crashes) {
    const last = merged[merged.length - 1];
    if (last && last.node === c.node && c.fromMs <= last.toMs) {
      last.toMs = Math.max(last.toMs, c.fromMs + c.forMs);
      last.slowAfter ||= c.slowAfter;
    } else merged.push({ node: c.node, fromMs: c.fromMs, toMs: c.fromMs + c.forMs, slowAfter: c.slowAfter });
  }
  for (const c of merged) {
    const node = names[c.node];
    faults.push({ node, kind: "crash", fromMs: c.fromMs, toMs: c.toMs });
    // Back from the crash on a slow link: it stays behind for a while.
    if (c.slowAfter) faults.push({ node, kind: "slow", fromMs: c.fromMs, toMs: c.toMs + 200, factor: 30 });
  }
  return {
    seed: k.seed,
    followers: names.map((name, i) => ({ name, toFollowerMs: exponential({ meanMs: k.delays[i] }) })),
    workload: { writesPerSec: 1000, writes: 700, clients: k.clients, keys: k.keys },
    reads: { readsPerSec: 2500, routing: SUBMISSION_ROUTER, ownKeyShare: 0 },
    faults,
  };
}

/**
 * The search: small runs of 2-3 unequal followers, each crash possibly followed by a slow
 * return, few clients and keys; the worst known scenes first (the fast follower back behind its
 * clients after a crash, or gone for good). Shrinking drops crashes and followers and lowers
 * clients and keys. Only monotonic reads and answered reads are judged: a small run is no
 * measure of the followers' share.
 */
export function stickySearch(answer: StudentCode<typeof Exercise>, tries: number): Hunt<StickyScene> {
  const crash = fc.record({
    node: fc.integer({ min: 0, max: 2 }),
    fromMs: fc.integer({ min: 50, max: 550 }),
    forMs: fc.integer({ min: 20, max: 400 }),
    slowAfter: fc.boolean(),
  });
  return {
    space: fc.record({
      seed: fc.noShrink(fc.integer({ min: 1, max: 2 ** 31 - 1 })),
      delays: fc.array(fc.constantFrom(1, 5, 20, 60), { minLength: 2, maxLength: 3 }),
      crashes: fc.array(crash, { minLength: 1, maxLength: 3 }),
      clients: fc.integer({ min: 1, max: 6 }),
      keys: fc.integer({ min: 1, max: 4 }),
    }),
    first: [
      { seed: 7, delays: [1, 60, 60], crashes: [{ node: 0, fromMs: 250, forMs: 150, slowAfter: true }], clients: 4, keys: 1 },
      { seed: 8, delays: [1, 20, 60], crashes: [{ node: 0, fromMs: 250, forMs: 300, slowAfter: false }], clients: 4, keys: 2 },
      // Her follower back a single write behind what she saw: a router one entry short fails it
      // whatever the secret, where a random run meets that moment only now and then.
      { seed: 9, delays: [15, 60, 90], crashes: [], clients: 1, keys: 1, trap: SINGLE_WRITE_TRAP },
      // Moving to a follower one entry short, and trusting a follower once checked or while her
      // last read was answered there: each fails one of these under every secret.
      { seed: 10, delays: [15, 60, 90], crashes: [], clients: 1, keys: 1, trap: NEXT_ONE_SHORT_TRAP },
      { seed: 11, delays: [15, 60, 90], crashes: [], clients: 1, keys: 1, trap: HELD_READ_TRAP },
      // Going back to her first follower once it is as advanced as the one she is on fails this
      // one under every secret (random runs met that moment under some); asking for what she saw
      // only when a key is read right after itself fails the next (random runs: under most).
      { seed: 12, delays: [15, 60, 90], crashes: [], clients: 1, keys: 1, trap: NEXT_CRASHES_TRAP },
      { seed: 13, delays: [15, 60, 90], crashes: [], clients: 1, keys: 1, trap: COMES_BACK_TRAP },
      // Her follower back a fraction of a millisecond behind a write she saw on the leader: a
      // router that trusts a follower under some lag without a minimum position fails it under
      // every secret (random runs met that moment under some).
      { seed: 14, delays: [15, 60, 90], crashes: [], clients: 1, keys: 1, trap: FRESH_RETURN_TRAP },
      // The held read answered late while she has not read for longer than her follower lags: a
      // router that trusts a follower lagging less than the time since her last read fails it.
      { seed: 15, delays: [15, 60, 90], crashes: [], clients: 1, keys: 1, trap: QUIET_HELD_READ_TRAP },
    ],
    tries,
    shrinkTries: 20,
    describe: (k) =>
      k.trap !== undefined && TRAPS[k.trap]
        ? { scene: TRAPS[k.trap].label }
        : { followers: k.delays.map((d, i) => `${NAMES[i]}: mean delay ${d} ms`), crashes: sceneConfig(k).faults, clients: k.clients, keys: k.keys, seed: k.seed },
    judge: (k, record) => (k.trap !== undefined && TRAPS[k.trap] ? judgeTrap(answer, TRAPS[k.trap], record) : judgeMonotonic(answer, sceneConfig(k), record, 0)),
  };
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

function between(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.next();
}
