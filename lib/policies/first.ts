/**
 * PostgreSQL's priority list, `synchronous_standby_names = 'FIRST k (s1, s2, …)'`: the first k
 * listed standbys are synchronous, and a commit waits for each of them.
 */
import { checkOptions } from "../config/check";
import { ConfigError, checkInteger } from "../errors";
import { ackCommon, COMMON_KEYS, fixedRule, followerIndex, type AckCommon, type AckOptions, type AckPolicyKind } from "./rule";

export type FirstPolicy = { kind: "first"; k: number; standbys: string[] } & AckCommon;

/**
 * Wait for the first `k` followers of the priority list `standbys`, as PostgreSQL's
 * `FIRST k (s1, s2, …)` does. The model keeps every follower connected, so the first `k` listed
 * followers are the synchronous ones; if one of them is promoted, the next listed follower takes
 * its place (and any follower when the list runs out).
 *
 * @example firstOf(2, ["A", "B", "C"]) // PostgreSQL: FIRST 2 (A, B, C)
 */
export function firstOf(k: number, standbys: string[], o?: AckOptions): FirstPolicy {
  return firstKind.check({ ...o, kind: "first", k, standbys }, "ack");
}

export const firstKind: AckPolicyKind<FirstPolicy> = {
  kind: "first",
  check(raw, field) {
    checkOptions(field, raw, [...COMMON_KEYS, "k", "standbys"]);
    const standbys = raw.standbys;
    if (!Array.isArray(standbys) || standbys.length === 0) {
      throw new ConfigError(`${field}.standbys`, standbys, 'it must list followers in priority order, e.g. ["A", "B"]');
    }
    // A set, not indexOf: a list of 100,000 names took the check minutes.
    const listed = new Set<string>();
    standbys.forEach((name, i) => {
      if (typeof name !== "string" || name === "") throw new ConfigError(`${field}.standbys[${i}]`, name, 'it must be a follower\'s name, e.g. "A"');
      if (listed.has(name)) throw new ConfigError(`${field}.standbys[${i}]`, name, "each follower is listed once");
      listed.add(name);
    });
    const k = checkInteger(`${field}.k`, raw.k, 1, standbys.length);
    return { kind: "first", k, standbys: [...(standbys as string[])], ...ackCommon(raw, field) };
  },
  label: (p) => `FIRST ${p.k} (${p.standbys.join(", ")})`,
  needs: (p) => p.k,
  compile(p, names, field) {
    const priority = p.standbys.map((name, i) => followerIndex(names, name, `${field}.standbys[${i}]`));
    return fixedRule({ name: firstKind.label(p), common: p, needed: p.k, priority });
  },
};
