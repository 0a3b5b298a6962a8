/** The reads' section of the configuration: generated reads and where they are routed. */
import { checkNumber } from "../errors";
import { checkRouting } from "../reads";
import { checkOptionalOptions } from "./check";
import { MAX_RATE_PER_SEC } from "./workload";
import type { Normalized, SimConfig } from "./types";

const READS_KEYS = ["readsPerSec", "routing", "ownKeyShare"] as const;

export function normalizeReads(c: SimConfig): Normalized["reads"] {
  checkOptionalOptions("reads", c.reads, READS_KEYS);
  const r = c.reads ?? {};
  const readsPerSec =
    r.readsPerSec === undefined ? 0 : checkNumber("reads.readsPerSec", r.readsPerSec, 0, MAX_RATE_PER_SEC, `it must be a rate >= 0 reads per second, at most ${MAX_RATE_PER_SEC}`);
  const ownKeyShare = r.ownKeyShare === undefined ? 0.5 : checkNumber("reads.ownKeyShare", r.ownKeyShare, 0, 1);
  const routing = r.routing === undefined ? undefined : checkRouting(r.routing, "reads.routing");
  return { readsPerSec, routing, ownKeyShare };
}
