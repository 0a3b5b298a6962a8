// Correct alternative: the reference's policies with `fallbackAfterMs: Infinity` where no write may
// be lost, spelling out "wait as long as it takes" (a fallback that is never due is no fallback).
import { asyncAck, quorum, semiSync, type AckPolicy } from "replication-lab";

export function chooseAckPolicy(service: "ledger" | "metrics" | "accounts"): AckPolicy {
  if (service === "ledger") return quorum(2, { fallbackAfterMs: Infinity });
  if (service === "metrics") return asyncAck();
  return semiSync({ fallbackAfterMs: Infinity });
}
