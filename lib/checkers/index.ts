// Anomaly checkers: pure functions from a History to the violations of one guarantee each.
export { staleReads } from "./staleReads";
// The read-your-writes routing policy (../reads) already owns the name `readYourWrites` in the
// package; the checker is reachable as `readYourWritesViolations`, `CHECKERS.readYourWrites` and
// `checkAll(h).readYourWrites`.
export { readYourWrites as readYourWritesViolations } from "./readYourWrites";
export { monotonicReads } from "./monotonicReads";
export { consistentPrefix } from "./consistentPrefix";
export { lostWrites } from "./lostWrites";
export { splitBrain } from "./splitBrain";
export { permissionLag, CHECK_PERMISSION, PERMISSION_GRANTS, PERMISSION_REVOCATIONS } from "./permissionLag";
export { checkAll, CHECKERS, readCheckerNames, type Checker, type CheckerName, type CheckSummary } from "./checkAll";
export { explainViolations } from "./explainViolations";
export { InvalidHistoryError } from "./invalidHistory";
export { writeOrder, type WriteOrder } from "./writeOrder";
export { HistoryBuilder, type WriteSpec, type ReadSpec, type SeenSpec } from "./historyBuilder";
