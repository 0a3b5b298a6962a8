// Known-wrong: for ledger, waits for the nearest follower, A: fast, but A is in the leader's zone
// and dies with it, so the one copy outside the leader is lost too.
import { asyncAck, semiSync, type AckPolicy } from "replication-lab";

export function chooseAckPolicy(service: "ledger" | "metrics" | "accounts"): AckPolicy {
  if (service === "ledger") return semiSync({ follower: "A" });
  if (service === "metrics") return asyncAck();
  return semiSync();
}
