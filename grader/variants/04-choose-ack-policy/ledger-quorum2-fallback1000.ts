// Known-wrong: for ledger, two follower copies with a 1,000 ms fallback to async, a round second "long
// enough never to fire": B answers in a few ms, but once B and C are slow for longer than a second,
// writes are acknowledged on the leader and A alone, and the zone failure then loses them.
import { asyncAck, quorum, semiSync, type AckPolicy } from "replication-lab";

export function chooseAckPolicy(service: "ledger" | "metrics" | "accounts"): AckPolicy {
  if (service === "ledger") return quorum(2, { fallbackAfterMs: 1000 });
  if (service === "metrics") return asyncAck();
  return semiSync();
}
