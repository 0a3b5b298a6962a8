// Known-wrong: for accounts, waits for follower B with a 10 ms fallback to async. Through A's
// maintenance B answers in time; through B's own, every write falls back to async, and a leader
// crash then loses what B never got.
import { asyncAck, quorum, semiSync, type AckPolicy } from "replication-lab";

export function chooseAckPolicy(service: "ledger" | "metrics" | "accounts"): AckPolicy {
  if (service === "ledger") return quorum(2);
  if (service === "metrics") return asyncAck();
  return semiSync({ follower: "B", fallbackAfterMs: 10 });
}
