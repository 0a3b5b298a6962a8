/**
 * Runs in every test worker before the graded test file (and so before the student's module).
 *
 * It first reports the worker's process id (see run-vitest.ts).
 *
 * It remembers the built-ins that graded tests and checkers rely on and, after each test, fails
 * the test if student code replaced one: a patched Math.random or JSON.stringify could otherwise
 * bend a checker. Screening rejects such code before it runs; this catches what slips past it.
 */
import { afterEach } from "vitest";
import { WORKER_PID_MARKER } from "./events";

// Tells the scorer which process runs this file, so that it can time the file in CPU seconds.
console.log(`${WORKER_PID_MARKER}${process.pid}`);

const watched: Array<[string, object, string]> = [
  ["Math", Math, "random"], ["Math", Math, "max"], ["Math", Math, "min"], ["Math", Math, "floor"],
  ["JSON", JSON, "stringify"], ["JSON", JSON, "parse"],
  ["Object", Object, "keys"], ["Object", Object, "is"], ["Object", Object, "defineProperty"],
  ["Array.prototype", Array.prototype, "map"], ["Array.prototype", Array.prototype, "filter"],
  ["Array.prototype", Array.prototype, "some"], ["Array.prototype", Array.prototype, "push"],
  ["Array.prototype", Array.prototype, "includes"], ["Array.prototype", Array.prototype, "sort"],
  ["Promise", Promise, "race"], ["Promise.prototype", Promise.prototype, "then"],
  ["String.prototype", String.prototype, "localeCompare"], ["Set.prototype", Set.prototype, "has"],
  ["Map.prototype", Map.prototype, "get"], ["Number", Number, "isFinite"],
];
const original = watched.map(([, owner, key]) => (owner as Record<string, unknown>)[key]);
const globals = ["setTimeout", "clearTimeout", "Promise", "JSON", "Math", "Object", "Array"] as const;
const originalGlobals = globals.map((g) => (globalThis as Record<string, unknown>)[g]);

afterEach(() => {
  const changed = watched.filter(([, owner, key], i) => (owner as Record<string, unknown>)[key] !== original[i]);
  const changedGlobals = globals.filter((g, i) => (globalThis as Record<string, unknown>)[g] !== originalGlobals[i]);
  const names = [...changed.map(([o, , k]) => `${o}.${k}`), ...changedGlobals];
  if (names.length > 0) {
    throw new Error(`built-ins were replaced during the test (${names.join(", ")}); exercise code must not patch built-ins`);
  }
});
