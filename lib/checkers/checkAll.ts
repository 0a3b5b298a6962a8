import type { History, Violation } from "../history";
import { consistentPrefix } from "./consistentPrefix";
import { lostWrites } from "./lostWrites";
import { monotonicReads } from "./monotonicReads";
import { permissionLag } from "./permissionLag";
import { readYourWrites } from "./readYourWrites";
import { splitBrain } from "./splitBrain";
import { staleReads } from "./staleReads";
import { writeOrder } from "./writeOrder";

/** Every checker, by the name it is exported under. */
export const CHECKERS = {
  staleReads,
  readYourWrites,
  monotonicReads,
  consistentPrefix,
  lostWrites,
  splitBrain,
  permissionLag,
} as const;

export type CheckerName = keyof typeof CHECKERS;

/** The violations each checker found, keyed by checker name: `checkAll(h).staleReads.length`. */
export type CheckSummary = Record<CheckerName, Violation[]>;

/** Runs every checker over one history, ranking its writes once for all of them. */
export function checkAll(h: History): CheckSummary {
  const order = writeOrder(h);
  const summary = {} as CheckSummary;
  for (const name of Object.keys(CHECKERS) as CheckerName[]) summary[name] = CHECKERS[name](h, order);
  return summary;
}
