/**
 * esbuild outputs the grader keeps in node_modules/.cache/replication-lab-grader/, each under a
 * name derived from its sources' contents: an edit to a source builds afresh, an unchanged build
 * is reused by every later grading call. A build goes beside its final place and is renamed, so a
 * grading call running at the same time never sees half of one; builds of the same kind unused
 * for a day are removed. Where that folder cannot be written (a read-only copy of the grader), a build that
 * imports no package can go into a temporary folder of this process instead.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { BuildOptions } from "esbuild";
import { NODE_BUILD } from "./esbuild-node.mjs";
import { trace } from "./trace";

export interface CachedBuild {
  /** Kind of build, the start of its folder's name: "lib", "sandbox". */
  kind: string;
  /** Files whose contents decide the build (and its name). */
  sources: string[];
  /** A file the finished build has, relative to its folder. */
  marker: string;
  /**
   * What to build: entry points (and `outbase`). The output is always ES modules for Node 20
   * (`.mjs`), bundled with shared chunks (one instance of every module), packages left to Node.
   */
  options: Pick<BuildOptions, "entryPoints" | "outbase" | "packages">;
  /** Bumped when the options change, so that older builds are not reused. */
  format: string;
  /**
   * Build into a temporary folder when the cache cannot be written. Only for code that imports no
   * package (from a temporary folder, Node would not find node_modules).
   */
  temporaryFallback: boolean;
}

/** A build not used for this long is removed when another of its kind is made. */
const STALE_MS = 24 * 60 * 60_000;

/** Builds made or found by this process, by folder name: one build per name, however many callers. */
const made = new Map<string, Promise<string>>();

/** The folder of the build for the sources as they are now, made if needed. */
export function cachedBuild(root: string, b: CachedBuild): Promise<string> {
  const hash = createHash("sha256").update(b.format);
  for (const file of b.sources) hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  const name = `${b.kind}-${hash.digest("hex").slice(0, 16)}`;
  const key = `${root}\0${name}`;
  let pending = made.get(key);
  if (!pending) {
    pending = build(root, b, name);
    made.set(key, pending);
    pending.catch(() => made.delete(key));
  }
  return pending;
}

async function build(root: string, b: CachedBuild, name: string): Promise<string> {
  const found = reuse(root, name, b.marker);
  if (found) return found;
  let scratch: string;
  try {
    scratch = scratchFolder(root);
  } catch (error) {
    if (!b.temporaryFallback) throw error;
    scratch = mkdtempSync(join(tmpdir(), `rl-${b.kind}-`));
    await esbuildInto(b, scratch);
    return scratch;
  }
  await esbuildInto(b, scratch);
  return place(root, b.kind, name, scratch);
}

async function esbuildInto(b: CachedBuild, outdir: string): Promise<void> {
  const esbuild = await import("esbuild");
  await esbuild.build({ ...NODE_BUILD, ...b.options, packages: b.options.packages ?? NODE_BUILD.packages, outdir });
}

const cacheDir = (root: string): string => join(root, "node_modules", ".cache", "replication-lab-grader");

/** A finished build of this name, marked as in use; undefined when there is none. */
function reuse(root: string, name: string, marker: string): string | undefined {
  const out = join(cacheDir(root), name);
  if (!existsSync(join(out, marker))) return undefined;
  try {
    const now = new Date();
    utimesSync(out, now, now); // in use: not stale
  } catch {
    // a read-only cache: it is never cleaned by this process either
  }
  return out;
}

/** A new folder to build into, beside the builds (throws when the cache cannot be written). */
function scratchFolder(root: string): string {
  mkdirSync(cacheDir(root), { recursive: true });
  return mkdtempSync(join(cacheDir(root), "building-"));
}

/** Gives a finished build in `scratch` its name, and removes builds of its kind unused for a day. */
function place(root: string, kind: string, name: string, scratch: string): string {
  const cache = cacheDir(root);
  const out = join(cache, name);
  try {
    renameSync(scratch, out);
  } catch {
    rmSync(scratch, { recursive: true, force: true }); // another call finished first: use its build
  }
  // Older builds may still be in use by a grading call that started before (a batch, a notebook's
  // judge): only those untouched for a day are removed.
  for (const old of readdirSync(cache)) {
    if (!old.startsWith(`${kind}-`) || old === name) continue;
    const path = join(cache, old);
    try {
      if (Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // removed by another call meanwhile
    }
  }
  trace(`built ${relative(root, out)}`);
  return out;
}

/**
 * The same for a build made by `make(folder)` in this thread (the type check's declaration files,
 * which the compiler writes synchronously): the folder of the build of `kind` for `key` (what
 * the build depends on), made if needed; undefined when the cache cannot be written.
 */
export function cachedFolderSync(root: string, kind: string, key: string, marker: string, make: (dir: string) => void): string | undefined {
  const name = `${kind}-${createHash("sha256").update(key).digest("hex").slice(0, 16)}`;
  const found = reuse(root, name, marker);
  if (found) return found;
  let scratch: string;
  try {
    scratch = scratchFolder(root);
  } catch {
    return undefined;
  }
  try {
    make(scratch);
  } catch (error) {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
  return place(root, kind, name, scratch);
}
