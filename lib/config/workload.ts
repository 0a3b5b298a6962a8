/** The workload's section of the configuration: generated writes, closed-loop clients and scripted operations. */
import { checkDist, constant } from "../dist";
import { ConfigError, checkInteger, checkNumber } from "../errors";
import { checkArray, checkOptionalOptions, checkOptions, checkTime } from "./check";
import type { Normalized, ScriptedOp, SimConfig } from "./types";

const WORKLOAD_KEYS = ["writesPerSec", "writes", "durationMs", "arrival", "bursts", "clients", "closedLoop", "keys", "script"] as const;
const BURST_KEYS = ["fromMs", "toMs", "writesPerSec"] as const;
const CLOSED_LOOP_KEYS = ["clients", "thinkMs", "writesPerClient"] as const;
const WRITE_OP_KEYS = ["kind", "atMs", "client", "key", "value", "label", "afterOp", "dependsOn"] as const;
const READ_OP_KEYS = ["kind", "atMs", "client", "keys", "label", "afterOp", "purpose"] as const;

/** The fastest rate a generator may run at, per second. */
export const MAX_RATE_PER_SEC = 1e9;

export function normalizeWorkload(c: SimConfig): Normalized["workload"] {
  checkOptionalOptions("workload", c.workload, WORKLOAD_KEYS);
  const w = c.workload ?? {};
  const writesPerSec = w.writesPerSec === undefined ? 1000 : checkRate("workload.writesPerSec", w.writesPerSec, "writes");
  const durationMs = w.durationMs === undefined ? undefined : checkNumber("workload.durationMs", w.durationMs, 0, 1e12);
  const writes =
    w.writes !== undefined
      ? checkInteger("workload.writes", w.writes, 0, 50_000_000)
      : durationMs !== undefined
        ? Number.MAX_SAFE_INTEGER
        : w.script !== undefined || w.closedLoop !== undefined
          ? 0
          : 10_000;
  const arrival = w.arrival ?? "poisson";
  if (arrival !== "poisson" && arrival !== "fixed") throw new ConfigError("workload.arrival", arrival, 'it must be "poisson" or "fixed"');
  if (w.bursts !== undefined) checkArray("workload.bursts", w.bursts, "{ fromMs, toMs, writesPerSec } windows");
  const bursts = (w.bursts ?? []).map((b, i) => {
    const field = `workload.bursts[${i}]`;
    checkOptions(field, b, BURST_KEYS);
    checkTime(`${field}.fromMs`, b.fromMs);
    checkNumber(`${field}.toMs`, b.toMs, b.fromMs, Infinity, `it must be >= fromMs (${b.fromMs})`);
    // 0 is a pause: no open-loop writes in the window.
    checkNumber(`${field}.writesPerSec`, b.writesPerSec, 0, MAX_RATE_PER_SEC, `it must be a rate >= 0 writes per second (0 pauses the writes), at most ${MAX_RATE_PER_SEC}`);
    return { ...b };
  });
  const clients = w.clients === undefined ? 10 : checkInteger("workload.clients", w.clients, 1, 1_000_000);
  const keys = w.keys === undefined ? 100 : checkInteger("workload.keys", w.keys, 1, 100_000_000);
  let closedLoop: Normalized["workload"]["closedLoop"];
  if (w.closedLoop !== undefined) {
    checkOptions("workload.closedLoop", w.closedLoop, CLOSED_LOOP_KEYS);
    closedLoop = {
      clients: checkInteger("workload.closedLoop.clients", w.closedLoop.clients, 1, 100_000),
      thinkMs: w.closedLoop.thinkMs !== undefined ? checkDist(w.closedLoop.thinkMs, "workload.closedLoop.thinkMs") : constant(0),
      writesPerClient: checkInteger("workload.closedLoop.writesPerClient", w.closedLoop.writesPerClient, 0, 10_000_000),
    };
  }
  return { writesPerSec, writes, durationMs, arrival, bursts, clients, keys, closedLoop, script: normalizeScript(w.script) };
}

/** A rate of `what` per second: more than 0, at most MAX_RATE_PER_SEC. */
export function checkRate(field: string, value: unknown, what: string): number {
  return checkNumber(field, value, Number.MIN_VALUE, MAX_RATE_PER_SEC, `it must be a rate > 0 ${what} per second, at most ${MAX_RATE_PER_SEC}`);
}

function normalizeScript(raw: unknown): ScriptedOp[] {
  if (raw === undefined) return [];
  checkArray("workload.script", raw, "scripted operations");
  const script = raw.map((item, i) => {
    const f = `workload.script[${i}]`;
    checkOptions(f, item, [...WRITE_OP_KEYS, ...READ_OP_KEYS]);
    const op = item as Record<string, unknown>;
    if (op.kind !== "write" && op.kind !== "read") throw new ConfigError(`${f}.kind`, op.kind, 'it must be "write" or "read"');
    checkOptions(f, op, op.kind === "write" ? WRITE_OP_KEYS : READ_OP_KEYS);
    checkTime(`${f}.atMs`, op.atMs);
    if (typeof op.client !== "string" || !op.client) throw new ConfigError(`${f}.client`, op.client, "it must be a client name");
    if (op.kind === "write") {
      if (typeof op.key !== "string") throw new ConfigError(`${f}.key`, op.key, "it must be a key name");
      if (typeof op.value !== "string") throw new ConfigError(`${f}.value`, op.value, "it must be a string");
      if (op.dependsOn !== undefined) checkArray(`${f}.dependsOn`, op.dependsOn, "labels of earlier scripted writes");
    } else {
      if (!Array.isArray(op.keys) || op.keys.length === 0) throw new ConfigError(`${f}.keys`, op.keys, "a read needs at least one key");
      op.keys.forEach((k, j) => {
        if (typeof k !== "string") throw new ConfigError(`${f}.keys[${j}]`, k, "it must be a key name");
      });
      if (op.purpose !== undefined && typeof op.purpose !== "string") throw new ConfigError(`${f}.purpose`, op.purpose, "it must be a string");
    }
    for (const name of ["label", "afterOp"] as const) {
      if (op[name] !== undefined && typeof op[name] !== "string") throw new ConfigError(`${f}.${name}`, op[name], "it must be a label (a string)");
    }
    return op as ScriptedOp;
  });
  const labels = new Set<string>();
  script.forEach((op, i) => {
    if (op.afterOp !== undefined && !labels.has(op.afterOp)) {
      throw new ConfigError(`workload.script[${i}].afterOp`, op.afterOp, "it must be the label of an earlier scripted op");
    }
    if (op.kind === "write") {
      for (const d of op.dependsOn ?? []) {
        if (!labels.has(d)) throw new ConfigError(`workload.script[${i}].dependsOn`, d, "it must be the label of an earlier scripted write");
      }
    }
    if (op.label !== undefined) {
      if (labels.has(op.label)) throw new ConfigError(`workload.script[${i}].label`, op.label, "labels must be unique");
      labels.add(op.label);
    }
  });
  return script;
}
