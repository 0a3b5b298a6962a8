/**
 * Sweeps: a grid of configurations times seeds, returning tidy rows ready for vega-lite.
 */
import type { SimConfig } from "./config";
import { describe as describeDist, type Dist } from "./dist";
import { SIM_KEYS } from "./config";
import { checkOptions } from "./config/check";
import { ConfigError, checkInteger } from "./errors";
import { isAckPolicy, policyName } from "./policies";
import { progressBar } from "./display";
import { isRoutingPolicy, routingName, type ReadRouting } from "./reads";
import { simulate, type RunResult } from "./sim";
import { meanCI } from "./stats";

type Cell = string | number | boolean;
export type Row = Record<string, Cell>;

export interface SweepOptions<M extends object> {
  /** What every run shares (the seed is set per run). */
  base: Omit<SimConfig, "seed"> & { seed?: number };
  /** Each key lists the values to try; the grid is every combination. Keys are SimConfig fields. */
  vary: { [K in keyof SimConfig]?: SimConfig[K][] };
  /** Number of seeds (1..n), or the exact seeds. Default 3. */
  seeds?: number | number[];
  /** Turns a run into numbers (and labels) for its row, e.g. `summarize`. */
  measure: (run: RunResult) => M;
  /** Progress: "auto" (default: shown for sweeps of 8 runs or more), "off", or your own callback. */
  progress?: "auto" | "off" | ((done: number, total: number) => void);
  /** The most runs (configurations × seeds) the sweep may make. Default 10,000. */
  maxRuns?: number;
}

/** The most runs a sweep makes unless told otherwise. */
export const DEFAULT_MAX_RUNS = 10_000;

/**
 * The seeds `seeds` stands for: a count n is 1..n, a list is itself, undefined is `fallback`.
 * `field` names it in errors; a count above `max` is refused before any list is made.
 */
export function seedList(seeds: unknown, field: string, fallback: number[], max: number): number[] {
  if (seeds === undefined) return fallback;
  if (typeof seeds === "number") {
    const count = checkInteger(field, seeds, 1, Number.MAX_SAFE_INTEGER);
    if (count > max) throw new ConfigError(field, count, `that many seeds is more than the ${max} runs allowed; see maxRuns`);
    return Array.from({ length: count }, (_, i) => i + 1);
  }
  if (!Array.isArray(seeds) || seeds.length === 0 || seeds.some((s) => !Number.isSafeInteger(s))) {
    throw new ConfigError(field, seeds, "it must be a count >= 1 or a list of whole-number seeds");
  }
  return seeds as number[];
}

/** A short label for a varied value: policies and distributions by name, numbers as they are. */
export function label(value: unknown): Cell {
  if (typeof value === "number" || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "function") return routingName(value as ReadRouting);
  if (value && typeof value === "object" && "kind" in value) {
    if (isAckPolicy(value)) return policyName(value);
    if (isRoutingPolicy(value)) return routingName(value);
    try {
      return describeDist(value as Dist);
    } catch {
      // not a distribution: fall through to JSON
    }
  }
  return JSON.stringify(value);
}

/**
 * Runs every combination of `vary` for every seed and returns one row per run:
 * the varied fields (as labels), `seed`, and what `measure` returned.
 *
 * @example
 * sweep({ base: { followers: 3 }, vary: { ack: [asyncAck(), quorum(2)] }, seeds: 5, measure: summarize })
 */
export function sweep<M extends object>(o: SweepOptions<M>): (Row & M)[] {
  checkOptions("sweep", o, ["base", "vary", "seeds", "measure", "progress", "maxRuns"], "it takes { base, vary, seeds, measure }");
  if (typeof o.measure !== "function") throw new ConfigError("sweep.measure", o.measure, "it must be a function of a run, e.g. summarize");
  const maxRuns = o.maxRuns === undefined ? DEFAULT_MAX_RUNS : checkInteger("sweep.maxRuns", o.maxRuns, 1);
  const seeds = seedList(o.seeds, "sweep.seeds", [1, 2, 3], maxRuns);
  if (o.vary !== undefined) checkOptions("sweep.vary", o.vary, SIM_KEYS, "it must map options of simulate() to the values to try, e.g. { ack: [asyncAck(), quorum(2)] }");
  const keys = Object.keys(o.vary ?? {}) as (keyof SimConfig)[];
  let runs = seeds.length;
  for (const k of keys) {
    const values = (o.vary as Record<string, unknown>)[k];
    if (!Array.isArray(values) || values.length === 0) throw new ConfigError(`sweep.vary.${String(k)}`, values, "it must be a non-empty array of values to try");
    runs *= values.length;
  }
  if (runs > maxRuns) {
    throw new ConfigError("sweep.maxRuns", maxRuns, `the grid is ${runs} runs (${[...keys.map((k) => `${((o.vary as Record<string, unknown[]>)[k]).length} ${String(k)}`), `${seeds.length} seeds`].join(" × ")}), more than this; raise it if you meant it: sweep({ …, maxRuns: ${runs} })`);
  }
  let grid: Partial<SimConfig>[] = [{}];
  for (const k of keys) {
    const values = (o.vary as Record<string, unknown[]>)[k as string];
    grid = grid.flatMap((g) => values.map((v) => ({ ...g, [k]: v })));
  }
  const total = grid.length * seeds.length;
  const report =
    typeof o.progress === "function" ? o.progress : o.progress === "off" || (o.progress === undefined && total < 8) ? null : progressBar(total, "sweep");
  const rows: (Row & M)[] = [];
  let done = 0;
  for (const g of grid) {
    for (const seed of seeds) {
      const run = simulate({ ...o.base, ...g, seed } as SimConfig);
      const row: Row = {};
      for (const k of keys) row[k as string] = label(g[k]);
      row.seed = seed;
      rows.push(Object.assign(row, o.measure(run)) as Row & M);
      done++;
      if (report) report(done, total);
    }
  }
  return rows;
}

/**
 * Groups rows by `by` and, for each numeric metric, adds `<metric>` (the mean over the group) and
 * `<metric>Ci95` (half-width of its 95% confidence interval): one row per configuration.
 */
export function aggregate(rows: Row[], by: string[], metrics?: string[]): Row[] {
  const groups = new Map<string, Row[]>();
  for (const r of rows) {
    const key = JSON.stringify(by.map((b) => r[b]));
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const out: Row[] = [];
  for (const g of groups.values()) {
    const row: Row = {};
    for (const b of by) row[b] = g[0][b];
    const names = metrics ?? Object.keys(g[0]).filter((k) => typeof g[0][k] === "number" && k !== "seed" && !by.includes(k));
    for (const m of names) {
      const ci = meanCI(g.map((r) => Number(r[m])));
      row[m] = ci.mean;
      row[`${m}Ci95`] = ci.ci95;
    }
    row.seeds = g.length;
    out.push(row);
  }
  return out;
}
