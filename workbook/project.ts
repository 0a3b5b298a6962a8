/**
 * Where the workbook lives, and what its exercises are, seen from a notebook.
 *
 * A notebook's working directory is notebooks/, a script's may be anywhere inside the project:
 * the root is the nearest folder upwards whose package.json is named "replication-lab".
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { listExercises, type ExerciseInfo } from "../grader/api";
import { shown, UsageError } from "./usage";

export { listExercises, type ExerciseInfo } from "../grader/api";

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

/**
 * The exercise called `id` ("05", "5", 5 or "05-leader-election"); a UsageError naming the
 * exercises there are if there is none.
 */
export function findExercise(root: string, id: unknown): ExerciseInfo {
  const all = listExercises(root);
  const known = all.map((e) => `"${e.id}"`).join(", ") || "(none found)";
  if (typeof id !== "string" && !(typeof id === "number" && Number.isInteger(id))) {
    throw new UsageError(`the exercise must be named by its number as a string, such as "05"; got ${shown(id)}; the exercises are ${known}`);
  }
  const wanted = String(id).trim();
  const found = all.find((e) => e.id === wanted || e.name === wanted || (wanted !== "" && Number(e.id) === Number(wanted)));
  if (!found) throw new UsageError(`no exercise ${JSON.stringify(id)}; the exercises are ${known}`);
  return found;
}
