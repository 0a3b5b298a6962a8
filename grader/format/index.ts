/** Every report format, by the name `--format` takes. */
import type { GradeReport } from "../engine/report";
import { formatClassroom } from "./classroom";
import { formatGradescope, type GradescopeVisibility } from "./gradescope";
import { formatJunit } from "./junit";
import { formatMarkdown } from "./markdown";
import { formatPrairieLearn } from "./prairielearn";
import { formatTable } from "./table";

export const FORMATS = ["table", "json", "gradescope", "prairielearn", "junit", "markdown", "classroom", "classroom-base64"] as const;
export type Format = (typeof FORMATS)[number];

export interface FormatOptions {
  hiddenVisibility?: GradescopeVisibility;
}

export function formatReport(report: GradeReport, format: Format, options: FormatOptions = {}): string {
  switch (format) {
    case "table":
      return formatTable(report);
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "gradescope":
      return formatGradescope(report, options.hiddenVisibility);
    case "prairielearn":
      return formatPrairieLearn(report);
    case "junit":
      return formatJunit(report);
    case "markdown":
      return formatMarkdown(report);
    case "classroom":
      return formatClassroom(report);
    case "classroom-base64":
      return formatClassroom(report, true);
  }
}
