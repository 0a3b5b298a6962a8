/**
 * Exercise 07 — The failure detector's timeout: how long is too long to wait?
 *
 * A monitor decides that the leader is dead when it has heard no heartbeat from it for
 * `timeoutMs`, and then promotes a follower. Set the timeout too short and a leader that is merely
 * slow (a latency spike, a garbage-collection pause) is replaced while alive: a needless failover,
 * with a deposed leader that may keep accepting writes. Set it too long and, when the leader
 * really crashes, nobody accepts writes until the monitor gives up on it. Write
 * `chooseDetector(link)`: from what is known about the link and the leader, return how often the
 * leader heartbeats and how long the monitor waits.
 *
 * How the detector works here (as in the simulator's `failover.detector`):
 * - The leader sends a heartbeat every `heartbeatMs`; each takes a one-way delay to the monitor.
 * - Heartbeats share one ordered connection (TCP): a heartbeat delayed by a spike holds back the
 *   ones sent after it, so the monitor hears nothing until the delayed one arrives.
 * - A paused leader sends nothing; it resumes heartbeating the moment it wakes.
 * - The monitor starts a failover once it has heard nothing for `timeoutMs`; the election itself
 *   is instant. After a crash, the outage lasts from the crash until the new leader is elected.
 *
 * The targets, for the link described by `link`:
 * 1. No failover while the leader is alive: not during latency spikes of up to `spikeDelayMs`,
 *    and not during pauses of up to `gcPauseMs`.
 * 2. After a real crash, a new leader within `outageBudgetMs`.
 * 3. At most `heartbeatsPerSecMax` heartbeats per second: `heartbeatMs >= 1000 / heartbeatsPerSecMax`.
 * Every profile the grader draws has answers that meet all three.
 *
 * ## How it is graded
 * For each seed the grader draws a link profile and simulates your setting three times, each run
 * lasting about 200 heartbeat intervals at the budget's fastest rate:
 * - spikes: no crash; about 3 heartbeats in 100 hit a spike, half of those delayed by exactly
 *   `spikeDelayMs`, the rest by 50-100% of it. There must be no failover.
 * - pauses: no crash and a calm link; the leader pauses three times for exactly `gcPauseMs`.
 *   There must be no failover.
 * - crash: a calm link; the leader crashes at a random moment. A new leader must be elected within
 *   `outageBudgetMs` of the crash.
 * On a calm link a heartbeat's delay is usually near `typicalDelayMs`, within 3 times it 99 times
 * in 100, and never above 4 times it. Public cases use fixed seeds, hidden ones secret seeds.
 *
 * Faults are also placed against your own setting, at the worst moments of its heartbeat cycle: a
 * pause of `gcPauseMs` that starts just before a heartbeat is due, a heartbeat delayed by the full
 * `spikeDelayMs`, a crash just after a heartbeat is sent whose delivery takes 4 typical delays
 * (on the text's example link, on hand-made links and on hidden ones). Before full marks, a search
 * tries 60 more fault moments (phases, delays, links), drawn from the grading secret; a failure it
 * finds is reduced to the simplest fault that still breaks your setting.
 *
 * @example
 * chooseDetector({ typicalDelayMs: 2, spikeDelayMs: 200, gcPauseMs: 150, heartbeatsPerSecMax: 10, outageBudgetMs: 458 });
 * // for instance { heartbeatMs: 100, timeoutMs: 375 }
 */
import { NotImplementedError } from "../lib";

/** What is known about the link from the leader to the monitor, and what the service needs. */
export interface LinkProfile {
  /** A heartbeat's usual one-way delay to the monitor, in ms. */
  typicalDelayMs: number;
  /** Rare latency spikes delay a heartbeat by up to this many ms. */
  spikeDelayMs: number;
  /** The longest pause of a leader that is alive (garbage collection, a frozen VM), in ms. */
  gcPauseMs: number;
  /** Budget: the monitor accepts at most this many heartbeats per second from the leader. */
  heartbeatsPerSecMax: number;
  /** After a crash, a new leader must be elected within this many ms. */
  outageBudgetMs: number;
}

/** The failure detector's two settings. */
export interface DetectorSetting {
  /** Time between two heartbeats, ms. */
  heartbeatMs: number;
  /** Silence after which the monitor starts a failover, ms. */
  timeoutMs: number;
}

/** Heartbeat interval and timeout that avoid needless failovers yet keep a crash's outage in budget. */
export function chooseDetector(link: LinkProfile): DetectorSetting {
  throw new NotImplementedError(
    "07: chooseDetector is not implemented yet: write it in exercises/07-detector-timeout.ts (replace this throw)",
  );
}
