// Known-wrong: for ledger, two follower copies with a 1,189 ms fallback to async, a millisecond
// short of the latest crash: when B and C are slow from the start, the fallback fires for the
// first write just before the zone fails, and the write is lost.
import { asyncAck, quorum, semiSync, type AckPolicy } from "replication-lab";

export function chooseAckPolicy(service: "ledger" | "metrics" | "accounts"): AckPolicy {
  if (service === "ledger") return quorum(2, { fallbackAfterMs: 1189 });
  if (service === "metrics") return asyncAck();
  return semiSync();
}
