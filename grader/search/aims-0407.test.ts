/**
 * Cases added for exercises 04 and 07 against answers that had full marks:
 * - 04: accounts' edge moment (`edgeMomentOf`: no writes generated in A's last 10 ms down, so
 *   that A holds every write as it returns and is slowed from 500.001 ms) fails semi-sync with a
 *   fallback just under 450 ms on every seed. The worst moment (`worstMomentOf`) slows A from
 *   when it caught up, 0-4 ms after its return as the seed's delays have it, and caught such a
 *   fallback only on the seeds where A caught up fast enough. Fallbacks of 450 ms or more, which
 *   cannot fire before a crash the text allows, lose nothing there, and answers without a
 *   fallback have no edge moment. The search tries the edge where the worst moment exposes no
 *   write, so that it fails such a fallback under every secret too.
 * - 07: the hand-made link with a short spike on a slow link and a band narrower than a typical
 *   delay, and the aimed kind `SHORT_SPIKE_SLOW_LINK`, fail a silence that adds a typical delay
 *   to the spike (the middle of the band is then past the latest timeout) and a fixed margin of
 *   5 ms, on every link; no other hand-made link failed either. The reference and the
 *   alternatives pass them all.
 */
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { asyncAck, quorum, semiSync, simulate, type AckPolicy } from "../../lib";
import { crashRun, crashSearch, edgeMomentOf, judgeService, SERVICE_NAMES, SERVICES, worstMomentOf, type ServiceName } from "../exercises/04-choose-ack-policy.support";
import { AIMED_PROFILES, aimedProfile, HAND_MADE_LINKS, longestSilenceMs, type LinkProfile } from "../exercises/07-detector-timeout.support";
import { detectorFails } from "../fixtures/answers";

const root = join(__dirname, "..", "..");

describe("04: accounts' edge moment fails a fallback just under 450 ms on every seed", () => {
  const seeds = Array.from({ length: 8 }, (_, i) => (i * 2_654_435_761 + 5) % 0x7fffffff);
  const accounts = SERVICES.accounts;
  const failsAtEdge = (policy: AckPolicy, seed: number) => judgeService(accounts, policy, seed, () => {}, edgeMomentOf(accounts, policy, seed)) !== null;

  test.each([446, 448, 449, 449.5, 449.9])("semi-sync with a %s ms fallback", (ms) => {
    const policy = semiSync({ fallbackAfterMs: ms });
    expect(seeds.filter((seed) => !failsAtEdge(policy, seed))).toEqual([]);
  });

  test("450 and 1,000 ms: none, the fallback cannot fire before the crash window ends", () => {
    for (const ms of [450, 1000]) expect(seeds.filter((seed) => failsAtEdge(semiSync({ fallbackAfterMs: ms }), seed)), `${ms} ms`).toEqual([]);
  });

  test("A holds every write as it returns, and is slowed from then, in the very run the crash comes in", () => {
    const policy = semiSync({ fallbackAfterMs: 449 });
    for (const seed of seeds.slice(0, 4)) {
      const moment = edgeMomentOf(accounts, policy, seed)!;
      const aSlow = moment.faults!.find((f) => f.node === "A")!;
      expect(aSlow.fromMs).toBe(500.001);
      expect(moment.pauses).toEqual([{ fromMs: 490, toMs: 500.001 }]);
      const run = simulate(crashRun(accounts, policy, seed, moment.crashAtMs, moment.faults, moment.writes, moment.pauses));
      const a = run.followers.indexOf("A");
      for (let i = 0; i < run.writes.count; i++) if (run.writes.invokeMs[i] < 500) expect(run.writes.appliedMs[a][i], `seed ${seed}, write ${i}`).toBeLessThanOrEqual(500);
    }
  });

  test("the known-wrong 449.5 ms variant passes the public worst moment as it was, and fails at the edge", async () => {
    const { chooseAckPolicy } = (await import(join(root, "grader/variants/04-choose-ack-policy/accounts-semisync-fallback449-5.ts"))) as { chooseAckPolicy(s: ServiceName): AckPolicy };
    const policy = chooseAckPolicy("accounts");
    expect(judgeService(accounts, policy, 1, () => {}, worstMomentOf(accounts, policy, 1))).toBeNull();
    expect(failsAtEdge(policy, 1)).toBe(true);
  });

  test("the search tries the edge moment where the worst moment exposes no write: a 449.5 ms fallback fails it on any seed", () => {
    for (const seed of [7, 8]) {
      const search = crashSearch({ ledger: quorum(2), metrics: asyncAck(), accounts: semiSync({ fallbackAfterMs: 449.5 }) }, [seed], 9);
      const edges = search.first!.filter((k) => k.pauses?.[0]?.fromMs === 490);
      expect(edges.map((k) => k.service)).toEqual(["accounts"]);
      expect(search.judge(edges[0], () => {}), `seed ${seed}`).not.toBeNull();
    }
  });

  test("answers without a fallback (or with Infinity) have no edge moment, and ledger and metrics none at all", () => {
    for (const policy of [semiSync(), quorum(1, { on: "apply" }), semiSync({ fallbackAfterMs: Infinity })]) expect(edgeMomentOf(accounts, policy, 7)).toBeUndefined();
    for (const name of SERVICE_NAMES.filter((n) => n !== "accounts")) {
      for (const policy of [quorum(2, { fallbackAfterMs: 650 }), asyncAck()]) expect(edgeMomentOf(SERVICES[name], policy, 7)).toBeUndefined();
    }
  });
});

