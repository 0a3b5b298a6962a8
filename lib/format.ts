/** Small formatting helpers for messages and tables, shared across the library. */

/** A virtual time or duration for a sentence: "40 ms", "31.57 ms", "never" (for Infinity or NaN). */
export function ms(t: number): string {
  if (!Number.isFinite(t)) return "never";
  return `${Number(t.toFixed(2))} ms`;
}

/** `part` as a percentage of `whole`, to one decimal: 1 of 3 -> 33.3 (0 when `whole` is 0). */
export function sharePct(part: number, whole: number): number {
  return Math.round((1000 * part) / Math.max(1, whole)) / 10;
}
