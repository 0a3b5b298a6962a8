/**
 * The files `npm run new-exercise -- NN-name --kind router` writes: a read-router exercise like 01
 * and 08, where students write `routeRead(ctx)` and every case is a simulated run judged by what
 * the router did (grader/exercises/routing.support.ts). The stub, the variants and the markers
 * work as for a pure function (new-exercise-templates.ts); the solution and the graded tests hold
 * one placeholder rule that they agree on (a follower serves a read only while it is at most 50 ms
 * behind the leader), so the scaffold grades end to end before the instructor replaces it.
 */
import { TODO, variantHeader, type ExerciseNames } from "./new-exercise-templates";

/** What a router exercise's students write. */
export const ROUTER_FN = "routeRead";

export function routerStubFile(n: ExerciseNames): string {
  return `/**
 * Exercise ${n.id} — ${TODO}: the title, as a question the student answers.
 *
 * ${TODO}: the situation, and the guarantee the router must keep.
 *
 * Write \`routeRead(ctx)\`. The simulator calls it once for every read (every key of a read) and
 * sends the read where it says. \`ctx\` (a \`ReadContext\`, see lib/reads.ts) tells you:
 * - \`ctx.leader\`: the leader as this client knows it;
 * - \`ctx.followers\`: every other node with \`up\` (false while crashed), \`appliedLsn\` (the log
 *   position it has applied) and \`lagMs\` (how far behind the leader it is);
 * - \`ctx.session\`: this client's memory (\`lastWriteLsn\`, \`lastReadLsn\`, \`lastReadNode\`, and a
 *   free slot, \`sticky\`), fresh in every run;
 * - \`ctx.random()\`: a seeded random number in (0, 1). Use it instead of \`Math.random()\` so that a
 *   run, and a failing case, replays exactly.
 * Return a node's name (\`ctx.leader\` or a follower's \`name\`), or \`{ node, minLsn, ifBehind }\`:
 * the node serves the read once it has applied \`minLsn\`; until then the read goes to the leader
 * (\`ifBehind: "leader"\`, the default) or waits there (\`ifBehind: "wait"\`).
 *
 * The rules (${TODO}: the guarantee, in the words grader/exercises/${n.name}.test.ts uses):
 * (a) every read gets an answer;
 * (b) ${TODO}: the guarantee;
 * (c) followers serve most reads (${TODO}: the share the tests ask for, FOLLOWER_SHARE_MIN);
 * (d) per-client memory lives in \`ctx.session\` (it starts fresh in every run), not in variables
 *     outside the function, which would carry over from one run to the next; randomness comes
 *     from \`ctx.random()\` only.
 *
 * How it is graded: each case is a simulated run, routed with your file freshly loaded.
 * ${TODO}: the scenes and the seeded runs, as grader/exercises/${n.name}.test.ts builds them.
 */
import { NotImplementedError, type ReadContext, type ReadDecision } from "../lib";

/** ${TODO}: where to send one read, in a sentence. */
export function ${ROUTER_FN}(ctx: ReadContext): ReadDecision {
  throw new NotImplementedError(
    "${n.id}: ${ROUTER_FN} is not implemented yet: write it in exercises/${n.name}.ts (replace this throw)",
  );
}
`;
}

export function routerSolutionFile(n: ExerciseNames): string {
  return `/**
 * Exercise ${n.id} — reference solution. ${TODO}: why this answer is right, in a sentence or two.
 *
 * Self-contained (it is graded alone, like a student's file): only \`../lib\` may be imported.
 */
import type { ReadContext, ReadDecision } from "../lib";

/** ${TODO}: the placeholder rule, the one grader/exercises/${n.name}.test.ts checks until it is written. */
const MAX_LAG_MS = 50;

export function ${ROUTER_FN}(ctx: ReadContext): ReadDecision {
  // ${TODO}: the router this exercise asks for. The placeholder sends each read to a random
  // follower that is up and at most MAX_LAG_MS behind, and to the leader when there is none.
  const near = ctx.followers.filter((f) => f.up && f.lagMs <= MAX_LAG_MS);
  if (near.length === 0) return ctx.leader;
  return near[Math.floor(ctx.random() * near.length)].name;
}
`;
}