describe("07: a short spike on a slow link, with a band narrower than a typical delay", () => {
  const label = "a short spike on a slow link, with a band narrower than a typical delay";
  const link = HAND_MADE_LINKS.find((k) => k.label === label)!.profile;
  const others = HAND_MADE_LINKS.filter((k) => k.label !== label).map((k) => k.profile);
  // The kind just before the last (the last is `SPIKE_TIGHT_LINK`).
  const kind = AIMED_PROFILES.length - 2;
  const seeds = Array.from({ length: 24 }, (_, i) => i * AIMED_PROFILES.length + kind);
  const bandMs = (p: LinkProfile) => p.outageBudgetMs - 4 * p.typicalDelayMs - longestSilenceMs(p);

  test("the aimed kind's links: the spike at least the pause and the slowest delay after waking, a band under 5 ms and a typical delay, at least a tenth of the silence", () => {
    for (const p of [link, ...seeds.map(aimedProfile)]) {
      expect(p.spikeDelayMs, JSON.stringify(p)).toBeGreaterThanOrEqual(p.gcPauseMs + 4 * p.typicalDelayMs);
      expect(bandMs(p), JSON.stringify(p)).toBeLessThan(Math.min(5, p.typicalDelayMs));
      expect(bandMs(p), JSON.stringify(p)).toBeGreaterThanOrEqual(0.1 * longestSilenceMs(p) - 1e-9);
    }
  });

  test.each(["grader/variants/07-detector-timeout/spike-plus-typical-delay.ts", "grader/variants/07-detector-timeout/silence-plus-five.ts"])(
    "%s fails the hand-made link and every link of the aimed kind, and no other hand-made link",
    async (file) => {
      const fail = await detectorFails(join(root, file));
      expect(fail(link)).toBe(true);
      expect(seeds.filter((seed) => !fail(aimedProfile(seed)))).toEqual([]);
      expect(others.filter(fail)).toEqual([]);
    },
  );

  test.each([
    "solutions/07-detector-timeout.ts",
    "grader/alternatives/07-detector-timeout/latest-safe-timeout.ts",
    "grader/alternatives/07-detector-timeout/silence-plus-margin.ts",
  ])("%s passes the hand-made link and every link of the aimed kind", async (file) => {
    const fail = await detectorFails(join(root, file));
    expect(fail(link)).toBe(false);
    expect(seeds.filter((seed) => fail(aimedProfile(seed)))).toEqual([]);
  });
});
