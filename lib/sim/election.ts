/**
 * Election rules: which live follower the coordinator promotes when the leader falls silent.
 *
 * `failover.election` compiles once into an `ElectionRule` (like read routing and acknowledgement
 * policies): a function of the candidates, so the failover code never asks which rule it runs. A
 * new rule is one function here, the value that selects it in `compileElection`, and that value
 * accepted by the configuration (`FailoverConfig.election`).
 */
import { randomInt } from "../rng";
import type { World } from "./world";

/**
 * Picks the node to promote among `candidates` (live followers of the current epoch, in node
 * order, never empty), or -1 to promote nobody this time.
 */
export type ElectionRule = (candidates: readonly number[], w: World) => number;

/**
 * The most up to date by received position (promotion replays everything received); ties go to
 * the first in name order, so the choice is deterministic.
 */
export const mostUpToDate: ElectionRule = (candidates, w) => {
  let best = candidates[0];
  for (const r of candidates) if (w.nodes[r].log.length > w.nodes[best].log.length) best = r;
  return best;
};

/** A random live follower, drawn from the faults stream. */
export const randomCandidate: ElectionRule = (candidates, w) => candidates[randomInt(w.rFaults, candidates.length)];

/** Always the same node; nobody while it is down. */
export function fixedCandidate(node: number): ElectionRule {
  return (candidates) => (candidates.includes(node) ? node : -1);
}

/** The rule for the normalized `failover.election`: a rule's name, or a fixed node's index. */
export function compileElection(election: "most-up-to-date" | "random" | number): ElectionRule {
  if (typeof election === "number") return fixedCandidate(election);
  return election === "random" ? randomCandidate : mostUpToDate;
}
