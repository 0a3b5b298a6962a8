/**
 * The error a checker throws when a history is not well formed, e.g. a hand-built history whose
 * read names a write that does not exist. It names the field, the value found and what is allowed,
 * so the fix is obvious from the message alone.
 */
export class InvalidHistoryError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`history: ${field} is ${JSON.stringify(value)}; ${allowed}`);
    this.name = "InvalidHistoryError";
  }
}
