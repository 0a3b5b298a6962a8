/** Timings of a grading call on stderr when RL_GRADER_TRACE=1: where the seconds go (wall, and CPU of this process). */
const started = Number(process.hrtime.bigint() / 1_000_000n);

export function trace(message: string): void {
  if (process.env.RL_GRADER_TRACE !== "1") return;
  const at = Number(process.hrtime.bigint() / 1_000_000n) - started;
  const cpu = process.cpuUsage();
  process.stderr.write(`[grader +${(at / 1000).toFixed(2)} s, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} CPU-s] ${message}\n`);
}
