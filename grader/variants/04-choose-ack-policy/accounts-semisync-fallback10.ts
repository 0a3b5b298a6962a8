// Known-wrong: for accounts, any one follower with a 10 ms fallback to async: the follower that is
// up nearly always answers in time, but while it is slow during the other's maintenance writes are
// acknowledged on the leader alone, and a leader crash then loses them.
import { asyncAck, quorum, semiSync, type AckPolicy } from "replication-lab";

export function chooseAckPolicy(service: "ledger" | "metrics" | "accounts"): AckPolicy {
  if (service === "ledger") return quorum(2);
  if (service === "metrics") return asyncAck();
  return semiSync({ fallbackAfterMs: 10 });
}
