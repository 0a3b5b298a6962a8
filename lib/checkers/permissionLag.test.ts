import { describe, expect, it } from "vitest";
import { HistoryBuilder } from "./historyBuilder";
import { permissionLag } from "./permissionLag";

/** An admin grants alice "delete", then revokes it; the revocation is acknowledged at 10 ms. */
function revocation(): { b: HistoryBuilder; grant: number; revoke: number } {
  const b = new HistoryBuilder();
  const grant = b.write({ client: "admin", key: "perm:alice:delete", value: "granted", invokeMs: 0, ackMs: 1 });
  const revoke = b.write({ client: "admin", key: "perm:alice:delete", value: "revoked", invokeMs: 8, ackMs: 10 });
  return { b, grant, revoke };
}

describe("permissionLag", () => {
  it("finds the permission check that allowed an action after its revocation was acknowledged", () => {
    const { b, grant, revoke } = revocation();
    const check = b.read({ client: "app", invokeMs: 15, node: "C", purpose: "check-permission", sees: { "perm:alice:delete": grant } });
    expect(permissionLag(b.build())).toEqual([
      {
        guarantee: "permission-lag",
        ops: [check, revoke, grant],
        atMs: 15,
        message:
          'alice\'s "delete" was allowed at 15 ms: check 2 on node C saw perm:alice:delete = "granted" (write 0), but the revocation (write 1) was acknowledged at 10 ms',
      },
    ]);
  });

  it("reports nothing for an empty history", () => {
    expect(permissionLag(new HistoryBuilder().build())).toEqual([]);
  });

  it("reports nothing when the check sees the revocation or runs before it is acknowledged", () => {
    const { b, grant, revoke } = revocation();
    b.read({ client: "app", invokeMs: 9, node: "C", purpose: "check-permission", sees: { "perm:alice:delete": grant } });
    b.read({ client: "app", invokeMs: 15, purpose: "check-permission", sees: { "perm:alice:delete": revoke } });
    expect(permissionLag(b.build())).toEqual([]);
  });

  it("only judges reads made to check a permission", () => {
    const { b, grant } = revocation();
    b.read({ client: "app", invokeMs: 15, node: "C", sees: { "perm:alice:delete": grant } });
    expect(permissionLag(b.build())).toEqual([]);
  });

  it("does not call an old grant lag when the permission was granted again since", () => {
    const { b, grant } = revocation();
    b.write({ client: "admin", key: "perm:alice:delete", value: "granted", invokeMs: 11, ackMs: 12 });
    b.read({ client: "app", invokeMs: 15, node: "C", purpose: "check-permission", sees: { "perm:alice:delete": grant } });
    expect(permissionLag(b.build())).toEqual([]);
  });

  it("accepts allow and deny as values, and names the client for keys without the perm: convention", () => {
    const b = new HistoryBuilder();
    const allow = b.write({ client: "admin", key: "acl/doc7", value: "allow", invokeMs: 0, ackMs: 1 });
    b.write({ client: "admin", key: "acl/doc7", value: "deny", invokeMs: 2, ackMs: 3 });
    b.read({ client: "bob", invokeMs: 4, node: "A", purpose: "check-permission", sees: { "acl/doc7": allow } });
    expect(permissionLag(b.build()).map((v) => v.message)).toEqual([
      'bob\'s action guarded by acl/doc7 was allowed at 4 ms: check 2 on node A saw acl/doc7 = "allow" (write 0), but the revocation (write 1) was acknowledged at 3 ms',
    ]);
  });

  it("never treats a missing permission as a grant", () => {
    const { b } = revocation();
    b.read({ client: "app", invokeMs: 15, node: "D", purpose: "check-permission", sees: { "perm:alice:delete": null } });
    expect(permissionLag(b.build())).toEqual([]);
  });
});
