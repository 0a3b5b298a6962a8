/**
 * Acknowledgement policies: when the leader tells a client its write is committed.
 *
 * Named as the lesson and real databases name them. Every policy first waits for the leader's own
 * local commit; the synchronous ones then also wait for followers. A policy is plain data made by
 * its helper (`quorum(2)`); `compileAck` turns it into the rule the simulation consults.
 *
 * A new policy is one file beside these (its data type, its helper, and an `AckPolicyKind` that
 * names, counts and compiles it), plus its entry in `KINDS` and `AckPolicy` below.
 */
import { ConfigError } from "../errors";
import { asyncKind, type AsyncPolicy } from "./async";
import { firstKind, type FirstPolicy } from "./first";
import { quorumKind, type QuorumPolicy } from "./quorum";
import type { AckPolicyKind, AckRule } from "./rule";
import { semiSyncKind, type SemiSyncPolicy } from "./semi-sync";
import { syncAllKind, type SyncAllPolicy } from "./sync-all";

export { asyncAck } from "./async";
export { semiSync } from "./semi-sync";
export { quorum } from "./quorum";
export { syncAll } from "./sync-all";
export { firstOf } from "./first";
export type { AsyncPolicy, FirstPolicy, QuorumPolicy, SemiSyncPolicy, SyncAllPolicy };
export { CONFIRM_STEPS, type AckFallback, type AckOn, type AckOptions, type AckRule, type ConfirmStep, type Membership } from "./rule";

export type AckPolicy = AsyncPolicy | SemiSyncPolicy | QuorumPolicy | SyncAllPolicy | FirstPolicy;

const KINDS: readonly AckPolicyKind<AckPolicy>[] = [asyncKind, semiSyncKind, quorumKind, syncAllKind, firstKind] as AckPolicyKind<never>[];

/** The helpers' names, for error messages. */
const HELPERS = "asyncAck(), semiSync(), quorum(k), syncAll() or firstOf(k, [names])";

function kindOf(p: AckPolicy): AckPolicyKind<AckPolicy> {
  const found = KINDS.find((k) => k.kind === p.kind);
  if (found === undefined) throw new ConfigError("ack", p, `it must be ${HELPERS}`);
  return found;
}

/** True for a value shaped like an acknowledgement policy (an object whose kind is a policy's). */
export function isAckPolicy(value: unknown): value is AckPolicy {
  return value !== null && typeof value === "object" && KINDS.some((k) => k.kind === (value as { kind?: unknown }).kind);
}

/** A short name for tables and legends, e.g. "quorum(2)" or "semi-sync(A)". */
export function policyName(p: AckPolicy): string {
  const suffix = (p.on !== "receive" ? `, on ${p.on}` : "") + (p.fallbackAfterMs !== undefined ? `, fallback ${p.fallbackAfterMs} ms` : "");
  const base = kindOf(p).label(p);
  return suffix ? `${base}${suffix.replace(/^, /, " [")}]` : base;
}

/** How many follower acknowledgements the policy needs with `n` followers (named semi-sync counts as 1). */
export function acksNeeded(p: AckPolicy, n: number): number {
  return kindOf(p).needs(p, n);
}

/**
 * Checks a policy given as data, whether its helper made it or it was written by hand, exactly as
 * the helper checks its arguments; returns it complete (defaults filled in). A ConfigError names
 * `field` (default "ack").
 */
export function checkAckPolicy(p: unknown, field = "ack"): AckPolicy {
  if (!isAckPolicy(p)) throw new ConfigError(field, p, `it must be ${HELPERS}`);
  return kindOf(p).check(p as unknown as Record<string, unknown>, field);
}

/**
 * Checks `p` (see `checkAckPolicy`) and checks it against the cluster's node names (`names[0]` is
 * the initial leader), then compiles it into the rule the simulation runs. Throws a ConfigError
 * naming `field` (default "ack").
 */
export function compileAck(p: AckPolicy, names: readonly string[], field = "ack"): AckRule {
  const checked = checkAckPolicy(p, field);
  const rule = kindOf(checked).compile(checked, names, field);
  // Field by field rather than by spreading: every rule then has one shape, so the engines' code
  // that reads it stays optimised from one policy to the next (a spread copy can take a new shape).
  return { name: policyName(checked), confirmStep: rule.confirmStep, priority: rule.priority, neededAtStart: rule.neededAtStart, needed: rule.needed, fallback: rule.fallback };
}
