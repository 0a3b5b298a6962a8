// Known-wrong: waits for every follower everywhere ("never lose a write"), whatever the latency target.
import { syncAll, type AckPolicy } from "replication-lab";

export function chooseAckPolicy(service: "ledger" | "metrics" | "accounts"): AckPolicy {
  return syncAll();
}
