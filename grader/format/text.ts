/**
 * Control characters shown as "\uFFFD": a terminal escape in a student's message cannot redraw
 * the score, nor a carriage return the start of a line. The scorer records feedback this way
 * (engine/score.ts), and the terminal table applies it again to reports it did not make.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, "\ufffd");
}
