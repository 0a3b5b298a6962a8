/**
 * Exercise 06: retried writes. The current leader's write sent twice is accepted both times, and a
 * deposed leader's write that repeats the value its key holds is rejected. Before these cases
 * every stream's values were all distinct, and a store that decides by the value (a duplicate
 * refused, a harmless repeat let through) had full marks. Each such variant now fails the public
 * hand-made retry stream and every random one-store stream (public and hidden seeds alike); the
 * right answers fail none. One more hand-made stream has keys that differ only in case or spaces
 * (a store that folds keys to lower case had full marks).
 *
 * Exercise 03: audit reads just after an entry (below).
 */
import { join } from "node:path";
import { describe, expect, test, vi } from "vitest";
import { HAND_CASES, RANDOM_STREAMS, expectedOutcomes, judgeStreams, streamSteps, type TokenWrite } from "../exercises/06-fencing.support";
import { rightAnswers, ROOT } from "../fixtures/answers";
import type { StepResults } from "../student";

const FENCING = "06-fencing";

type Store = { write(token: number, key: string, value: string): unknown; read(key: string): unknown };

/** The answers of a freshly loaded `file` to the steps of `writes`, asked in this process as the sandbox asks them. */
async function answersOf(file: string, writes: readonly TokenWrite[]): Promise<StepResults> {
  vi.resetModules();
  const { createFencedStore } = (await import(file)) as { createFencedStore(): Store };
  const stores = new Map<string, Store>();
  const values: StepResults["values"] = [];
  for (const step of streamSteps(writes)) {
    if ("call" in step) {
      const made = createFencedStore();
      stores.set(step.keep!, made);
      values.push(made as never);
    } else {
      const store = stores.get(step.invoke)! as unknown as Record<string, (...a: unknown[]) => unknown>;
      values.push(store[step.method](...step.args) as never);
    }
  }
  return { values, argsAfter: [] };
}

const broken = async (file: string, writes: readonly TokenWrite[]) => judgeStreams(writes, await answersOf(file, writes));

/** Seeds of the one-store kind of random stream (`turnOf(seed, 2) === 0`). */
const ONE_STORE_SEEDS = Array.from({ length: 40 }, (_, i) => 2 * (i * 104_729 + 17));
const RETRY_CASE = HAND_CASES.find((k) => k.label.startsWith("a retried write"))!.writes;

describe("06: writes sent twice", () => {
  test.each(["deposed-retry-of-stored-value", "duplicate-write-rejected"])("variant %s fails the hand-made retry stream and every one-store random stream", async (name) => {
    const file = join(ROOT, "grader", "variants", FENCING, `${name}.ts`);
    expect(await broken(file, RETRY_CASE)).not.toBeNull();
    const passed: number[] = [];
    for (const seed of ONE_STORE_SEEDS) if ((await broken(file, RANDOM_STREAMS[0](seed))) === null) passed.push(seed);
    expect(passed).toEqual([]);
  });

  const right = rightAnswers(FENCING);
  test.each(right)("right answer %s passes them", async (file) => {
    expect(await broken(file, RETRY_CASE)).toBeNull();
    for (const seed of ONE_STORE_SEEDS) expect(await broken(file, RANDOM_STREAMS[0](seed)), `seed ${seed}`).toBeNull();
  });

  test("variant keys-folded-to-lower-case fails the hand-made stream of keys that differ in case or spaces; the right answers pass it", async () => {
    const writes = HAND_CASES.find((k) => k.label === "keys are compared exactly: case and spaces make another key")!.writes;
    expect(await broken(join(ROOT, "grader", "variants", FENCING, "keys-folded-to-lower-case.ts"), writes)).not.toBeNull();
    for (const file of right) expect(await broken(file, writes)).toBeNull();
  });

  test("each one-store random stream ends with a repeat of its last accepted write and a deposed write of a value its key holds", () => {
    for (const seed of ONE_STORE_SEEDS) {
      const writes = RANDOM_STREAMS[0](seed);
      const ok = expectedOutcomes(writes);
      const [retry, , deposed] = writes.slice(-3);
      expect(ok.slice(-3), `seed ${seed}`).toEqual([true, true, false]);
      expect(writes.slice(0, -3).some((w) => w.token === retry.token && w.key === retry.key && w.value === retry.value)).toBe(true);
      const stored = writes.slice(0, -1).filter((_, i) => ok[i] && writes[i].key === deposed.key).pop();
      expect(stored?.value).toBe(deposed.value);
    }
  });
});

/**
 * Audit reads just after each audit entry is acknowledged in exercise 03 (`AUDIT_EDGE_READS_MS`):
 * there no follower has the entry yet, and one a fraction of a millisecond behind is within any
 * staleness bound. An audit routed by a bound of a millisecond or two met such a moment only when
 * a random audit read happened to follow an entry closely: half a millisecond had full marks, one
 * lost points under some secrets only.
 */
describe("03: audit reads just after an entry", async () => {
  const registry = await import("../exercises/03-model-registry.support");
  const { OPERATIONS, readPolicy, judgeRegistry } = registry;
  type Operation = (typeof OPERATIONS)[number];
  const REGISTRY = "03-model-registry";
  const policiesOf = async (file: string) => {
    const { choosePolicy } = (await import(file)) as { choosePolicy(op: Operation): never };
    return Object.fromEntries(
      OPERATIONS.map((op) => {
        const answer = choosePolicy(op) as { routing: unknown; reason: unknown };
        const p = typeof answer.routing === "function" ? answer : readPolicy(op, answer as never);
        if ("rule" in p) throw new Error(`${file}: ${p.rule}`);
        return [op, p];
      }),
    ) as Parameters<typeof judgeRegistry>[1];
  };
  /** Twelve seeds of the hidden test's slow-spell run, judged on `which`: the seeds whose run breaks a rule. */
  const failing = async (file: string, which: Parameters<typeof judgeRegistry>[2]) => {
    const policies = await policiesOf(file);
    const out: number[] = [];
    for (let i = 0; i < 12; i++) {
      const seed = (i * 48_271 + 5) % 0x7fffffff;
      if ((await judgeRegistry(seed, policies, which, () => {}, null as never, undefined)) !== null) out.push(seed);
    }
    return out;
  };

  test("a staleness bound of half a millisecond for audits misses an entry on every seed", async () => {
    expect(await failing(join(ROOT, "grader", "variants", REGISTRY, "audit-tiny-staleness-bound.ts"), ["audit"])).toHaveLength(12);
  });

  test.each(rightAnswers(REGISTRY))("right answer %s keeps every invariant, the leader budget included", async (file) => {
    expect(await failing(file, registry.ALL_INVARIANTS)).toEqual([]);
  });

  test("every run, slow spell or trailing, has the auditor read the log 0.05 ms after each audit entry", () => {
    for (const run of [undefined, { ms: 70, followers: 2 as const }]) {
      const script = registry.registryConfig(7, () => "L", run).workload?.script ?? [];
      const entries = script.filter((op) => op.kind === "write" && op.key.endsWith(":audit") && op.label !== undefined).map((op) => op.label);
      const edge = script.filter((op) => op.kind === "read" && op.client === "auditor" && op.afterOp !== undefined);
      expect(entries.length).toBeGreaterThan(10);
      expect(edge.map((op) => [op.afterOp, op.atMs])).toEqual(entries.map((label) => [label, 0.05]));
    }
  });
});
