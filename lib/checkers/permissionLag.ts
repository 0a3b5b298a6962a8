import type { History, Violation } from "../history";
import { readsBehindAcknowledged } from "./behindAcknowledged";
import { byTime, ms, quote } from "./describe";
import { writeOrder, type WriteOrder } from "./writeOrder";

/** The `purpose` of a read that decides whether an action is allowed. */
export const CHECK_PERMISSION = "check-permission";
/** Values of a permission key that allow the action. */
export const PERMISSION_GRANTS: readonly string[] = ["granted", "allow"];
/** Values of a permission key that forbid it. */
export const PERMISSION_REVOCATIONS: readonly string[] = ["revoked", "deny"];

/**
 * Permission lag: an action was allowed after its permission had been revoked. A read with
 * `purpose: "check-permission"` returned a granting value although a revoking write to that key,
 * newer than the grant it returned, had been acknowledged at or before the read was invoked
 * (the lesson's revoked user whose request hits a lagging replica).
 *
 * Conventions: a permission key names the user and the action, `perm:<user>:<action>` (e.g.
 * `perm:alice:delete`); its values are "granted" or "revoked" ("allow" and "deny" are accepted
 * too, see PERMISSION_GRANTS and PERMISSION_REVOCATIONS). Any other value, and "no value", deny
 * nothing and grant nothing, so they are never reported. If the newest acknowledged write is a
 * re-grant, an old grant is a stale read (see `staleReads`) but no permission lag. Ops: [the
 * permission check, the revocation, the grant it saw].
 *
 * `order` is `writeOrder(h)`; pass it to share one between several checkers, as checkAll does.
 */
export function permissionLag(h: History, order: WriteOrder = writeOrder(h)): Violation[] {
  const violations: Violation[] = [];
  for (const { read, seen, newest } of readsBehindAcknowledged(h, order, false)) {
    if (read.purpose !== CHECK_PERMISSION || seen.value === null) continue;
    if (!PERMISSION_GRANTS.includes(seen.value) || !PERMISSION_REVOCATIONS.includes(newest.value)) continue;
    violations.push({
      guarantee: "permission-lag",
      ops: [read.id, newest.id, seen.writeId],
      atMs: read.invokeMs,
      message:
        `${who(seen.key, read.client)} was allowed at ${ms(read.invokeMs)}: check ${read.id} on node ${seen.node} ` +
        `saw ${seen.key} = ${quote(seen.value)} (write ${seen.writeId}), but the revocation (write ${newest.id}) ` +
        `was acknowledged at ${ms(newest.completeMs)}`,
    });
  }
  return byTime(violations);
}

/** `alice's "delete"` for perm:alice:delete; otherwise the client's check of the key. */
function who(key: string, client: string): string {
  const parts = key.split(":");
  if (parts.length === 3 && parts[0] === "perm") return `${parts[1]}'s ${JSON.stringify(parts[2])}`;
  return `${client}'s action guarded by ${key}`;
}
