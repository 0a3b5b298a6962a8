// Anomaly checkers: pure functions from a History to the violations of one guarantee each.
export { staleReads } from "./staleReads";
export { readYourWrites } from "./readYourWrites";
export { monotonicReads } from "./monotonicReads";
export { consistentPrefix } from "./consistentPrefix";
export { lostWrites } from "./lostWrites";
export { splitBrain } from "./splitBrain";
export { permissionLag, CHECK_PERMISSION, PERMISSION_GRANTS, PERMISSION_REVOCATIONS } from "./permissionLag";
export { checkAll, CHECKERS, type CheckerName, type CheckSummary } from "./checkAll";
export { explainViolations } from "./explainViolations";
export { InvalidHistoryError } from "./invalidHistory";
export { writeOrder, type WriteOrder } from "./writeOrder";
export { HistoryBuilder, type WriteSpec, type ReadSpec, type Seen } from "./historyBuilder";
