import { describe, expect, it } from "vitest";
import { transientReason, withRetries } from "./retry";

describe("transientReason", () => {
  it("recognises what a busy machine makes fail once", () => {
    expect(transientReason(new Error("pg_basebackup: error: ERROR:  requested WAL segment 000000010000000000000002 has already been removed"))).toMatch(/recycled WAL/);
    expect(transientReason(new Error("LOG:  could not bind IPv4 address \"127.0.0.1\": Address already in use"))).toMatch(/port/);
    expect(transientReason(new Error("pg_ctl: server did not start in time"))).toMatch(/slow/);
    expect(transientReason(new Error("connect ECONNREFUSED 127.0.0.1:5432"))).toMatch(/refused/);
  });

  it("leaves alone what would fail the same way again", () => {
    expect(transientReason(new Error("initdb: error: could not create directory \"/x\": Permission denied"))).toBeNull();
    expect(transientReason(new Error("spawn runuser ENOENT"))).toBeNull();
  });
});

describe("withRetries", () => {
  it("tries a transient failure again, says so, and cleans up in between", async () => {
    const lines: string[] = [];
    let cleaned = 0;
    const result = await withRetries(
      "copying the primary",
      async (attempt) => {
        if (attempt < 3) throw new Error("requested WAL segment 0001 has already been removed");
        return attempt;
      },
      { attempts: 3, log: (l) => lines.push(l), cleanUp: () => void cleaned++ },
    );
    expect(result).toBe(3);
    expect(cleaned).toBe(2);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/copying the primary failed \(the primary recycled WAL.*\); trying again, 2 of 3/);
  });

  it("gives up after the last try, naming the step and the number of tries", async () => {
    const run = withRetries("starting s1", async () => Promise.reject(new Error("server did not start in time")), { attempts: 2, log: () => undefined });
    await expect(run).rejects.toThrow(/^starting s1 failed \(after 2 tries\): server did not start in time/);
  });

  it("does not try again what is not transient", async () => {
    let tries = 0;
    const run = withRetries(
      "initdb",
      async () => {
        tries++;
        throw new Error("Permission denied");
      },
      { attempts: 3, log: () => undefined },
    );
    await expect(run).rejects.toThrow(/^initdb failed: Permission denied/);
    expect(tries).toBe(1);
  });
});
