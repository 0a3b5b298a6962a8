// Charts: builders that return vega-lite specs, and show() / toSvg() / toPng() / saveChart() for any spec.
export * from "./render";
export * from "./show";
export * from "./save";
export * from "./lag";
export * from "./latency-loss";
export * from "./why";
export * from "./timeline";
export * from "./spacetime";
export * from "./focus";
export * from "./anomaly";
export * from "./staleness";
export * from "./controls";
export * from "./measures";
