/**
 * Exercise 07 — the failure detector's timeout. Each case draws a link profile from its seed, asks
 * for a detector setting, and simulates it: with latency spikes and with leader pauses (no
 * failover allowed), and with a crash (the outage must fit the budget).
 */
// Types only: the submission runs in its own sandbox process and answers with plain data (student.ts).
import type * as Exercise from "../../exercises/07-detector-timeout";
import { graded, type GradedContext, type Recorder } from "../graded";
import { student } from "../student";
import { checkSetting, judgeRun, randomProfile, type DetectorSetting, type RunKind } from "./07-detector-timeout.support";

const submission = student<typeof Exercise>("07-detector-timeout");

/** Asks the submission for a setting on the seed's profile; returns it, or the rule it breaks. */
async function settingFor(seed: number, record: Recorder) {
  const profile = randomProfile(seed);
  record("link", profile);
  const answer = await submission.call("chooseDetector", profile);
  record("setting", answer);
  return { profile, answer, violation: checkSetting(profile, answer) };
}

const runs = (kind: RunKind, count: number) => async (c: GradedContext) => {
  await c.each(c.seeds(count), async (seed, record) => {
    const { profile, answer, violation } = await settingFor(seed, record);
    return violation ?? judgeRun(kind, profile, answer as unknown as DetectorSetting, seed, record);
  });
};

graded({ name: "heartbeats within the budget, with a positive timeout", points: 1, visibility: "public" }, async (c) => {
  await c.each(c.seeds(10), async (seed, record) => (await settingFor(seed, record)).violation);
});

graded({ name: "never fails over a live leader whose heartbeats hit a latency spike", points: 2, visibility: "public" }, runs("spikes", 4));

graded({ name: "never fails over a leader that is only paused", points: 2, visibility: "public" }, runs("pauses", 4));

graded({ name: "replaces a crashed leader within the outage budget", points: 2, visibility: "public" }, runs("crash", 4));

graded({ name: "no failover during latency spikes (hidden seeds)", points: 2, visibility: "hidden" }, runs("spikes", 12));

graded({ name: "no failover during leader pauses (hidden seeds)", points: 2, visibility: "hidden" }, runs("pauses", 12));

graded({ name: "crashes replaced within the outage budget (hidden seeds)", points: 2, visibility: "hidden" }, runs("crash", 12));
