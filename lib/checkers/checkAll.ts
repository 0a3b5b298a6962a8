/**
 * The registry of checkers: every checker once, with what it judges. `checkAll`, the scenarios'
 * per-purpose tallies and the charts all find checkers here. A new checker is its own file plus
 * one entry in `REGISTRY`.
 */
import { ConfigError } from "../errors";
import type { History, Violation } from "../history";
import { consistentPrefix } from "./consistentPrefix";
import { lostWrites } from "./lostWrites";
import { monotonicReads } from "./monotonicReads";
import { permissionLag } from "./permissionLag";
import { readYourWrites } from "./readYourWrites";
import { splitBrain } from "./splitBrain";
import { staleReads } from "./staleReads";
import { writeOrder, type WriteOrder } from "./writeOrder";

/** A checker: the violations of one guarantee in a history (`order` shares one ranking of its writes). */
export type Checker = (h: History, order?: WriteOrder) => Violation[];

interface Entry {
  check: Checker;
  /**
   * What a violation is about. "reads": its first op is the read that broke the guarantee, so the
   * violation can be charged to that read (and its purpose); "writes": it is about writes.
   */
  judges: "reads" | "writes";
}

const REGISTRY = {
  staleReads: { check: staleReads, judges: "reads" },
  readYourWrites: { check: readYourWrites, judges: "reads" },
  monotonicReads: { check: monotonicReads, judges: "reads" },
  consistentPrefix: { check: consistentPrefix, judges: "reads" },
  lostWrites: { check: lostWrites, judges: "writes" },
  splitBrain: { check: splitBrain, judges: "writes" },
  permissionLag: { check: permissionLag, judges: "reads" },
} as const satisfies Record<string, Entry>;

export type CheckerName = keyof typeof REGISTRY;

/** Every checker, by the name it is exported under. */
export const CHECKERS = Object.fromEntries(Object.entries(REGISTRY).map(([name, e]) => [name, e.check])) as {
  readonly [K in CheckerName]: (typeof REGISTRY)[K]["check"];
};

const NAMES = Object.keys(REGISTRY) as CheckerName[];

/** The violations each checker found, keyed by checker name: `checkAll(h).staleReads.length`. */
export type CheckSummary = Record<CheckerName, Violation[]>;

/** Runs every checker over one history, ranking its writes once for all of them. */
export function checkAll(h: History): CheckSummary {
  const order = writeOrder(h);
  const summary = {} as CheckSummary;
  for (const name of NAMES) summary[name] = REGISTRY[name].check(h, order);
  return summary;
}

/** The names of the checkers whose violations are charged to a read. */
export function readCheckerNames(): CheckerName[] {
  return NAMES.filter((name) => REGISTRY[name].judges === "reads");
}

/** The read checker called `name`; a ConfigError naming `field` for any other name. */
export function readChecker(name: string, field: string): Checker {
  const names = readCheckerNames();
  if (!(names as string[]).includes(name)) throw new ConfigError(field, name, `it must name a read checker: ${names.join(", ")}`);
  return REGISTRY[name as CheckerName].check;
}
