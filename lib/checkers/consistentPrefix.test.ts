import { describe, expect, it } from "vitest";
import { consistentPrefix } from "./consistentPrefix";
import { HistoryBuilder } from "./historyBuilder";

/** Mrs Cake asks a question on a post; Mr Poons replies to it. */
function thread(): { b: HistoryBuilder; question: number; reply: number } {
  const b = new HistoryBuilder();
  const question = b.write({ client: "cake", key: "post1:c1", value: "How far into the future?", invokeMs: 0, ackMs: 1 });
  const reply = b.write({
    client: "poons",
    key: "post1:c2",
    value: "About ten seconds",
    invokeMs: 5,
    ackMs: 6,
    dependsOn: [question],
  });
  return { b, question, reply };
}

describe("consistentPrefix", () => {
  it("finds the page that shows the reply but not the question", () => {
    const { b, question, reply } = thread();
    const page = b.read({
      client: "observer",
      invokeMs: 10,
      sees: { "post1:c1": { write: null, node: "B" }, "post1:c2": { write: reply, node: "A" } },
    });
    expect(consistentPrefix(b.build())).toEqual([
      {
        guarantee: "consistent-prefix",
        ops: [page, reply, question],
        atMs: 10,
        message:
          'read 2 by observer at 10 ms showed post1:c2 = "About ten seconds" (write 1) from node A but not write 0 (post1:c1 = "How far into the future?") it depends on: node B gave no value for post1:c1',
      },
    ]);
  });

  it("reports nothing for an empty history", () => {
    expect(consistentPrefix(new HistoryBuilder().build())).toEqual([]);
  });

  it("reports nothing when the page shows the question with the reply, or neither", () => {
    const { b, question, reply } = thread();
    b.read({ client: "observer", invokeMs: 10, sees: { "post1:c1": question, "post1:c2": reply } });
    b.read({ client: "observer", invokeMs: 11, node: "C", sees: { "post1:c1": null, "post1:c2": null } });
    b.read({ client: "observer", invokeMs: 12, node: "B", sees: { "post1:c1": question, "post1:c2": null } });
    expect(consistentPrefix(b.build())).toEqual([]);
  });

  it("accepts a newer value in place of the dependency, which superseded it", () => {
    const { b, reply } = thread();
    const edited = b.write({ client: "cake", key: "post1:c1", value: "(edited)", invokeMs: 7, ackMs: 8 });
    b.read({ client: "observer", invokeMs: 10, sees: { "post1:c1": edited, "post1:c2": reply } });
    expect(consistentPrefix(b.build())).toEqual([]);
  });

  it("does not blame a read that did not ask for the dependency's key", () => {
    const { b, reply } = thread();
    b.read({ client: "observer", invokeMs: 10, node: "A", sees: { "post1:c2": reply } });
    expect(consistentPrefix(b.build())).toEqual([]);
  });

  it("reports an older value of the dependency's key as missing it", () => {
    const b = new HistoryBuilder();
    const draft = b.write({ client: "cake", key: "q", value: "draft", invokeMs: 0, ackMs: 1 });
    const question = b.write({ client: "cake", key: "q", value: "final", invokeMs: 2, ackMs: 3 });
    const reply = b.write({ client: "poons", key: "r", value: "yes", invokeMs: 4, ackMs: 5, dependsOn: [question] });
    b.read({ client: "observer", invokeMs: 10, node: "A", sees: { q: draft, r: reply } });
    expect(consistentPrefix(b.build()).map((v) => v.ops)).toEqual([[3, reply, question]]);
  });

  it("skips a dependency that no node ever accepted", () => {
    const b = new HistoryBuilder();
    const failed = b.write({ client: "cake", key: "q", value: "?", invokeMs: 0, failure: "not-leader" });
    const reply = b.write({ client: "poons", key: "r", value: "yes", invokeMs: 4, ackMs: 5, dependsOn: [failed] });
    b.read({ client: "observer", invokeMs: 10, sees: { q: null, r: reply } });
    expect(consistentPrefix(b.build())).toEqual([]);
  });
});
