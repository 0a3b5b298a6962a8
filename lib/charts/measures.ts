/**
 * A few measures side by side for a few choices: one small bar chart per measure, one bar per
 * choice, with a control under the chart that picks the situation (a scenario, a setting) when
 * the rows hold several. For contracts such as "lost writes, split brain, time to recover" per
 * way of deciding leadership, per fault.
 */
import { ConfigError } from "../errors";
import { controlFor, type ControlOption } from "./controls";
import type { VegaLiteSpec } from "./render";
import { checkLabelFields, checkRowList, distinctValues, type ChartRow } from "./rows";

export interface MeasuresChartOptions {
  /** The field naming each bar (e.g. "coordinator"). */
  choiceField: string;
  /** The measures, each a numeric field and the title of its panel. */
  measures: { field: string; title: string }[];
  /** A control that picks the rows of one situation (e.g. `{ field: "scenario", title: "fault" }`). */
  control?: ControlOption;
  title?: string;
  subtitle?: string | string[];
  /** Size of each panel, px. Default 170 x 150. */
  width?: number;
  height?: number;
}

/** @example await show(measuresChart(rows, { choiceField: "coordinator", measures: [{ field: "lost", title: "acked writes lost" }], control: { field: "scenario", title: "fault" } })) */
export function measuresChart(rows: ChartRow[], options: MeasuresChartOptions): VegaLiteSpec {
  const list = checkRowList(rows);
  if (options === null || typeof options !== "object" || typeof options.choiceField !== "string") {
    throw new ConfigError("options.choiceField", options?.choiceField, "name the field that labels each bar, e.g. \"coordinator\"");
  }
  if (!Array.isArray(options.measures) || options.measures.length === 0) {
    throw new ConfigError("options.measures", options.measures, 'list at least one { field, title }, e.g. [{ field: "lost", title: "acked writes lost" }]');
  }
  checkLabelFields(list, [options.choiceField]);
  list.forEach((r, i) => {
    for (const m of options.measures) {
      const v = r[m.field];
      // Infinity (e.g. "never recovered") is drawn as a bar to the top and said in the tooltip.
      if (typeof v !== "number" || Number.isNaN(v) || v < 0) throw new ConfigError(`rows[${i}].${m.field}`, v, "it must be a number >= 0");
    }
  });
  const control = options.control ? controlFor(list, options.control, "situation") : undefined;
  const choices = distinctValues(list, options.choiceField);
  const width = options.width ?? 170;
  const height = options.height ?? 150;
  const values = list.map((r) => {
    const out: ChartRow = { choice: r[options.choiceField] };
    if (options.control) out[options.control.field] = r[options.control.field];
    for (const m of options.measures) {
      const v = r[m.field] as number;
      out[m.field] = Number.isFinite(v) ? v : null;
      out[`${m.field}Text`] = Number.isFinite(v) ? String(Math.round(v * 10) / 10) : "never";
    }
    return out;
  });
  const panel = (m: { field: string; title: string }) => {
    const finite = list.map((r) => r[m.field] as number).filter(Number.isFinite);
    const top = Math.max(1, ...finite) * 1.15;
    return {
      width,
      height,
      title: { text: m.title, fontSize: 12 },
      transform: [...(control ? [control.filter] : []), { calculate: `datum['${m.field}'] === null ? ${top} : datum['${m.field}']`, as: "shown" }],
      layer: [
        {
          mark: { type: "bar", tooltip: true },
          encoding: {
            x: { field: "choice", type: "nominal", title: null, sort: choices, axis: { labelAngle: -25, labelLimit: 240 } },
            y: { field: "shown", type: "quantitative", title: null, scale: { domain: [0, top] } },
            color: { field: "choice", type: "nominal", legend: null, scale: { domain: choices } },
            opacity: { condition: { test: `datum['${m.field}'] === null`, value: 0.35 }, value: 1 },
            tooltip: [
              { field: "choice", type: "nominal", title: options.choiceField },
              { field: `${m.field}Text`, type: "nominal", title: m.title },
            ],
          },
        },
        {
          mark: { type: "text", dy: -6, fontSize: 10 },
          encoding: {
            x: { field: "choice", type: "nominal", sort: choices },
            y: { field: "shown", type: "quantitative" },
            text: { field: `${m.field}Text`, type: "nominal" },
          },
        },
      ],
    };
  };
  const subtitle = [
    ...(options.subtitle === undefined ? [] : Array.isArray(options.subtitle) ? options.subtitle : [options.subtitle]),
    ...(control && options.control ? [`${options.control.title}: ${control.initial}${"bind" in control.param ? " at first; the control under the chart changes it" : ""}.`] : []),
  ];
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: { text: options.title ?? "Measures per choice", ...(subtitle.length ? { subtitle } : {}), anchor: "start" },
    data: { values },
    ...(control ? { params: [control.param] } : {}),
    hconcat: options.measures.map(panel),
  };
}
