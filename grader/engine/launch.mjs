/**
 * Runs a grader entry point compiled: `node grader/engine/launch.mjs grader/cli.ts ARGS` is what
 * `npm run grade` runs.
 *
 * Run through tsx, every module the grader loads (vitest, vite and the grader's own) passes
 * through a TypeScript loader first: a fifth of the CPU time of grading a submission cold. Instead
 * the entry is compiled with esbuild into ES modules with shared chunks, kept in
 * node_modules/.cache/replication-lab-grader/ under a name derived from the grader's and the
 * library's sources (an edit builds afresh; the notebook judge is compiled the same way, see
 * grader/api.ts), and Node loads them as they are. The entry must export
 * `main(argv): Promise<number>`, the exit code. Where the build cannot be made or kept (a
 * read-only copy of the grader, no esbuild), the entry runs through tsx as before.
 *
 * Plain JavaScript, because it runs before anything can compile TypeScript.
 */
import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { NODE_BUILD } from "./esbuild-node.mjs";

const root = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const [entry, ...args] = process.argv.slice(2);
/** Bumped when the build's options change. */
const FORMAT = "1";
const DAY_MS = 24 * 60 * 60_000;

/** The TypeScript the entry may load: the grader's and the library's sources, tests and fixtures left out. */
function sources(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((d) => {
      const path = join(dir, d.name);
      if (d.isDirectory()) return d.name === "fixtures" || d.name === "variants" ? [] : sources(path);
      return d.name.endsWith(".ts") && !d.name.endsWith(".test.ts") ? [path] : [];
    });
}

/** The compiled entry for the sources as they are now, built if needed. */
async function compiled() {
  const name = basename(entry).replace(/\.ts$/, "");
  const hash = createHash("sha256").update(`${FORMAT}\0${entry}\0`);
  for (const file of [...sources(join(root, "grader")), ...sources(join(root, "lib"))]) hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  const cache = join(root, "node_modules", ".cache", "replication-lab-grader");
  const kind = `entry-${name}-`;
  const out = join(cache, `${kind}${hash.digest("hex").slice(0, 16)}`);
  const file = join(out, `${name}.mjs`);
  if (existsSync(file)) {
    const now = new Date();
    try {
      utimesSync(out, now, now); // in use: not stale
    } catch {
      // Built by another account (e.g. root before grading as an unprivileged user): still usable.
    }
    return file;
  }
  const esbuild = await import("esbuild");
  mkdirSync(cache, { recursive: true });
  const scratch = mkdtempSync(join(cache, "building-"));
  await esbuild.build({ ...NODE_BUILD, entryPoints: { [name]: join(root, entry) }, outdir: scratch });
  // Readable by every account: platforms grade as an unprivileged user with the build root made.
  chmodSync(scratch, 0o755);
  try {
    renameSync(scratch, out);
  } catch {
    rmSync(scratch, { recursive: true, force: true }); // another call built it first: use that one
  }
  // Builds of older sources, unused for a day, go (a batch started before the edit may still use one).
  for (const old of readdirSync(cache)) {
    const path = join(cache, old);
    if (old.startsWith(kind) && path !== out && Date.now() - statSync(path).mtimeMs > DAY_MS) rmSync(path, { recursive: true, force: true });
  }
  return file;
}

if (!entry || !existsSync(join(root, entry))) {
  process.stderr.write(`usage: node grader/engine/launch.mjs grader/cli.ts [arguments]: ${entry ? `${entry} is not a file of this project` : "name the entry point"}\n`);
  process.exit(2);
}
let module;
try {
  const file = await compiled();
  // The compiled code lives in node_modules/.cache/: it finds the project through this.
  process.env.RL_PROJECT_ROOT ||= root;
  module = await import(pathToFileURL(file).href);
} catch {
  const { register } = await import("tsx/esm/api");
  register();
  module = await import(pathToFileURL(join(root, entry)).href);
}
module.main(args).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  },
);
