/**
 * A control under a chart (slider, drop-down or radio buttons) that picks which of the
 * precomputed rows the chart draws: exploring needs no re-run. vega-embed draws the control in
 * classic Notebook (through this project's extension), JupyterLab and VS Code; the static image
 * shows the first setting.
 */
import { ConfigError } from "../errors";
import { distinctValues, type ChartRow } from "./rows";

/** A chart option naming the field a control picks, and how the control is labelled. */
export interface ControlOption {
  /** The rows' field whose value the control picks, e.g. "jitterMs". */
  field: string;
  /** The control's label, e.g. "ocean jitter, mean (ms)". */
  title: string;
  /** The value shown first (and in the static image). Default: the middle one of the sorted values. */
  initial?: string | number;
}

/** A vega-lite parameter bound to an input, and the filter that keeps the rows it picks. */
export interface Control {
  param: Record<string, unknown>;
  filter: { filter: string };
  initial: string | number;
}

/**
 * The control for `option` over `rows`: a slider for evenly spaced numbers (three or more), radio
 * buttons for two or three labels, a drop-down otherwise. `name` is the parameter's name, used in
 * the filter's expression.
 */
export function controlFor(rows: ChartRow[], option: ControlOption, name: string): Control {
  if (option === null || typeof option !== "object" || typeof option.field !== "string" || typeof option.title !== "string") {
    throw new ConfigError("control", option, 'it must be { field, title }, e.g. { field: "jitterMs", title: "jitter (ms)" }');
  }
  const values = distinctValues(rows, option.field);
  if (values.length === 0 || values.some((v) => typeof v !== "string" && typeof v !== "number")) {
    throw new ConfigError(`control.field`, option.field, "every row needs a string or number in this field");
  }
  const numeric = values.every((v) => typeof v === "number");
  const sorted = numeric ? (values as number[]).slice().sort((a, b) => a - b) : values;
  const initial = option.initial ?? sorted[Math.floor((sorted.length - 1) / 2)];
  if (!values.includes(initial)) throw new ConfigError("control.initial", initial, `it must be one of the rows' values: ${sorted.join(", ")}`);
  const label = `${option.title}: `;
  let bind: Record<string, unknown>;
  const nums = sorted as number[];
  const step = numeric && nums.length >= 3 ? nums[1] - nums[0] : 0;
  if (step > 0 && nums.every((v, i) => i === 0 || Math.abs(v - nums[i - 1] - step) < 1e-9 * Math.max(1, Math.abs(step)))) {
    bind = { input: "range", min: nums[0], max: nums[nums.length - 1], step, name: label };
  } else if (sorted.length <= 3) {
    bind = { input: "radio", options: sorted, name: label };
  } else {
    bind = { input: "select", options: sorted, name: label };
  }
  return {
    param: { name, value: initial, ...(sorted.length > 1 ? { bind } : {}) },
    filter: { filter: `datum[${JSON.stringify(option.field)}] === ${name}` },
    initial,
  };
}
