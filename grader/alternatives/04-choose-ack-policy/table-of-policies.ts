// Correct alternative: a table; ledger's quorum of two counts applied copies, accounts' one copy is a quorum of one.
import { asyncAck, quorum, type AckPolicy } from "replication-lab";

const POLICIES: Record<"ledger" | "metrics" | "accounts", AckPolicy> = {
  ledger: quorum(2, { on: "apply" }),
  metrics: asyncAck(),
  accounts: quorum(1),
};

export function chooseAckPolicy(service: "ledger" | "metrics" | "accounts"): AckPolicy {
  return POLICIES[service];
}
