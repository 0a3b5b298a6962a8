// Known-wrong: for accounts, any one follower with a 445 ms fallback to async, reasoned as "A is
// slow at most from its return at 500 ms, plus a few ms to catch up, until B's crash window ends
// at 950 ms". A catches up within a millisecond or two: slowed from then, with a write sent as it
// starts, the fallback fires at about 946 ms, inside B's crash window, and a crash loses the write.
import { asyncAck, quorum, semiSync, type AckPolicy } from "replication-lab";

export function chooseAckPolicy(service: "ledger" | "metrics" | "accounts"): AckPolicy {
  if (service === "ledger") return quorum(2);
  if (service === "metrics") return asyncAck();
  return semiSync({ fallbackAfterMs: 445 });
}
