// Known-wrong: for accounts, any one follower with a 200 ms fallback to async, "long enough never to
// fire": it never fires while the follower that is up answers in a millisecond, but once that
// follower is slow for longer, writes are acknowledged on the leader alone, and a leader crash then
// loses them.
import { asyncAck, quorum, semiSync, type AckPolicy } from "replication-lab";

export function chooseAckPolicy(service: "ledger" | "metrics" | "accounts"): AckPolicy {
  if (service === "ledger") return quorum(2);
  if (service === "metrics") return asyncAck();
  return semiSync({ fallbackAfterMs: 200 });
}
