// The package "replication-lab" as notebooks import it: the simulation library (lib/) and the
// notebook helpers for the graded exercises (workbook/). This file only re-exports; lib/ itself
// knows nothing of the grader.
export * from "./lib";
export * from "./workbook";
