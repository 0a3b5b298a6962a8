// Known-wrong: acknowledges after the leader's commit everywhere ("fastest is best"), losing writes on failover.
import { asyncAck, type AckPolicy } from "replication-lab";

export function chooseAckPolicy(service: "ledger" | "metrics" | "accounts"): AckPolicy {
  return asyncAck();
}
