// Charts: show a vega-lite spec in a notebook, render it to SVG or PNG, save it to a file.
export * from "./render";
export * from "./show";
export * from "./save";
export * from "./lag";
export * from "./latency-loss";
export * from "./why";
export * from "./timeline";
export * from "./spacetime";
