// Public API of the replication library: this file only re-exports.
export type * from "./history";
export * from "./display";
export * from "./errors";
export * from "./rng";
export * from "./dist";
export * from "./policies";
export * from "./reads";
export * from "./config";
export { simulate, type RunResult, type WriteTable, type FailoverOutcome } from "./sim";
export * from "./checkers";
export * from "./stats";
export * from "./metrics";
export * from "./sweep";
export * from "./charts";
export * from "./pbs";
export * from "./scenarios";
export * from "./pg-compare";
