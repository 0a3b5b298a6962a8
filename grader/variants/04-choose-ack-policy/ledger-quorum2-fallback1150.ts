// Known-wrong: for ledger, two follower copies with a 1,150 ms fallback to async, just short of the
// 1.2 s run: it fires only when B and C are slow for longer than that, and the writes it then
// acknowledges on the leader and A alone are lost when the zone fails.
import { asyncAck, quorum, semiSync, type AckPolicy } from "replication-lab";

export function chooseAckPolicy(service: "ledger" | "metrics" | "accounts"): AckPolicy {
  if (service === "ledger") return quorum(2, { fallbackAfterMs: 1150 });
  if (service === "metrics") return asyncAck();
  return semiSync();
}
