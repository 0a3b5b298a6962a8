/**
 * The error an exercise stub throws until the student writes it.
 *
 * The grader recognises it by name, so an untouched exercise scores zero with the stub's own
 * words ("05: chooseNewLeader is not implemented yet: …") rather than a confusing failure.
 * Message convention: `"<id>: <function> is not implemented yet: <what to write>"`.
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
