/**
 * Starts sandbox processes on the judge's behalf: `node spawner.mjs`, with an IPC channel.
 *
 * Node starts a child process by forking the process that asks (libuv's fork, then exec). A
 * judge is a large process (the test runner, the type checker, its simulations' heaps): each fork
 * copies its page tables, and afterwards every page the judge writes is copied once more, as the
 * fork left it shared. Measured on a judge of some hundreds of megabytes, a sandbox's start cost it
 * about 25 ms and then a page fault for every page it touched, a few CPU-seconds for a graded
 * submission in all. This small process is forked once; it forks the sandboxes, and hands the
 * judge each sandbox's three pipes (stdout, stderr and the request channel) over the IPC channel,
 * so that the judge talks to the sandbox directly, as if it had started it.
 *
 * Requests: `{ id, command, args, cwd }`. Answers, in order: `{ id, pid }`, then `{ id, stream }`
 * for stream 0, 1 and 2 (stdout, stderr, channel) each with its pipe, then `{ id, exit: { code,
 * signal } }` when the sandbox ends; or `{ id, error }` when it could not be started. A sandbox
 * gets an empty environment and a process group of its own, as the judge would give it.
 *
 * It ends when the judge's end of the channel closes (the judge ended); the sandboxes it started
 * carry a parent-death signal where the machine allows one (launch.ts), so they end with it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";
import { sandboxSpawnOptions } from "./launch";

interface Request {
  id: number;
  command: string;
  args: string[];
  cwd: string;
}

const send = (message: object, handle?: Socket): void => {
  if (process.connected) process.send!(message, handle);
};

process.on("disconnect", () => process.exit(0));

process.on("message", (m: Request) => {
  let child: ChildProcess;
  try {
    child = spawn(m.command, m.args, sandboxSpawnOptions(m.cwd));
  } catch (error) {
    send({ id: m.id, error: (error as Error).message });
    return;
  }
  child.on("error", (error) => send({ id: m.id, error: error.message }));
  child.on("exit", (code, signal) => send({ id: m.id, exit: { code, signal } }));
  if (child.pid === undefined) return; // its "error" follows
  const pipes = [child.stdout, child.stderr, child.stdio[3]] as Socket[];
  // Node began reading each pipe here; stop before the event loop runs, so that no byte the
  // sandbox writes is read (and lost) in this process: the judge reads them all.
  for (const pipe of pipes) (pipe as unknown as { _handle: { readStop(): number } })._handle.readStop();
  send({ id: m.id, pid: child.pid });
  pipes.forEach((pipe, stream) => send({ id: m.id, stream }, pipe));
});
