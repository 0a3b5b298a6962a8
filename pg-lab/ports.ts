/** Finding TCP ports on 127.0.0.1 that nothing listens on, before the servers are started. */
import net from "node:net";

/** True if a listener can bind `port` on `host` right now. */
export function portIsFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/**
 * `count` distinct free ports, searched upwards from `startPort`. Ports are chosen below the kernel's
 * ephemeral range (32768+), so that outgoing connections made meanwhile cannot take them before the
 * servers bind; the default start is random, so that two labs started together rarely race for
 * the same ports.
 */
export async function freePorts(
  count: number,
  startPort = 20000 + Math.floor(Math.random() * 10000),
  endPort = 32000,
): Promise<number[]> {
  const ports: number[] = [];
  for (let port = startPort; port < endPort && ports.length < count; port++) {
    if (await portIsFree(port)) ports.push(port);
  }
  if (ports.length < count) {
    throw new Error(`only ${ports.length} of ${count} free TCP ports found on 127.0.0.1 in ${startPort}-${endPort}`);
  }
  return ports;
}
