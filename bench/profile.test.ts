import { describe, expect, it } from "vitest";
import { compareProfiles, parseReport, parseReportLine, total } from "./profile";

// Lines as `perf report --sort symbol --stdio -n` prints them after `perf inject --jit`.
const REPORT = `# Samples: 12K of event 'cpu-clock:pppH'
#
# Overhead       Samples  Symbol
# ........  ............  ......
#
    14.71%           784  [k] pvm_irq_enable                                   -      -
     9.74%           519  [.] JS:*drain file:///w/.cache/bench/new-bundle.mjs:3573:15   -      -
     8.01%           427  [.] v8::internal::FactoryBase<v8::internal::Factory>::NewFixedArrayWithFiller
     6.81%           363  [.] JS:*drain file:///w/.cache/bench/new-bundle.mjs:3573:15
     0.38%            20  [.] JS:^check file:///w/.cache/bench/new-bundle.mjs:566:8
     0.73%            39  [k] __list_del_entry_valid_or_report
`;

describe("bench --profile's report parser", () => {
  it("reads a function and its samples, without tier marker or file position", () => {
    expect(parseReportLine("     9.74%           519  [.] JS:*drain file:///w/new.mjs:3573:15   -      -")).toEqual({ name: "JS drain", samples: 519 });
    expect(parseReportLine("     0.38%            20  [.] JS:^check file:///w/new.mjs:566:8")).toEqual({ name: "JS check", samples: 20 });
    expect(parseReportLine("     8.01%           427  [.] v8::base::ieee754::log")).toEqual({ name: "v8::base::ieee754::log", samples: 427 });
    expect(parseReportLine("    14.71%           784  [k] pvm_irq_enable")).toEqual({ name: "kernel", samples: 784 });
    expect(parseReportLine("# Overhead       Samples  Symbol")).toBeUndefined();
    expect(parseReportLine("")).toBeUndefined();
  });

  it("adds up a function's compiled versions and the kernel's symbols", () => {
    const p = parseReport(REPORT);
    expect(p.get("JS drain")).toBe(882);
    expect(p.get("kernel")).toBe(823);
    expect(p.get("JS check")).toBe(20);
    expect(total(p)).toBe(784 + 519 + 427 + 363 + 20 + 39);
    expect(total(p, (n) => n.startsWith("JS "))).toBe(902);
  });

  it("lists the functions that weigh most in either version first", () => {
    const old = new Map([["JS run", 900], ["JS onAck", 300], ["kernel", 500]]);
    const now = new Map([["JS drain", 880], ["JS tryCommit", 250], ["kernel", 480]]);
    expect(compareProfiles(old, now, 3)).toEqual([
      { name: "JS run", old: 900, new: 0 },
      { name: "JS drain", old: 0, new: 880 },
      { name: "kernel", old: 500, new: 480 },
    ]);
  });
});
