/**
 * Builds the Gradescope autograder zip:
 *   npm run gradescope -- --out autograder.zip [--timeout-s N] [--hidden-visibility V] [--without-secret]
 *
 * Layout (Gradescope unpacks it into /autograder/source):
 *   setup.sh                        grader/platforms/install-grader.sh
 *   run_autograder                  grader/platforms/gradescope/run_autograder
 *   app/                            a pristine grader copy: library, grader, exercise stubs, lockfile
 *   app/grader/.secret              the hidden-seed secret (RL_GRADER_SECRET or grader/.secret)
 *   autograder-version.txt          which commit this was built from
 *   autograder.env                  settings chosen here (time limit, hidden tests' visibility)
 * Solutions and known-wrong variants are never packed: the grader does not need them to grade.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { zipSync, type Zippable } from "fflate";
import { HelpRequested, isMain, runCommand } from "./cli";
import { appFiles, packageSecret, packedMode, versionNote } from "./grading-package";

export { appFiles } from "./grading-package";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const PLATFORM_DIR = "grader/platforms/gradescope";

const VISIBILITIES = ["hidden", "after_due_date", "after_published", "visible"];
/** Gradescope allows an assignment at most 40 minutes; below 30 s not even Node and vitest start reliably. */
export const TIMEOUT_LIMITS_S = { min: 30, max: 2400 };
const UNIX = 3;
const mode = (bits: number): number => ((0o100000 | bits) << 16) >>> 0;

export interface GradescopeOptions {
  root?: string;
  out: string;
  /** Build without a hidden-seed secret (hidden cases then run on new random seeds each time). */
  withoutSecret?: boolean;
  /** When students see hidden tests' results on Gradescope (default: the grader's, after_published). */
  hiddenVisibility?: string;
  /** Seconds one submission may take before run_autograder stops it (default 540). */
  timeoutS?: number;
  env?: NodeJS.ProcessEnv;
}

export interface GradescopePackage {
  out: string;
  files: string[];
  secretIncluded: boolean;
  bytes: number;
}

export function buildGradescopeZip(options: GradescopeOptions): GradescopePackage {
  const root = resolve(options.root ?? ROOT);
  const env = options.env ?? process.env;
  const secret = packageSecret(root, env, options.withoutSecret);
  const entries: Zippable = {};
  const add = (path: string, bytes: Uint8Array, bits: number): void => {
    entries[path] = [bytes, { os: UNIX, attrs: mode(bits) }];
  };
  add("setup.sh", readFileSync(join(root, "grader/platforms/install-grader.sh")), 0o755);
  add("run_autograder", readFileSync(join(root, PLATFORM_DIR, "run_autograder")), 0o755);
  const files = appFiles(root);
  for (const file of files) add(`app/${file}`, readFileSync(join(root, file)), packedMode(root, file));
  if (secret) add("app/grader/.secret", Buffer.from(`${secret}\n`), 0o600);
  add("autograder-version.txt", Buffer.from(`${versionNote("autograder", root, Boolean(secret), files.length)}\n`), 0o644);
  const settings: string[] = [];
  if (options.hiddenVisibility !== undefined) {
    if (!VISIBILITIES.includes(options.hiddenVisibility)) {
      throw new Error(`--hidden-visibility ${options.hiddenVisibility}: use one of ${VISIBILITIES.join(", ")}`);
    }
    settings.push(`RL_HIDDEN_VISIBILITY=${options.hiddenVisibility}`);
  }
  if (options.timeoutS !== undefined) settings.push(`RL_AUTOGRADER_TIMEOUT_S=${checkTimeout(options.timeoutS)}`);
  if (settings.length > 0) add("autograder.env", Buffer.from(`${settings.join("\n")}\n`), 0o644);
  const zip = zipSync(entries, { level: 9 });
  const out = resolve(options.out);
  writeFileSync(out, zip);
  return { out, files, secretIncluded: Boolean(secret), bytes: zip.length };
}

function checkTimeout(seconds: number, given: string = String(seconds)): number {
  const { min, max } = TIMEOUT_LIMITS_S;
  if (!Number.isInteger(seconds) || seconds < min || seconds > max) {
    throw new Error(`--timeout-s must be a whole number of seconds from ${min} to ${max} (Gradescope's longest limit is 40 minutes), got ${JSON.stringify(given)}`);
  }
  return seconds;
}

const USAGE =
  "usage: npm run gradescope -- --out FILE.zip [--timeout-s N] [--hidden-visibility hidden|after_due_date|after_published|visible] [--without-secret]\n" +
  "  --timeout-s N   stop grading one submission after N seconds (default 540; keep it under the assignment's\n" +
  "                  autograder timeout on Gradescope, 10 minutes unless you raised it)";

export function parseGradescopeArgs(argv: readonly string[]): GradescopeOptions {
  const options: Partial<GradescopeOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--out" || arg === "--hidden-visibility" || arg === "--timeout-s") {
      const value = argv[++i];
      if (value === undefined || value.startsWith("--")) throw new Error(`${arg} needs a value\n${USAGE}`);
      if (arg === "--out") options.out = value;
      else if (arg === "--timeout-s") options.timeoutS = checkTimeout(Number(value), value);
      else options.hiddenVisibility = value;
    } else if (arg === "--without-secret") options.withoutSecret = true;
    else if (arg === "-h" || arg === "--help") throw new HelpRequested(USAGE);
    else throw new Error(`unknown option ${JSON.stringify(arg)}\n${USAGE}`);
  }
  if (!options.out) throw new Error(`--out FILE.zip is required\n${USAGE}`);
  if (!options.out.endsWith(".zip")) throw new Error(`--out must name a .zip file, got ${JSON.stringify(options.out)}`);
  return options as GradescopeOptions;
}

if (isMain(import.meta.url)) {
  process.exitCode = await runCommand("gradescope", () => {
    const built = buildGradescopeZip(parseGradescopeArgs(process.argv.slice(2)));
    process.stdout.write(
      `Wrote ${built.out} (${(built.bytes / 1024).toFixed(0)} KB, ${built.files.length} grader files, secret ${built.secretIncluded ? "included" : "NOT included"}).\n` +
        "Upload it as the autograder of a Gradescope programming assignment (Ubuntu base image); see instructor/README.md.\n",
    );
  });
}
