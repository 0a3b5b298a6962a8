/**
 * The PostgreSQL lab beside the simulator: the results format of `npm run pg-lab` (format.ts), the
 * lab's settings as simulator configurations fed with what it measured (model.ts), each case
 * compared (compare.ts), the comparison against the workbook's targets (agreement.ts), and charts.
 */
export * from "./format";
export * from "./model";
export * from "./compare";
export * from "./agreement";
export * from "./charts";
