/** Asynchronous replication: acknowledge after the leader's own commit; followers catch up later. */
import { ackCommon, fixedRule, type AckCommon, type AckOptions, type AckPolicyKind } from "./rule";

export type AsyncPolicy = { kind: "async" } & AckCommon;

/** Acknowledge after the leader's local commit; followers catch up later. Fast, but a failover can lose writes. */
export function asyncAck(o?: AckOptions): AsyncPolicy {
  return { kind: "async", ...ackCommon(o, "ack") };
}

export const asyncKind: AckPolicyKind<AsyncPolicy> = {
  kind: "async",
  label: () => "async",
  needs: () => 0,
  compile: (p, names) => fixedRule({ name: "async", common: p, needed: asyncKind.needs(p, names.length - 1) }),
};
