/**
 * Builds the Gradescope autograder zip:
 *   npm run gradescope -- --out autograder.zip [--without-secret]
 *
 * Layout (Gradescope unpacks it into /autograder/source):
 *   setup.sh, run_autograder        from grader/platforms/gradescope/
 *   app/                            a pristine grader copy: library, grader, exercise stubs, lockfile
 *   app/grader/.secret              the hidden-seed secret (RL_GRADER_SECRET or grader/.secret)
 *   autograder-version.txt          which commit this was built from
 * Solutions and known-wrong variants are never packed: the grader does not need them to grade.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { zipSync, type Zippable } from "fflate";
import { isGradingFile } from "../grader/platforms/app-files";
import { findGraderSecret } from "./grader-secret";
import { projectFiles } from "./project-files";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "..");
const PLATFORM_DIR = "grader/platforms/gradescope";


const VISIBILITIES = ["hidden", "after_due_date", "after_published", "visible"];
const UNIX = 3;
const mode = (bits: number): number => ((0o100000 | bits) << 16) >>> 0;

export interface GradescopeOptions {
  root?: string;
  out: string;
  /** Build without a hidden-seed secret (hidden cases then run on new random seeds each time). */
  withoutSecret?: boolean;
  /** When students see hidden tests' results on Gradescope (default: the grader's, after_published). */
  hiddenVisibility?: string;
  env?: NodeJS.ProcessEnv;
}

export interface GradescopePackage {
  out: string;
  files: string[];
  secretIncluded: boolean;
  bytes: number;
}

export function appFiles(root: string): string[] {
  return projectFiles(root).filter(isGradingFile);
}


function describeCommit(root: string): string {
  try {
    const git = (...args: string[]): string => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();
    const dirty = git("status", "--porcelain").length > 0 ? " (with uncommitted changes)" : "";
    return `${git("rev-parse", "HEAD")}${dirty}`;
  } catch {
    return "unknown (not a git checkout)";
  }
}

export function buildGradescopeZip(options: GradescopeOptions): GradescopePackage {
  const root = resolve(options.root ?? ROOT);
  const env = options.env ?? process.env;
  const secret = findGraderSecret(root, env);
  if (!secret && !options.withoutSecret) {
    throw new Error(
      "no hidden-seed secret: set RL_GRADER_SECRET or write one line to grader/.secret " +
        "(e.g. `openssl rand -hex 32 > grader/.secret`), or pass --without-secret to build one whose hidden cases students can reproduce",
    );
  }
  const entries: Zippable = {};
  const add = (path: string, bytes: Uint8Array, bits: number): void => {
    entries[path] = [bytes, { os: UNIX, attrs: mode(bits) }];
  };
  for (const script of ["setup.sh", "run_autograder"]) {
    add(script, readFileSync(join(root, PLATFORM_DIR, script)), 0o755);
  }
  const files = appFiles(root);
  for (const file of files) {
    const executable = (statSync(join(root, file)).mode & 0o111) !== 0;
    add(`app/${file}`, readFileSync(join(root, file)), executable ? 0o755 : 0o644);
  }
  if (secret) add("app/grader/.secret", Buffer.from(`${secret}\n`), 0o600);
  const info = [
    `Replication Lab autograder built ${new Date().toISOString()}`,
    `from commit ${describeCommit(root)}`,
    `hidden-seed secret: ${secret ? "included" : "NOT included"}`,
    `files: ${files.length}`,
  ].join("\n");
  add("autograder-version.txt", Buffer.from(`${info}\n`), 0o644);
  if (options.hiddenVisibility !== undefined) {
    if (!VISIBILITIES.includes(options.hiddenVisibility)) {
      throw new Error(`--hidden-visibility ${options.hiddenVisibility}: use one of ${VISIBILITIES.join(", ")}`);
    }
    add("autograder.env", Buffer.from(`RL_HIDDEN_VISIBILITY=${options.hiddenVisibility}\n`), 0o644);
  }
  const zip = zipSync(entries, { level: 9 });
  const out = resolve(options.out);
  writeFileSync(out, zip);
  return { out, files, secretIncluded: Boolean(secret), bytes: zip.length };
}

const USAGE = "usage: npm run gradescope -- --out FILE.zip [--without-secret] [--hidden-visibility hidden|after_due_date|after_published|visible]";

export function parseGradescopeArgs(argv: readonly string[]): GradescopeOptions {
  const options: Partial<GradescopeOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--out" || arg === "--hidden-visibility") {
      const value = argv[++i];
      if (value === undefined || value.startsWith("--")) throw new Error(`${arg} needs a value\n${USAGE}`);
      if (arg === "--out") options.out = value;
      else options.hiddenVisibility = value;
    } else if (arg === "--without-secret") options.withoutSecret = true;
    else throw new Error(`unknown option ${JSON.stringify(arg)}\n${USAGE}`);
  }
  if (!options.out) throw new Error(`--out FILE.zip is required\n${USAGE}`);
  if (!options.out.endsWith(".zip")) throw new Error(`--out must name a .zip file, got ${JSON.stringify(options.out)}`);
  return options as GradescopeOptions;
}

function main(argv: string[]): number {
  try {
    const built = buildGradescopeZip(parseGradescopeArgs(argv));
    process.stdout.write(
      `Wrote ${built.out} (${(built.bytes / 1024).toFixed(0)} KB, ${built.files.length} grader files, secret ${built.secretIncluded ? "included" : "NOT included"}).\n` +
        "Upload it as the autograder of a Gradescope programming assignment (Ubuntu base image); see docs/INSTRUCTORS.md.\n",
    );
    return 0;
  } catch (error) {
    process.stderr.write(`gradescope: ${(error as Error).message}\n`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exit(main(process.argv.slice(2)));
}
