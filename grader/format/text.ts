/**
 * Control characters shown as "\uFFFD": a terminal escape in a student's message cannot redraw
 * the score, nor a carriage return the start of a line. The scorer records feedback this way
 * (engine/score.ts), and the terminal table applies it again to reports it did not make.
 *
 * Unicode's line and paragraph separators (U+2028, U+2029: line breaks to a browser, a JavaScript
 * `^`/`$` and Python's splitlines) and the bidirectional overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069: they reorder what follows them on a terminal or page) are shown so too: text a
 * student's code wrote keeps to the lines, and the order, it is shown in.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, "\ufffd");
}

/**
 * A name from an upload (a file or folder a student named, a zip entry's path) as one line of
 * plain text: every control character, line breaks and tabs too, shown as "\uFFFD". Notes that
 * name such files go to the terminal of whoever grades (`npm run grade -- --target x.zip`, a
 * batch's progress, `npm run replay`), where an escape sequence in a file name could retitle the
 * window, clear the screen and draw a score, or set the clipboard (OSC 52).
 */
export function plainName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const plain = printable(name).replace(/[\t\n]/g, "\ufffd");
  // A path may be tens of kilobytes long (folders nested in a zip); a note needs its start.
  return plain.length > NAME_CHARS_MAX ? `${plain.slice(0, NAME_CHARS_MAX)}…` : plain;
}

/** The longest name a note shows whole. */
const NAME_CHARS_MAX = 300;
