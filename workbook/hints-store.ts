/**
 * How many hints of each exercise the student has seen, kept in <root>/.cache/hints.json (ignored
 * by git), so that hint() continues where it stopped after a kernel restart.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

type Seen = Record<string, number>;

function storePath(root: string): string {
  return join(root, ".cache", "hints.json");
}

export function hintsSeen(root: string): Seen {
  const path = storePath(root);
  if (!existsSync(path)) return {};
  try {
    const data = JSON.parse(readFileSync(path, "utf8")) as unknown;
    return data && typeof data === "object" ? (data as Seen) : {};
  } catch {
    return {}; // a damaged file only resets the count
  }
}

export function recordHintSeen(root: string, id: string, count: number): void {
  const seen = hintsSeen(root);
  seen[id] = Math.max(seen[id] ?? 0, count);
  mkdirSync(join(root, ".cache"), { recursive: true });
  writeFileSync(storePath(root), `${JSON.stringify(seen, null, 2)}\n`);
}
