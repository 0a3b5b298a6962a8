/**
 * Notebooks for the student release: cells tagged `instructor-only` are dropped (teaching notes,
 * worked answers), and outputs are cleared when asked. A notebook that needs no change is kept
 * byte for byte.
 */

interface Cell {
  cell_type: string;
  metadata?: { tags?: string[] };
  outputs?: unknown[];
  execution_count?: number | null;
}

interface Notebook {
  cells: Cell[];
}

export const INSTRUCTOR_TAG = "instructor-only";

/** A cell the release drops: teaching notes, worked answers. */
export function isInstructorCell(cell: { metadata?: { tags?: string[] } }): boolean {
  return cell.metadata?.tags?.includes(INSTRUCTOR_TAG) === true;
}

export function releaseNotebook(text: string, options: { clearOutputs: boolean }): string {
  const notebook = JSON.parse(text) as Notebook;
  const hasOutputs = (cell: Cell): boolean => (cell.outputs?.length ?? 0) > 0 || (cell.execution_count ?? null) !== null;
  const changes = notebook.cells.some(isInstructorCell) || (options.clearOutputs && notebook.cells.some(hasOutputs));
  if (!changes) return text;
  notebook.cells = notebook.cells.filter((cell) => !isInstructorCell(cell));
  if (options.clearOutputs) {
    for (const cell of notebook.cells) {
      if (cell.cell_type !== "code") continue;
      cell.outputs = [];
      cell.execution_count = null;
    }
  }
  return notebookText(notebook);
}

/** A notebook in nbformat's own layout (sorted keys, one-space indent), so saving in Jupyter changes nothing. */
export function notebookText(notebook: unknown): string {
  return `${JSON.stringify(sortKeys(notebook), null, 1)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value as object)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
