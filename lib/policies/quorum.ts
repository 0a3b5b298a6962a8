/** Quorum acknowledgement: wait for any k followers (PostgreSQL's `ANY k (…)`). */
import { checkOptions } from "../config/check";
import { ConfigError, checkInteger } from "../errors";
import { ackCommon, COMMON_KEYS, fixedRule, type AckCommon, type AckOptions, type AckPolicyKind } from "./rule";

export type QuorumPolicy = { kind: "quorum"; k: number } & AckCommon;

/** Wait for any `k` followers. */
export function quorum(k: number, o?: AckOptions): QuorumPolicy {
  return quorumKind.check({ ...o, kind: "quorum", k }, "ack");
}

export const quorumKind: AckPolicyKind<QuorumPolicy> = {
  kind: "quorum",
  check(raw, field) {
    checkOptions(field, raw, [...COMMON_KEYS, "k"]);
    return { kind: "quorum", k: checkInteger(`${field}.k`, raw.k, 0), ...ackCommon(raw, field) };
  },
  label: (p) => `quorum(${p.k})`,
  needs: (p) => p.k,
  compile(p, names, field) {
    const followers = names.length - 1;
    if (p.k > followers) throw new ConfigError(field, `quorum(${p.k})`, `quorum(${p.k}) needs at least ${p.k} followers, got ${followers}`);
    return fixedRule({ name: quorumKind.label(p), common: p, needed: p.k });
  },
};
