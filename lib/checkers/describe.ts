/** Small formatting helpers shared by the checkers' one-line messages. */
import type { Violation } from "../history";

export { ms } from "../format";

const VALUE_CHARS_MAX = 24;

/** A value as a student reads it: quoted and shortened, or "no value" for a key never written. */
export function quote(value: string | null): string {
  if (value === null) return "no value";
  const short = value.length > VALUE_CHARS_MAX ? `${value.slice(0, VALUE_CHARS_MAX - 1)}…` : value;
  return JSON.stringify(short);
}

/** Violations in time order (ties by the first op), so every run prints them the same way. */
export function byTime(violations: Violation[]): Violation[] {
  return violations.sort((a, b) => a.atMs - b.atMs || (a.ops[0] ?? 0) - (b.ops[0] ?? 0));
}

/** What one key of a read returned: `x = "v1" (write 5)` or `no value for x`. */
export function saw(seen: { key: string; value: string | null; writeId: number }): string {
  return seen.writeId === -1 ? `no value for ${seen.key}` : `${seen.key} = ${quote(seen.value)} (write ${seen.writeId})`;
}
