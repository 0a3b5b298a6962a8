// Known-wrong: for ledger, two follower copies with a 20 ms fallback to async: B nearly always
// answers in time, but while B and C are slow every write is acknowledged on the leader and A
// alone, and the zone failure then loses them.
import { asyncAck, quorum, semiSync, type AckPolicy } from "replication-lab";

export function chooseAckPolicy(service: "ledger" | "metrics" | "accounts"): AckPolicy {
  if (service === "ledger") return quorum(2, { fallbackAfterMs: 20 });
  if (service === "metrics") return asyncAck();
  return semiSync();
}
