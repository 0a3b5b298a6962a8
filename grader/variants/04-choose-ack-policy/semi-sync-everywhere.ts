// Known-wrong: one follower copy everywhere, the usual middle ground: too slow for metrics, and the
// ledger's one copy is usually on A, which dies with the leader's zone.
import { semiSync, type AckPolicy } from "replication-lab";

export function chooseAckPolicy(service: "ledger" | "metrics" | "accounts"): AckPolicy {
  return semiSync();
}
