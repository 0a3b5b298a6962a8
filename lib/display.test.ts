import { describe, expect, it, vi } from "vitest";
import { showTable, tableHtml, tableText } from "./display";
import { ConfigError } from "./errors";

const rows = [
  { policy: "async", p99Ms: 0.5, lost: "yes" },
  { policy: "sync-all", p99Ms: 115.52, lost: "no", note: "waits for the slowest follower" },
];

describe("tables", () => {
  it("lays out rows as aligned text, numbers to the right, columns in first-seen order", () => {
    expect(tableText(rows)).toBe(
      [
        "policy     p99Ms  lost  note",
        "--------  ------  ----  ------------------------------",
        "async        0.5  yes",
        "sync-all  115.52  no    waits for the slowest follower",
      ].join("\n"),
    );
  });

  it("takes an object of rows keyed by name, as console.table does, with a header for the keys", () => {
    const text = tableText({ async: { lost: 7 }, "sync-all": { lost: 0 } }, { indexTitle: "policy" });
    expect(text.split("\n")[0]).toBe("policy    lost");
    expect(text.split("\n")[3]).toBe("sync-all     0");
  });

  it("renders HTML that scrolls sideways and keeps short cells on one line", () => {
    const html = tableHtml(rows, { title: "Contract" });
    expect(html).toMatch(/^<div style="overflow-x:auto/);
    expect(html).toContain("<caption");
    expect(html).toContain('<td style="text-align:right;white-space:nowrap">115.52</td>');
    // The long sentence may wrap inside its cell; it is not cut.
    const long = "every write waits for the slowest follower, so one slow disk sets the pace";
    expect(tableHtml([{ note: long }])).toContain(`white-space:normal;min-width:18em">${long}</td>`);
  });

  it("escapes markup in cells and headers", () => {
    const html = tableHtml([{ "<b>": "<script>alert(1)</script>" }]);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;b&gt;");
  });

  it("prints the text form outside a notebook", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      showTable([{ a: 1 }]);
      expect(log).toHaveBeenCalledWith("a\n-\n1");
    } finally {
      log.mockRestore();
    }
  });

  it("names the bad input", () => {
    expect(() => tableText(null as never)).toThrow(ConfigError);
    expect(() => tableText([{ a: 1 }, 3] as never)).toThrow(/rows\[1\]: 3 is not allowed/);
  });
});
