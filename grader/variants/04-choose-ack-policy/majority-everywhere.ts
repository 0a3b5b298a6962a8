// Known-wrong: a majority of the followers everywhere; with two followers that is both of them,
// which stalls during maintenance, and it is far too slow for metrics.
import { quorum, type AckPolicy } from "replication-lab";

export function chooseAckPolicy(service: "ledger" | "metrics" | "accounts"): AckPolicy {
  const followers = service === "ledger" ? 3 : 2;
  return quorum(Math.floor(followers / 2) + 1);
}
