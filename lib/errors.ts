/**
 * A configuration the library cannot run: names the field, the value given and what is allowed.
 *
 * Thrown for bad user input only; programmer errors inside the library are plain `Error`s.
 */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    /** Dotted path of the offending field, e.g. `ack.k` or `followers[1].applyMs`. */
    readonly field: string,
    /** The value that was given. */
    readonly value: unknown,
    /** What is allowed, in words. */
    readonly allowed: string,
  ) {
    super(`${field}: ${show(value)} is not allowed; ${allowed}`);
  }
}

function show(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean" || value === null || value === undefined) {
    return String(value);
  }
  // Cut like any other value: a name of megabytes would make every message that quotes it as long.
  if (typeof value === "string") return value.length > 80 ? JSON.stringify(value.slice(0, 77)).slice(0, -1) + '..."' : JSON.stringify(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 80 ? text.slice(0, 77) + "..." : text;
  } catch {
    return String(value);
  }
}

/** Throws a ConfigError unless `value` is a finite number in [min, max]. */
export function checkNumber(field: string, value: unknown, min: number, max = Infinity, allowed?: string): number {
  if (typeof value !== "number" || Number.isNaN(value) || value < min || value > max || (!Number.isFinite(value) && max !== Infinity)) {
    throw new ConfigError(field, value, allowed ?? describeRange(min, max));
  }
  return value;
}

/** Throws a ConfigError unless `value` is an integer in [min, max]. */
export function checkInteger(field: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(field, value, `it must be a whole number ${describeRange(min, max).replace(/^it must be a number /, "")}`);
  }
  return value;
}

function describeRange(min: number, max: number): string {
  if (max === Infinity) return `it must be a number >= ${min}`;
  return `it must be a number from ${min} to ${max}`;
}

/**
 * The error an exercise stub throws until the student writes it.
 *
 * The grader recognises it by name, so an untouched exercise scores zero with the stub's own
 * words ("05: chooseNewLeader is not implemented yet: …") rather than a confusing failure.
 * Message convention: `"<id>: <function> is not implemented yet: write it in exercises/<file>.ts
 * (replace this throw)"`: where to write, never how (the exercise's text states the task, its
 * hints carry the approach).
 */
export class NotImplementedError extends Error {
  override readonly name = "NotImplementedError";
  constructor(message: string) {
    super(message);
  }
}

/** True for a NotImplementedError, also one thrown from another copy of this module. */
export function isNotImplemented(error: unknown): boolean {
  return error instanceof Error && error.name === "NotImplementedError";
}

/** The index of the node called `name` in `names`; a ConfigError naming `field` lists the names there are. */
export function checkNodeName(field: string, name: unknown, names: readonly string[]): number {
  const i = typeof name === "string" ? names.indexOf(name) : -1;
  if (i < 0) throw new ConfigError(field, name, `it must name a node: ${names.map((x) => JSON.stringify(x)).join(", ")}`);
  return i;
}
