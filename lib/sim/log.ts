/**
 * A node's log: the write numbers it holds, in log order (the entry at index i has LSN i + 1).
 *
 * Kept in a typed array that doubles when full, sized for the whole run when the workload says
 * how many writes there will be. A JavaScript array grown by `push` reallocated and filled its
 * backing store every time it grew (8% of the event loop's samples, `npm run bench -- --compare
 * REF --profile`, and more in page faults); with this array the settled event loop takes about a
 * fifth less CPU time (README, Speed).
 */
export class WriteLog {
  /** The entries; only the first `length` are the log. */
  ids: Int32Array;
  /** Entries in the log; setting it lower truncates the log. */
  length = 0;

  constructor(capacity: number) {
    this.ids = new Int32Array(capacity > 16 ? capacity : 16);
  }

  push(write: number): void {
    if (this.length === this.ids.length) this.grow();
    this.ids[this.length++] = write;
  }

  /** The log as a plain array, e.g. for results. */
  toArray(): number[] {
    return Array.from(this.ids.subarray(0, this.length));
  }

  private grow(): void {
    const ids = new Int32Array(this.ids.length * 2);
    ids.set(this.ids);
    this.ids = ids;
  }
}