export function routerTestFile(n: ExerciseNames): string {
  return `/**
 * Exercise ${n.id} — ${TODO}: what the tests check. Every case is a simulated run with the
 * submission as the read router, routed in a freshly loaded module and judged by what it did
 * (routing.support.ts): every read answered, no decision breaking the rule, and followers serving
 * at least FOLLOWER_SHARE_MIN of the reads. Public cases are hand-made scenes, each showing the
 * rule at stake, plus random runs on fixed seeds; hidden cases are random runs on seeds derived
 * from the grading secret, and aimed runs: scenes built against the router's own choice, for a
 * mistake that only one moment shows. Points and visibility are literals: the grader reads them
 * from this file, so a test that does not run still counts as failed.
 *
 * The rule is a placeholder that solutions/${n.name}.ts keeps: no read goes to a follower more
 * than MAX_LAG_MS behind the leader. ${TODO}: the guarantee this exercise teaches, in RULE and
 * \`breaks\` (or, for a guarantee the history shows, a checker of lib/checkers such as
 * \`monotonicReads(run.history)\` as \`found\`), and runs that put it to the test.
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (../student.ts).
import type * as Exercise from "../../exercises/${n.name}";
import { constant, exponential, randomInt, stream, type ReadContext, type ReadDecision, type SimConfig, type Violation as CheckerViolation } from "../../lib";
import { graded, type GradedContext, type Recorder, type Violation } from "../graded";
import { student } from "../student";
import { judgeRouting, routedRun, SUBMISSION_ROUTER } from "./routing.support";
import { ownChoice, servedBy, stateCheck } from "./sessions.support";

const answer = student<typeof Exercise>("${n.name}");

/** The placeholder rule's bound. */
const MAX_LAG_MS = 50;
const RULE = \`no read goes to a follower more than \${MAX_LAG_MS} ms behind the leader\`;
/** Followers must serve at least this share of reads, so that sending every read to the leader fails. */
const FOLLOWER_SHARE_MIN = 0.5;

/** The rule a decision breaks, as a sentence about that read, or null when it keeps it. */
function breaks(ctx: Omit<ReadContext, "random">, decision: ReadDecision): string | null {
  const node = typeof decision === "string" ? decision : decision.node;
  const follower = ctx.followers.find((f) => f.name === node);
  if (follower === undefined || follower.lagMs <= MAX_LAG_MS) return null;
  return \`\${ctx.client}'s read of \${ctx.key} at \${ctx.nowMs.toFixed(1)} ms went to \${node}, \${follower.lagMs.toFixed(1)} ms behind the leader\`;
}

/** Routes \`config\` with the submission's router (freshly loaded) and judges the run and each decision. */
async function judge(config: SimConfig, record: Recorder): Promise<Violation | null> {
  const broken: { read: string; atMs: number; message: string }[] = [];
  const run = await routedRun(answer, config, { export: "${ROUTER_FN}" }, new Map(), {
    fresh: true,
    onDecision(ctx, decision) {
      const message = breaks(ctx, decision);
      if (message !== null) broken.push({ read: \`\${ctx.client} \${ctx.nowMs}\`, atMs: ctx.nowMs, message });
    },
  });
  // A read is routed as it starts: its client and start time name it in the history.
  const readIds = new Map(run.history.ops.flatMap((op) => (op.kind === "read" ? [[\`\${op.client} \${op.invokeMs}\`, op.id] as [string, number]] : [])));
  const found = broken.map(({ read, atMs, message }): CheckerViolation => {
    const id = readIds.get(read);
    return { guarantee: RULE, ops: id === undefined ? [] : [id], message, atMs };
  });
  return judgeRouting(run, { rule: RULE, found, shareMin: FOLLOWER_SHARE_MIN, record });
}

/**
 * A random run for a seed; the same seed always gives the same run. Three followers under busy
 * clients, one of them 10-30 times slower for half the run, so that every seed meets a follower
 * far behind. ${TODO}: runs that put this exercise's guarantee to the test.
 */
function seededRun(seed: number): SimConfig {
  const rng = stream(seed, "${n.id}/run");
  const writesPerSec = 600 + randomInt(rng, 400);
  const runMs = (1500 / writesPerSec) * 1000;
  const fromMs = (0.2 + 0.2 * rng.next()) * runMs;
  return {
    seed,
    followers: 3,
    network: { oneWayMs: exponential({ meanMs: 1 + rng.next() }) },
    workload: { writesPerSec, writes: 1500, clients: 10 + randomInt(rng, 11), keys: 50 + randomInt(rng, 100) },
    reads: { readsPerSec: 2 * writesPerSec, routing: SUBMISSION_ROUTER },
    faults: [{ node: "ABC"[randomInt(rng, 3)], kind: "slow", fromMs, toMs: fromMs + 0.5 * runMs, factor: 10 + randomInt(rng, 21) }],
  };
}

/**
 * An aimed run. A likely mistake may break the rule at one moment only, which random runs meet
 * on some seeds and miss on others: here, a router that checks a follower's lag once and then
 * keeps sending a client there breaks it only if that very follower falls behind afterwards. So
 * the scene is built against the router's own choice (\`ownChoice\`, sessions.support.ts): a
 * first run finds the follower that served client c0's first read from \`fromMs\` on, and the
 * judged run slows exactly that follower from that moment. ${TODO}: the moments this exercise's
 * likely mistakes need, each a scene of its own.
 */
const AIMED_FOLLOWERS = ["A", "B", "C"];
function aimedScene(seed: number): { fromMs: number; build(slow: string): SimConfig } {
  const fromMs = 150 + randomInt(stream(seed, "${n.id}/aimed"), 200);
  return {
    fromMs,
    build: (slow) => ({
      seed,
      followers: AIMED_FOLLOWERS.map((name) => ({ name, toFollowerMs: constant(1) })),
      workload: { writesPerSec: 1000, writes: 800, clients: 4, keys: 20 },
      reads: { readsPerSec: 2000, routing: SUBMISSION_ROUTER },
      faults: AIMED_FOLLOWERS.includes(slow) ? [{ node: slow, kind: "slow", fromMs, toMs: fromMs + 400, factor: 200 }] : [],
    }),
  };
}

const scenes = (list: { label: string; config: SimConfig }[]) => async (c: GradedContext) => {
  await c.each(list, (k, record) => judge(k.config, record));
};

graded(
  { name: "${TODO}: a sentence of behaviour for the hand-made scenes", points: 2, visibility: "public", caseTimeoutMs: 5000 },
  scenes([
    {
      label: "${TODO}: a scene that shows the rule (here: C is always 200 ms behind)",
      config: {
        seed: 1,
        followers: [{ name: "A", toFollowerMs: constant(1) }, { name: "B", toFollowerMs: constant(5) }, { name: "C", toFollowerMs: constant(200) }],
        workload: { writesPerSec: 500, writes: 500, clients: 4, keys: 10 },
        reads: { readsPerSec: 1000, routing: SUBMISSION_ROUTER },
      },
    },
  ]),
);

graded({ name: "keeps the rule in random runs, while followers serve most reads", points: 2, visibility: "public", caseTimeoutMs: 5000 }, async (c) => {
  await c.each(c.seeds(5), (seed, record) => judge(seededRun(seed), record));
});

graded(
  { name: "keeps per-client memory in ctx.session and draws randomness from ctx.random() only", points: 1, visibility: "public", caseTimeoutMs: 5000 },
  stateCheck(answer, () => [1, 2].map((seed) => ({ ...seededRun(seed), workload: { writesPerSec: 1000, writes: 400, clients: 4, keys: 3 } }))),
);

graded({ name: "keeps the rule in random runs (hidden seeds)", points: 4, visibility: "hidden", caseTimeoutMs: 5000 }, async (c) => {
  await c.each(c.seeds(8), (seed, record) => judge(seededRun(seed), record));
});

graded({ name: "keeps the rule when the follower a client was just sent to falls behind (hidden seeds)", points: 2, visibility: "hidden", caseTimeoutMs: 5000 }, async (c) => {
  await c.each(c.seeds(3), async (seed, record) => {
    const scene = aimedScene(seed);
    const config = await ownChoice(answer, AIMED_FOLLOWERS, "A", scene.build, (run) => servedBy(run, "c0", scene.fromMs, AIMED_FOLLOWERS), record);
    return judge(config, record);
  });
});
`;
}

/** A known-wrong router: it does not compile until it holds a plausible mistake. */
export function routerVariantFile(n: ExerciseNames, mistake: string): string {
  return `${variantHeader(mistake)}
import type { ReadContext, ReadDecision } from "replication-lab";

export function ${ROUTER_FN}(ctx: ReadContext): ReadDecision {
  TODO_instructor_write_a_plausible_mistake_here;
}
`;
}
