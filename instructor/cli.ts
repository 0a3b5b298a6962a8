/**
 * What every instructor command shares: `--help` prints the usage and succeeds; any other error
 * prints one line naming the command and what is wrong, never a stack trace.
 */
import { pathToFileURL } from "node:url";

/** Thrown by an argument parser when --help was asked for: its message is the usage. */
export class HelpRequested extends Error {}

/** Runs `action` as the command `name`; returns the exit code. */
export async function runCommand(name: string, action: () => void | Promise<void>): Promise<number> {
  try {
    await action();
    return 0;
  } catch (error) {
    if (error instanceof HelpRequested) {
      process.stdout.write(`${error.message}\n`);
      return 0;
    }
    process.stderr.write(`${name}: ${(error as Error).message}\n`);
    return 1;
  }
}

/** True when the module at `moduleUrl` is the script node was started with (not imported by a test). */
export function isMain(moduleUrl: string): boolean {
  return Boolean(process.argv[1]) && moduleUrl === pathToFileURL(process.argv[1]).href;
}

/**
 * Reads options that each take a value (`--out FILE`) by the field each flag fills: `--help`
 * throws HelpRequested with `usage`, an unknown option or one without its value an Error that
 * ends with the usage.
 */
export function valueFlags<Field extends string>(argv: readonly string[], flags: Readonly<Record<string, Field>>, usage: string): Partial<Record<Field, string>> {
  const options: Partial<Record<Field, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "-h" || arg === "--help") throw new HelpRequested(usage);
    const field = flags[arg];
    if (!field) throw new Error(`unknown option ${JSON.stringify(arg)}\n${usage}`);
    const value = argv[++i];
    if (value === undefined || value.startsWith("--")) throw new Error(`${arg} needs a value\n${usage}`);
    options[field] = value;
  }
  return options;
}
