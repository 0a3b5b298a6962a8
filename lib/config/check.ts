/**
 * Checks shared by every section of the configuration: an object of options with no unknown key
 * (a misspelt key is refused with the closest known one), an array where one is expected, finite
 * times.
 */
import { closest, distance } from "fastest-levenshtein";
import { ConfigError, checkNumber } from "../errors";

/** The known key closest to `key`, if it is close enough to be what was meant. */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const lower = key.toLowerCase();
  const sameLetters = known.find((k) => k.toLowerCase() === lower);
  if (sameLetters !== undefined) return sameLetters;
  const best = closest(key, known);
  // A third of the key's length catches typos and near-synonyms (writesPerSecond → writesPerSec)
  // without suggesting an unrelated option.
  return distance(key, best) <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/**
 * Throws a ConfigError unless `value` is a plain object (not null, not an array) whose keys are
 * all in `known`. `field` is its path ("" for the top level); `what` says what it should be.
 */
export function checkOptions(field: string, value: unknown, known: readonly string[], what = "it must be an object of options"): void {
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new ConfigError(field || "config", value, what);
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const path = field ? `${field}.${key}` : key;
    const guess = closestKey(key, known);
    const hint = guess !== undefined ? `did you mean ${guess}? ` : "";
    throw new ConfigError(path, (value as Record<string, unknown>)[key], `there is no option "${key}" ${field ? `in ${field}` : "here"}; ${hint}the options are ${known.join(", ")}`);
  }
}

/** Like `checkOptions`, for a value that may also be left out (undefined). */
export function checkOptionalOptions(field: string, value: unknown, known: readonly string[], what?: string): void {
  if (value !== undefined) checkOptions(field, value, known, what);
}

/** Throws a ConfigError unless `value` is an array (`what` says of what). */
export function checkArray(field: string, value: unknown, what: string): asserts value is unknown[] {
  if (!Array.isArray(value)) throw new ConfigError(field, value, `it must be an array of ${what}`);
}

/** A finite time >= `min` ms (a time at Infinity would stop the run's clock at Infinity). */
export function checkTime(field: string, value: unknown, min = 0, allowed?: string): number {
  const t = checkNumber(field, value, min, Infinity, allowed ?? `it must be a time >= ${min} ms`);
  if (!Number.isFinite(t)) throw new ConfigError(field, t, "it must be a finite time (a run's clock never reaches Infinity)");
  return t;
}

/** Throws a ConfigError unless `value` is true or false. */
export function checkBoolean(field: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw new ConfigError(field, value, "it must be true or false");
  return value;
}
