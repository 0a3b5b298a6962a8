/**
 * Where the workbook lives, and what its exercises are, seen from a notebook.
 *
 * A notebook's working directory is notebooks/, a script's may be anywhere inside the project:
 * the root is the nearest folder upwards whose package.json is named "replication-lab".
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const PACKAGE_NAME = "replication-lab";

/** The project root above `start` (default: the working directory); throws if there is none. */
export function projectRoot(start: string = process.cwd()): string {
  let dir = start;
  for (;;) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === PACKAGE_NAME) return dir;
      } catch {
        // an unreadable package.json is not ours; keep looking upwards
      }
    }
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`not inside the ${PACKAGE_NAME} workbook: no package.json named "${PACKAGE_NAME}" above ${start}`);
    }
    dir = parent;
  }
}

export interface ExerciseInfo {
  /** "05" */
  id: string;
  /** "05-leader-election" */
  name: string;
  title: string;
  notebook?: string;
  hints: string[];
}

/** The workbook's exercises, from grader/exercises/NN-name.meta.json. */
export function listExercises(root: string): ExerciseInfo[] {
  const dir = join(root, "grader", "exercises");
  if (!existsSync(dir)) return [];
  const out: ExerciseInfo[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = /^((\d{2})-[a-z0-9-]+)\.meta\.json$/.exec(file);
    if (!m) continue;
    const meta = JSON.parse(readFileSync(join(dir, file), "utf8")) as Partial<ExerciseInfo>;
    out.push({ id: m[2], name: m[1], title: meta.title ?? m[1], notebook: meta.notebook, hints: meta.hints ?? [] });
  }
  return out;
}

/** The exercise called `id` ("05", "5" or "05-leader-election"); a clear error if there is none. */
export function findExercise(root: string, id: string): ExerciseInfo {
  const all = listExercises(root);
  const wanted = String(id).trim();
  const found = all.find((e) => e.id === wanted || e.name === wanted || Number(e.id) === Number(wanted));
  if (!found) {
    throw new Error(`no exercise ${JSON.stringify(id)}; the exercises are ${all.map((e) => `"${e.id}"`).join(", ") || "(none found)"}`);
  }
  return found;
}
