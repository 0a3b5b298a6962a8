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

/** A call in a notebook's code cell that names an exercise: `check("05")`, `hint("05")`, `tryExercise("01")`... */
export interface ExerciseCall {
  id: string;
  /** 1 for the notebook's first cell, as `npm run test:notebooks` counts them. */
  cell: number;
  /** The line that makes the call. */
  call: string;
}

/** The workbook helpers that take exercise ids (workbook/): each id is a two-digit string argument. */
const HELPER_CALL = /\b(?:check|hint|drawCase|tryExercise|solution)\s*\(([^)]*)\)/g;

/**
 * Every exercise id the code cells of a notebook pass to a workbook helper, with the cell and the
 * line; cells `skip` names (those the release drops) are passed over.
 */
export function exerciseCalls(text: string, skip: (cell: Cell & { source?: string | string[] }) => boolean = () => false): ExerciseCall[] {
  let cells: (Cell & { source?: string | string[] })[];
  try {
    cells = (JSON.parse(text) as { cells?: (Cell & { source?: string | string[] })[] }).cells ?? [];
  } catch {
    return [];
  }
  const calls: ExerciseCall[] = [];
  cells.forEach((cell, index) => {
    if (cell.cell_type !== "code" || skip(cell)) return;
    const source = Array.isArray(cell.source) ? cell.source.join("") : (cell.source ?? "");
    for (const line of source.split("\n")) {
      for (const match of line.matchAll(HELPER_CALL)) {
        for (const id of match[1].matchAll(/["'`](\d{2})["'`]/g)) calls.push({ id: id[1], cell: index + 1, call: line.trim() });
      }
    }
  });
  return calls;
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
