/**
 * Exercise 07 — the failure detector's timeout. Each case asks for a detector setting on a link
 * profile and simulates it: with a pause, a spike and a crash placed at the worst moment of the
 * setting's own heartbeat cycle (the text's example link, hand-made links, seeded ones), with
 * random latency spikes and leader pauses (no failover allowed), and with a crash (the outage must
 * fit the budget); a search of fault moments around its heartbeat must find nothing before full
 * marks.
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (student.ts).
import type * as Exercise from "../../exercises/07-detector-timeout";
import { graded, type GradedContext, type Recorder } from "../graded";
import { searchTest } from "../search/search-test";
import { student } from "../student";
import {
  TEXT_EXAMPLE,
  askSetting,
  detectorSearch,
  judgeRun,
  judgeWorstMoments,
  randomProfile,
  type LinkProfile,
  type RunKind,
} from "./07-detector-timeout.support";

const submission = student<typeof Exercise>("07-detector-timeout");

/** Asks the submission for a setting on the seed's profile and runs one kind of random run with it. */
const runs = (kind: RunKind, count: number) => async (c: GradedContext) => {
  await c.each(c.seeds(count), async (seed, record) => {
    const profile = randomProfile(seed);
    const setting = await askSetting(submission, profile, record);
    return "rule" in setting ? setting : judgeRun(kind, profile, setting, seed, record);
  });
};

const worst = (profile: LinkProfile, record: Recorder) => judgeWorstMoments(submission, profile, record);

graded({ name: "heartbeats within the budget, with a positive timeout", points: 1, visibility: "public" }, async (c) => {
  await c.each(c.seeds(10), async (seed, record) => {
    const setting = await askSetting(submission, randomProfile(seed), record);
    return "rule" in setting ? setting : null;
  });
});

graded(
  { name: "survives a pause, a spike and a crash placed at the worst moment of its own heartbeat cycle", points: 3, visibility: "public" },
  async (c) => {
    const links = [
      { label: "the text's example link", profile: TEXT_EXAMPLE },
      { label: "a pause longer than any spike", profile: { typicalDelayMs: 3, spikeDelayMs: 100, gcPauseMs: 240, heartbeatsPerSecMax: 20, outageBudgetMs: 450 } },
      { label: "a spike longer than any pause", profile: { typicalDelayMs: 1, spikeDelayMs: 300, gcPauseMs: 90, heartbeatsPerSecMax: 8, outageBudgetMs: 650 } },
      { label: "slow heartbeats on a slow link", profile: { typicalDelayMs: 5, spikeDelayMs: 80, gcPauseMs: 120, heartbeatsPerSecMax: 5, outageBudgetMs: 520 } },
    ];
    await c.each(links, (k, record) => worst(k.profile, record));
  },
);

graded({ name: "never fails over a live leader whose heartbeats hit a latency spike", points: 1, visibility: "public" }, runs("spikes", 3));

graded({ name: "never fails over a leader that is only paused", points: 1, visibility: "public" }, runs("pauses", 3));

graded({ name: "replaces a crashed leader within the outage budget", points: 1, visibility: "public" }, runs("crash", 3));

graded(
  { name: "survives the worst moment of its own heartbeat cycle on hidden links", points: 3, visibility: "hidden" },
  async (c) => {
    await c.each(c.seeds(10), (seed, record) => worst(randomProfile(seed), record));
  },
);

graded({ name: "no failover during latency spikes (hidden seeds)", points: 1, visibility: "hidden" }, runs("spikes", 6));

graded({ name: "no failover during leader pauses (hidden seeds)", points: 1, visibility: "hidden" }, runs("pauses", 6));

graded({ name: "crashes replaced within the outage budget (hidden seeds)", points: 1, visibility: "hidden" }, runs("crash", 6));

graded(
  { name: "a search of 60 fault moments around its own heartbeat finds no needless failover and no outage over budget", points: 2, visibility: "public", caseTimeoutMs: 10_000 },
  searchTest((seed) => detectorSearch(submission, 60, seed)),
);
