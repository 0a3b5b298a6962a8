/**
 * Files a student probably meant as an exercise file, named otherwise: `06-fencing copy.ts`,
 * `06-Fencing.ts`, `06-fencing.ts.txt`, `06_fencing.ts`, `fencing.ts`, `06-fencing (1).ts` for
 * `06-fencing.ts`; beside a `06-fencing.ts` that is there, the same names are its copies, named
 * when that file is still the untouched stub (the work is in the copy).
 *
 * They are named, never graded: a look-alike may be an old draft beside the real answer, or a
 * file of another exercise, and which one the student meant is for them (or an instructor) to
 * say. The grader takes only files named exactly like an exercise; these notes say what it saw
 * instead of a bare "missing".
 *
 * Node's built-ins only, like the rest of the intake (collect.ts): the platform scripts run it from
 * grader copies that are set up with as little as tsx, so the edit distance is written here rather
 * than taken from fastest-levenshtein, which the library uses.
 */
/** Name parts that mark a file as something other than an answer: tests, helpers, declarations. */
const NOT_ANSWERS = new Set(["test", "spec", "support", "d", "meta"]);
/** "06", "6", "ex06", "exercise 6" at the start of a name. */
const NUMBER = /^(?:ex(?:ercise)?[\s_.-]*)?0*(\d{1,3})(?!\d)/;
/** What copying a file adds to its name: " copy", " copy 2", "-copy", " (1)". */
const COPY_SUFFIX = /(?:[\s_-]*copy(?:[\s_-]*\d+)?|[\s_-]*\(\d+\))+$/;
/** Look-alikes kept per search: an upload of thousands of `.ts` files must not cost the batch. */
export const MAX_LOOK_ALIKE_CANDIDATES = 500;

/** The name before its first dot, and the dotted parts after it, lower-cased: "06-fencing copy", ["ts"]. */
function parts(base: string): { key: string; extensions: string[] } {
  const lower = base.toLowerCase();
  const dot = lower.indexOf(".");
  return dot < 0 ? { key: lower, extensions: [] } : { key: lower.slice(0, dot), extensions: lower.slice(dot + 1).split(".") };
}

/**
 * Whether a file's name (without its folder) could be a misnamed exercise file: a TypeScript
 * name (`.ts` among its extensions: `x.ts`, `x.TS`, `x.ts.txt`), not a test, helper or
 * declaration file. Cheap, so that a walk or a zip's listing can keep only these.
 */
export function mightBeMisnamed(base: string): boolean {
  const { key, extensions } = parts(base);
  return key.trim().length > 0 && extensions.includes("ts") && !extensions.some((e) => NOT_ANSWERS.has(e));
}

/** How well a file name fits an exercise file name: 0 best, undefined when it does not. */
function fit(base: string, exercise: string): number | undefined {
  const wanted = /^(\d{2})-(.+)\.ts$/.exec(exercise);
  if (!wanted || !mightBeMisnamed(base)) return undefined;
  const key = parts(base).key.replace(COPY_SUFFIX, "");
  const number = NUMBER.exec(key);
  const sameNumber = number !== null && Number(number[1]) === Number(wanted[1]);
  const rest = (number ? key.slice(number[0].length) : key).replace(/[^a-z0-9]/g, "");
  const slug = wanted[2].replace(/[^a-z0-9]/g, "");
  // One edit in five letters: "fencng", "leader-elections"; never a different word.
  const closeName = rest.length > 0 && withinEdits(rest, slug, Math.max(1, Math.floor(slug.length / 5)));
  if (sameNumber && closeName) return 0;
  if (closeName) return 1;
  if (sameNumber) return 2;
  return undefined;
}

/**
 * Whether `a` becomes `b` in at most `max` insertions, deletions or substitutions (Levenshtein). A
 * length difference past `max` answers at once, so a long name costs nothing.
 */
function withinEdits(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length] <= max;
}

/**
 * For each exercise file name, the files (paths as shown, `/` between folders) that look like it,
 * best first: for a missing one, what the student probably meant instead (named in its message);
 * for one that is there, its copies (`06-fencing copy.ts`, named if the file turns out to be the
 * untouched stub). Names that are exactly an exercise's are never look-alikes.
 *
 * A file is suggested only for the exercise(s) it fits best among the missing ones, and among the
 * present ones: a `05-fencing.ts` goes to a missing 06-fencing.ts (the name) rather than to a
 * missing 05-leader-election.ts (the number). The two are matched apart, so that what a missing
 * file's message offers never depends on which other files are there: `06-leader-election.ts` is
 * offered for a missing 06-fencing.ts even beside 05-leader-election.ts, whose name it has (and
 * named there too, should that file be the stub).
 */
export function lookAlikes(
  missing: readonly string[],
  present: readonly string[],
  files: readonly string[],
  exerciseNames: readonly string[],
): Map<string, string[]> {
  const exact = new Set(exerciseNames);
  return new Map([...bestFits(missing, files, exact), ...bestFits(present, files, exact)]);
}

/** For each of `names`, the files (none of them named like an exercise) that fit it at least as well as any other of `names`, best first. */
function bestFits(names: readonly string[], files: readonly string[], exact: ReadonlySet<string>): Map<string, string[]> {
  const fits = new Map<string, { file: string; score: number }[]>();
  for (const file of files) {
    const base = file.slice(file.lastIndexOf("/") + 1);
    if (exact.has(base)) continue;
    const scored = names.map((name) => ({ name, score: fit(base, name) })).filter((s) => s.score !== undefined) as { name: string; score: number }[];
    if (scored.length === 0) continue;
    const best = Math.min(...scored.map((s) => s.score));
    for (const s of scored.filter((s) => s.score === best)) {
      const list = fits.get(s.name) ?? [];
      list.push({ file, score: s.score });
      fits.set(s.name, list);
    }
  }
  const found = new Map<string, string[]>();
  for (const name of names) {
    const list = fits.get(name);
    if (!list) continue;
    list.sort((a, b) => a.score - b.score || a.file.split("/").length - b.file.split("/").length || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    found.set(name, list.map((f) => f.file));
  }
  return found;
}

/**
 * The sentence that names what was found instead of an exercise file: "exercises/06-fencing.ts is
 * missing; found 'exercises/06-fencing copy.ts' — rename it to 06-fencing.ts and submit again".
 * `again` says what to do after renaming ("submit again", "grade again").
 */
export function lookAlikeMessage(missingShown: string, name: string, found: readonly string[], again: string): string {
  const shown = found.slice(0, 3).map((f) => `'${f}'`).join(", ") + (found.length > 3 ? ` and ${found.length - 3} more` : "");
  return `${missingShown} is missing; found ${shown} — rename ${found.length === 1 ? "it" : "the one you meant"} to ${name} and ${again}`;
}
