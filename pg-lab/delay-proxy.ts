/**
 * A TCP proxy that holds every chunk for a known time before passing it on, in both directions.
 *
 * This machine has no netem, so network delay between a standby and its primary is made here, in
 * user space: the standby connects to the proxy, the proxy connects to the primary. The delay can
 * be changed while connections are open, and the link can be cut (a partition) and healed.
 *
 * The delay each chunk really got (timers fire late, and order is kept) is recorded, so the
 * simulator can be fed what the network actually did rather than what was asked for.
 */
import net from "node:net";

export type Direction = "toStandby" | "toPrimary";

export interface DelayProxyOptions {
  /** Port the standby connects to (checked free beforehand). */
  listenPort: number;
  /** The primary's port. */
  targetPort: number;
  host?: string;
}

/** Realised one-way delays, kept up to this many per direction (older ones are dropped). */
const SAMPLES_MAX = 20_000;

interface Held {
  chunk: Buffer;
  receivedAtMs: number;
  releaseAtMs: number;
}

interface Lane {
  queue: Held[];
  timer: NodeJS.Timeout | null;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  lanes: Record<Direction, Lane>;
  /** One end has closed: finish delivering what is queued, then close. */
  closing: boolean;
}

export class DelayProxy {
  private server: net.Server | null = null;
  private pairs = new Set<Pair>();
  private delayMs = 0;
  private cut = false;
  private samples: Record<Direction, number[]> = { toStandby: [], toPrimary: [] };
  private recording = false;

  constructor(private readonly options: DelayProxyOptions) {}

  async start(): Promise<void> {
    const host = this.options.host ?? "127.0.0.1";
    const server = net.createServer((client) => this.onConnection(client));
    server.on("error", (err) => console.error(`delay proxy on port ${this.options.listenPort}: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.listenPort, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.server = server;
  }

  /** Sets the one-way delay for chunks arriving from now on, in both directions. */
  setDelayMs(delayMs: number): void {
    if (!Number.isFinite(delayMs) || delayMs < 0) {
      throw new RangeError(`delayMs must be a finite number >= 0, got ${delayMs}`);
    }
    this.delayMs = delayMs;
  }

  get oneWayDelayMs(): number {
    return this.delayMs;
  }

  /** Starts a fresh record of realised delays (for one measurement). */
  startRecording(): void {
    this.samples = { toStandby: [], toPrimary: [] };
    this.recording = true;
  }

  /** Stops recording and returns the realised one-way delays per direction, in ms. */
  stopRecording(): Record<Direction, number[]> {
    this.recording = false;
    return this.samples;
  }

  /** A partition: drops every open connection and all data in flight, and refuses new ones. */
  partition(): void {
    this.cut = true;
    for (const pair of this.pairs) this.destroyPair(pair);
  }

  heal(): void {
    this.cut = false;
  }

  get partitioned(): boolean {
    return this.cut;
  }

  get openConnections(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    for (const pair of this.pairs) this.destroyPair(pair);
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private onConnection(client: net.Socket): void {
    client.on("error", () => undefined);
    if (this.cut) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.options.targetPort, this.options.host ?? "127.0.0.1");
    upstream.on("error", () => undefined);
    // Nagle's algorithm would add its own delay on top of the one we want.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const pair: Pair = {
      client,
      upstream,
      lanes: { toStandby: { queue: [], timer: null }, toPrimary: { queue: [], timer: null } },
      closing: false,
    };
    this.pairs.add(pair);
    client.on("data", (chunk) => this.forward(pair, "toPrimary", upstream, chunk));
    upstream.on("data", (chunk) => this.forward(pair, "toStandby", client, chunk));
    // When one end goes away (say the primary crashes), bytes already "on the wire" towards the
    // other end still arrive, as on a real network; then the connection is closed.
    client.on("close", () => this.closeAfterDrain(pair, "toPrimary"));
    upstream.on("close", () => this.closeAfterDrain(pair, "toStandby"));
  }

  private closeAfterDrain(pair: Pair, stillFlowing: Direction): void {
    pair.closing = true;
    const lane = pair.lanes[stillFlowing];
    if (lane.queue.length === 0 && lane.timer === null) this.destroyPair(pair, true);
  }

  private forward(pair: Pair, direction: Direction, to: net.Socket, chunk: Buffer): void {
    const receivedAtMs = nowMs();
    const lane = pair.lanes[direction];
    lane.queue.push({ chunk, receivedAtMs, releaseAtMs: receivedAtMs + this.delayMs });
    if (lane.timer === null) this.drain(pair, direction, to);
  }

  /**
   * Sends every chunk whose time has come, in arrival order, then waits for the next one. One timer
   * per direction: separate timers could fire out of order and reorder the byte stream.
   */
  private drain(pair: Pair, direction: Direction, to: net.Socket): void {
    const lane = pair.lanes[direction];
    lane.timer = null;
    if (!this.pairs.has(pair)) return;
    const now = nowMs();
    while (lane.queue.length > 0 && lane.queue[0].releaseAtMs <= now) {
      const { chunk, receivedAtMs } = lane.queue.shift()!;
      if (this.recording) {
        const list = this.samples[direction];
        if (list.length >= SAMPLES_MAX) list.shift();
        list.push(now - receivedAtMs);
      }
      to.write(chunk);
    }
    if (lane.queue.length > 0) {
      // A chunk never overtakes the one before it, even when the delay was just lowered.
      const waitMs = Math.max(0, lane.queue[0].releaseAtMs - now);
      lane.timer = setTimeout(() => this.drain(pair, direction, to), waitMs);
    } else if (pair.closing) {
      this.destroyPair(pair, true);
    }
  }

  /** Closes both ends; `graceful` lets written bytes reach the socket first (end, not destroy). */
  private destroyPair(pair: Pair, graceful = false): void {
    if (!this.pairs.delete(pair)) return;
    for (const lane of Object.values(pair.lanes)) {
      if (lane.timer !== null) clearTimeout(lane.timer);
      lane.timer = null;
      lane.queue.length = 0;
    }
    if (graceful) {
      pair.client.end();
      pair.upstream.end();
    } else {
      pair.client.destroy();
      pair.upstream.destroy();
    }
  }
}

function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
