// Public API of the replication library: this file only re-exports.
export type * from "./history";
export * from "./display";
export * from "./checkers";
