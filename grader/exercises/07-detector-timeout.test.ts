/**
 * Exercise 07 — the failure detector's timeout. Each case asks for a detector setting on a link
 * profile and simulates it: with a pause, a spike and a crash placed at the worst moment of the
 * setting's own heartbeat cycle (the text's example link, hand-made links, seeded ones), with
 * random latency spikes and leader pauses (no failover allowed), and with a crash (the outage must
 * fit the budget). Hidden links take turns at the kinds of link each mistake shows on, and each
 * hidden random run also gets its fault at the worst moment. A search of fault moments around its
 * heartbeat must find nothing before full marks.
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (student.ts).
import type * as Exercise from "../../exercises/07-detector-timeout";
import { graded, type GradedContext, type Recorder } from "../graded";
import { searchTest } from "../search/search-test";
import { student } from "../student";
import {
  AIMED_PROFILES,
  PUBLIC_LINKS,
  aimedProfile,
  askSetting,
  detectorSearch,
  judgeMoment,
  judgeRun,
  judgeWorstMoments,
  randomProfile,
  worstMoments,
  type LinkProfile,
  type Moment,
  type RunKind,
} from "./07-detector-timeout.support";

const submission = student<typeof Exercise>("07-detector-timeout");

/** The fault of each kind of random run, as a moment placed against the heartbeat cycle. */
const MOMENT_OF: Record<RunKind, Moment["kind"]> = { spikes: "spike", pauses: "pause", crash: "crash" };

/**
 * Asks the submission for a setting on the seed's profile and runs one kind of random run with
 * it. With `aimed` (hidden seeds), the links take turns at the kinds each mistake shows on
 * (`AIMED_PROFILES`), and each case then also places its kind of fault at the worst moment of
 * the setting's own heartbeat cycle on the same link: whether a random link and a random fault
 * meet a mistake is luck, and a hidden test's verdict must not hang on the secret's luck.
 */
const runs = (kind: RunKind, count: number, aimed = false) => async (c: GradedContext) => {
  await c.each(aimed ? aimedSeeds(c, count) : c.seeds(count), async (seed, record) => {
    const profile = aimed ? aimedProfile(seed) : randomProfile(seed);
    const setting = await askSetting(submission, profile, record);
    if ("rule" in setting) return setting;
    const broken = judgeRun(kind, profile, setting, seed, record);
    if (broken || !aimed) return broken;
    return judgeMoment(profile, setting, worstMoments(profile).find((m) => m.kind === MOMENT_OF[kind])!, record);
  });
};

const worst = (profile: LinkProfile, record: Recorder) => judgeWorstMoments(submission, profile, record);

/** Seeds of each hidden test: two links of each kind of `AIMED_PROFILES`. */
const HIDDEN_SEEDS = 2 * AIMED_PROFILES.length;

/** Hidden seeds taking turns at the kinds of link of `AIMED_PROFILES`. */
const aimedSeeds = (c: GradedContext, count: number) => c.seedsTakingTurns(count, AIMED_PROFILES.length);

graded({ name: "heartbeats within the budget, with a positive timeout", points: 1, visibility: "public" }, async (c) => {
  await c.each(c.seeds(10), async (seed, record) => {
    const setting = await askSetting(submission, randomProfile(seed), record);
    return "rule" in setting ? setting : null;
  });
});

graded(
  { name: "survives a pause, a spike and a crash placed at the worst moment of its own heartbeat cycle", points: 3, visibility: "public" },
  async (c) => {
    await c.each(PUBLIC_LINKS, (k, record) => worst(k.profile, record));
  },
);

graded({ name: "never fails over a live leader whose heartbeats hit a latency spike", points: 1, visibility: "public" }, runs("spikes", 3));

graded({ name: "never fails over a leader that is only paused", points: 1, visibility: "public" }, runs("pauses", 3));

graded({ name: "replaces a crashed leader within the outage budget", points: 1, visibility: "public" }, runs("crash", 3));

graded(
  { name: "a search of 60 fault moments around its own heartbeat finds no needless failover and no outage over budget", points: 2, visibility: "public", caseTimeoutMs: 10_000 },
  searchTest((seed) => detectorSearch(submission, 60, seed)),
);

graded(
  { name: "survives the worst moment of its own heartbeat cycle on hidden links", points: 3, visibility: "hidden" },
  async (c) => {
    await c.each(aimedSeeds(c, HIDDEN_SEEDS), (seed, record) => worst(aimedProfile(seed), record));
  },
);

graded({ name: "no failover during latency spikes (hidden seeds)", points: 1, visibility: "hidden" }, runs("spikes", HIDDEN_SEEDS, true));

graded({ name: "no failover during leader pauses (hidden seeds)", points: 1, visibility: "hidden" }, runs("pauses", HIDDEN_SEEDS, true));

graded({ name: "crashes replaced within the outage budget (hidden seeds)", points: 1, visibility: "hidden" }, runs("crash", HIDDEN_SEEDS, true));
