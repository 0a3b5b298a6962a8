// Known-wrong: for accounts, any one follower with a 300 ms fallback to async, longer than a crash
// window: it never fires inside one by itself, but while B is slow during A's maintenance it fires
// as A returns, and the leader stays async while A is slow to catch up, into B's maintenance.
import { asyncAck, quorum, semiSync, type AckPolicy } from "replication-lab";

export function chooseAckPolicy(service: "ledger" | "metrics" | "accounts"): AckPolicy {
  if (service === "ledger") return quorum(2);
  if (service === "metrics") return asyncAck();
  return semiSync({ fallbackAfterMs: 300 });
}
