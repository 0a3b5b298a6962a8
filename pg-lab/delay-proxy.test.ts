import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { DelayProxy } from "./delay-proxy";
import { freePorts, portIsFree } from "./ports";

/** An echo server on a free port. */
async function echoServer(): Promise<{ port: number; server: net.Server }> {
  const [port] = await freePorts(1);
  const server = net.createServer((s) => {
    s.on("error", () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return { port, server };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s: net.Socket = net.connect(port, "127.0.0.1", () => resolve(s));
    s.once("error", reject);
  });
}

/** Sends `text` and resolves with the echo and how long it took, in ms. */
function roundTrip(socket: net.Socket, text: string): Promise<{ echo: string; ms: number }> {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint();
    let echo = "";
    const onData = (d: Buffer) => {
      echo += d.toString();
      if (echo.length >= text.length) {
        socket.off("data", onData);
        resolve({ echo, ms: Number(process.hrtime.bigint() - start) / 1e6 });
      }
    };
    socket.on("data", onData);
    socket.write(text);
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function setup(delayMs: number) {
  const { port, server } = await echoServer();
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  const [listenPort] = await freePorts(1, port + 1);
  const proxy = new DelayProxy({ listenPort, targetPort: port });
  await proxy.start();
  cleanups.push(() => proxy.close());
  proxy.setDelayMs(delayMs);
  const socket = await connect(listenPort);
  socket.on("error", () => undefined);
  cleanups.push(() => void socket.destroy());
  return { proxy, socket, listenPort };
}

describe("DelayProxy", () => {
  it("delays a round trip by about twice the one-way delay", async () => {
    const { socket } = await setup(20);
    const { echo, ms } = await roundTrip(socket, "hello");
    expect(echo).toBe("hello");
    expect(ms).toBeGreaterThanOrEqual(39);
    expect(ms).toBeLessThan(400);
  });

  it("keeps the byte order when the delay is lowered while data is in flight", async () => {
    const { proxy, socket } = await setup(50);
    const received: string[] = [];
    socket.on("data", (d) => received.push(d.toString()));
    socket.write("first,");
    await new Promise((r) => setTimeout(r, 5));
    proxy.setDelayMs(0);
    socket.write("second");
    await new Promise((r) => setTimeout(r, 250));
    expect(received.join("")).toBe("first,second");
  });

  it("records the delays it really added", async () => {
    const { proxy, socket } = await setup(10);
    proxy.startRecording();
    await roundTrip(socket, "x");
    const samples = proxy.stopRecording();
    expect(samples.toPrimary.length).toBe(1);
    expect(samples.toStandby.length).toBe(1);
    expect(samples.toPrimary[0]).toBeGreaterThanOrEqual(9.5);
  });

  it("cuts open connections and refuses new ones while partitioned, and heals", async () => {
    const { proxy, socket, listenPort } = await setup(0);
    const closed = new Promise((r) => socket.once("close", r));
    proxy.partition();
    await closed;
    const refused = await connect(listenPort);
    await new Promise((r) => refused.once("close", r));
    proxy.heal();
    const again = await connect(listenPort);
    cleanups.push(() => void again.destroy());
    expect((await roundTrip(again, "back")).echo).toBe("back");
  });

  it("rejects a negative delay with the value in the message", async () => {
    const { proxy } = await setup(0);
    expect(() => proxy.setDelayMs(-1)).toThrow(/delayMs.*-1/);
  });
});

describe("freePorts", () => {
  it("skips a port something already listens on", async () => {
    const { port } = await echoServer().then((e) => {
      cleanups.push(() => new Promise<void>((r) => e.server.close(() => r())));
      return e;
    });
    expect(await portIsFree(port)).toBe(false);
    const ports = await freePorts(2, port);
    expect(ports).not.toContain(port);
    expect(new Set(ports).size).toBe(2);
  });
});
