/**
 * Mistakes in how a notebook helper was called: an unknown exercise, an argument of the wrong
 * type, an unknown option. They throw a `UsageError`, which prints as its message alone.
 *
 * Why: tslab prints a thrown error with `console.error`, which shows its stack, and for these the
 * frames (the library bundle's and tslab's own executor) say nothing the message does not; the
 * student's own cell is not among them. Errors of the grader or of the workbook itself keep their
 * stacks: those are worth reporting with their frames.
 */
const INSPECT = Symbol.for("nodejs.util.inspect.custom");

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    // Both, because Node shows a stack without frames in brackets ("[message]"): `stack` for
    // whatever prints it as text, the inspect hook for console.error and the notebook.
    Object.defineProperty(this, "stack", { value: message, writable: true, configurable: true, enumerable: false });
    Object.defineProperty(this, INSPECT, { value: () => message, enumerable: false });
  }
}
// On the prototype, not as an own field: an own `name` would print beside the message.
Object.defineProperty(UsageError.prototype, "name", { value: "UsageError", writable: true, configurable: true });

/** A value as a message shows it: strings quoted, objects as JSON (shortened). */
export function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || typeof value !== "object") return typeof value === "function" ? "a function" : String(value);
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return String(value);
  }
}

/** The kind each option takes, as `typeof` names it. */
export type OptionKinds = Record<string, "string" | "boolean">;

/**
 * Checks a helper's options object: absent, or a plain object whose keys are `kinds`' and whose
 * values are of the kind named there (or undefined). `call` names the call in messages.
 */
export function checkOptions(call: string, options: unknown, kinds: OptionKinds): void {
  if (options === undefined) return;
  const allowed = Object.keys(kinds).join(", ");
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new UsageError(`${call}: options must be an object such as { ${Object.keys(kinds)[0]}: … }, got ${shown(options)}; the options are ${allowed}`);
  }
  for (const [key, value] of Object.entries(options)) {
    const kind = kinds[key];
    if (!Object.hasOwn(kinds, key)) throw new UsageError(`${call}: unknown option ${JSON.stringify(key)}; the options are ${allowed}`);
    if (value !== undefined && typeof value !== kind) {
      throw new UsageError(`${call}: option ${key} must be ${kind === "boolean" ? "true or false" : "a string"}, got ${shown(value)}`);
    }
  }
}
