/**
 * The first lines of what an exercise's code printed (console.log, console.error: its sandboxes'
 * stdout and stderr, in the order they came), for a check's feedback: a student debugging with
 * console.log sees what the code printed while the public tests ran (student.ts keeps it only
 * then: code that sees hidden inputs could print them). Bounded, so that a loop that prints
 * costs the report nothing; what is left out is counted, not kept.
 */
import type { Printed } from "../engine/report";

export const PRINTED_LINES_MAX = 20;
export const PRINTED_CHARS_MAX = 2_000;

export class PrintedKeeper {
  private kept = "";
  private keptLines = 0;
  private full = false;
  private leftOutChars = 0;
  private leftOutBreaks = 0;
  /** The part left out ends with a line break (or nothing was left out). */
  private leftOutEndsLine = true;

  constructor(
    private readonly linesMax = PRINTED_LINES_MAX,
    private readonly charsMax = PRINTED_CHARS_MAX,
  ) {}

  add(text: string): void {
    let rest = text;
    if (!this.full) {
      // Up to the end of the last line that still fits, and never past the characters allowed.
      let end = 0;
      while (end < rest.length && this.keptLines < this.linesMax && this.kept.length + end < this.charsMax) {
        const newline = rest.indexOf("\n", end);
        const lineEnd = newline < 0 ? rest.length : newline + 1;
        const room = this.charsMax - this.kept.length;
        if (lineEnd > room) {
          end = room;
          break;
        }
        end = lineEnd;
        if (newline >= 0) this.keptLines++;
      }
      this.kept += rest.slice(0, end);
      rest = rest.slice(end);
      if (this.keptLines >= this.linesMax || this.kept.length >= this.charsMax) this.full = true;
    }
    if (rest.length === 0) return;
    this.leftOutChars += rest.length;
    for (let at = rest.indexOf("\n"); at >= 0; at = rest.indexOf("\n", at + 1)) this.leftOutBreaks++;
    this.leftOutEndsLine = rest.endsWith("\n");
  }

  /** What was kept, or undefined when nothing was printed. */
  result(): Printed | undefined {
    if (this.kept.length === 0 && this.leftOutChars === 0) return undefined;
    return {
      text: this.kept.replace(/\n$/, ""),
      moreLines: this.leftOutBreaks + (this.leftOutEndsLine ? 0 : 1),
      moreChars: this.leftOutChars,
    };
  }
}
