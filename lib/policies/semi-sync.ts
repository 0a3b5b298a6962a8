/** Semi-synchronous replication: wait for one follower, any one or a named one (MySQL semi-sync). */
import { checkOptions } from "../config/check";
import { ConfigError } from "../errors";
import { ackCommon, COMMON_KEYS, fixedRule, followerIndex, type AckCommon, type AckOptions, type AckPolicyKind } from "./rule";

export type SemiSyncPolicy = { kind: "semi-sync"; follower?: string } & AckCommon;

/** Wait for one follower: any one, or the named one (`{ follower: "A" }`). */
export function semiSync(o?: AckOptions & { follower?: string }): SemiSyncPolicy {
  return semiSyncKind.check({ ...o, kind: "semi-sync" }, "ack");
}

export const semiSyncKind: AckPolicyKind<SemiSyncPolicy> = {
  kind: "semi-sync",
  check(raw, field) {
    checkOptions(field, raw, [...COMMON_KEYS, "follower"]);
    const p: SemiSyncPolicy = { kind: "semi-sync", ...ackCommon(raw, field) };
    if (raw.follower !== undefined) {
      if (typeof raw.follower !== "string" || raw.follower === "") {
        throw new ConfigError(`${field}.follower`, raw.follower, 'it must be a follower\'s name, e.g. "A"');
      }
      p.follower = raw.follower;
    }
    return p;
  },
  label: (p) => (p.follower ? `semi-sync(${p.follower})` : "semi-sync"),
  needs: (_, followers) => Math.min(1, followers),
  compile(p, names, field) {
    const followers = names.length - 1;
    if (followers === 0) throw new ConfigError(field, "semi-sync", "semi-sync needs at least 1 follower, got 0");
    // A named follower is a priority list of one: PostgreSQL's FIRST 1 (A). Should it be promoted,
    // the list runs short and any one follower's confirmation counts.
    const priority = p.follower === undefined ? undefined : [followerIndex(names, p.follower, `${field}.follower`)];
    return fixedRule({ name: semiSyncKind.label(p), common: p, needed: semiSyncKind.needs(p, followers), priority });
  },
};
