/** Asynchronous replication: acknowledge after the leader's own commit; followers catch up later. */
import { checkOptions } from "../config/check";
import { ackCommon, COMMON_KEYS, fixedRule, type AckCommon, type AckOptions, type AckPolicyKind } from "./rule";

export type AsyncPolicy = { kind: "async" } & AckCommon;

/** Acknowledge after the leader's local commit; followers catch up later. Fast, but a failover can lose writes. */
export function asyncAck(o?: AckOptions): AsyncPolicy {
  return asyncKind.check({ ...o, kind: "async" }, "ack");
}

export const asyncKind: AckPolicyKind<AsyncPolicy> = {
  kind: "async",
  check(raw, field) {
    checkOptions(field, raw, COMMON_KEYS);
    return { kind: "async", ...ackCommon(raw, field) };
  },
  label: () => "async",
  needs: () => 0,
  compile: (p, names) => fixedRule({ name: "async", common: p, needed: asyncKind.needs(p, names.length - 1) }),
};
