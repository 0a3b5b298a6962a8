// Correct alternative: ledger waits for B by name (outside the zone, and near enough), accounts for
// any one follower to have applied the write.
import { asyncAck, quorum, semiSync, type AckPolicy } from "replication-lab";

export function chooseAckPolicy(service: "ledger" | "metrics" | "accounts"): AckPolicy {
  if (service === "ledger") return semiSync({ follower: "B" });
  if (service === "metrics") return asyncAck();
  return quorum(1, { on: "apply" });
}
