import { describe, expect, it } from "vitest";
import { ConfigError } from "../errors";
import { controlFor } from "./controls";

const rowsOf = (values: (string | number)[]) => values.map((v) => ({ v }));

describe("controlFor", () => {
  it("binds a slider to evenly spaced numbers, starting at the middle one", () => {
    const c = controlFor(rowsOf([10, 2, 6, 2, 4, 8]), { field: "v", title: "delay (ms)" }, "delay");
    expect(c.param).toEqual({ name: "delay", value: 6, bind: { input: "range", min: 2, max: 10, step: 2, name: "delay (ms): " } });
    expect(c.filter).toEqual({ filter: 'datum["v"] === delay' });
  });

  it("offers radio buttons for two or three choices and a drop-down for more", () => {
    expect(controlFor(rowsOf(["a", "b"]), { field: "v", title: "t" }, "p").param.bind).toMatchObject({ input: "radio", options: ["a", "b"] });
    expect(controlFor(rowsOf([1, 2, 5, 10]), { field: "v", title: "t" }, "p").param.bind).toMatchObject({ input: "select", options: [1, 2, 5, 10] });
  });

  it("has no input for a single value, and starts where asked", () => {
    expect(controlFor(rowsOf([3]), { field: "v", title: "t" }, "p").param).toEqual({ name: "p", value: 3 });
    expect(controlFor(rowsOf(["a", "b", "c"]), { field: "v", title: "t", initial: "c" }, "p").initial).toBe("c");
  });

  it("names bad options", () => {
    expect(() => controlFor(rowsOf([1, 2]), { field: "v", title: "t", initial: 7 }, "p")).toThrow(/control.initial: 7 is not allowed; it must be one of the rows' values: 1, 2/);
    expect(() => controlFor(rowsOf([1]), { field: "w", title: "t" }, "p")).toThrow(ConfigError);
    expect(() => controlFor(rowsOf([1]), null as never, "p")).toThrow(/control: null/);
  });
});
