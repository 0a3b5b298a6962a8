// Known-wrong: MySQL-style semi-sync to a named follower with a timeout fallback: latency stays low,
// but writes acknowledged while degraded to async are lost when the leader crashes.
import { asyncAck, semiSync, type AckPolicy } from "replication-lab";

export function chooseAckPolicy(service: "ledger" | "metrics" | "accounts"): AckPolicy {
  if (service === "metrics") return asyncAck();
  return semiSync({ follower: "B", fallbackAfterMs: 5 });
}
