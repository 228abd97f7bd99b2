import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterEach, describe, expect, it } from "vitest";
import { drain, runWithEvents } from "./run.js";
import { sleep } from "./sleep.js";
import {
  captureSpan,
  currentSpanId,
  phase,
  type SpanEndEvent,
  type SpanStartEvent,
  WORK_CHANNELS,
  withSpan,
} from "./span.js";

const seen: Array<["start", SpanStartEvent] | ["end", SpanEndEvent]> = [];
const onStart = (e: unknown) => seen.push(["start", e as SpanStartEvent]);
const onEnd = (e: unknown) => seen.push(["end", e as SpanEndEvent]);
function listen() {
  seen.length = 0;
  subscribe(WORK_CHANNELS.start, onStart);
  subscribe(WORK_CHANNELS.end, onEnd);
}
afterEach(() => {
  unsubscribe(WORK_CHANNELS.start, onStart);
  unsubscribe(WORK_CHANNELS.end, onEnd);
});

describe("work spans", () => {
  it("publish an operation and its concurrent phases with parent ids, and the scope inside each", async () => {
    listen();
    const inner: Array<number | undefined> = [];
    const result = await drain(
      runWithEvents<never, string>(
        async () => {
          await Promise.all(
            ["a", "b"].map((name) =>
              phase(`op.${name}`, { name }, async () => {
                await sleep(1);
                inner.push(currentSpanId());
              }),
            ),
          );
          return "done";
        },
        { span: { name: "op", attributes: { repo: "me/x" } } },
      ),
    );
    expect(result).toBe("done");
    const starts = seen.filter(([k]) => k === "start").map(([, e]) => e);
    const [op, a, b] = starts;
    expect(op).toMatchObject({
      kind: "operation",
      name: "op",
      parentId: undefined,
      attributes: { repo: "me/x" },
    });
    expect(a).toMatchObject({ kind: "phase", name: "op.a", parentId: op!.id, attributes: { name: "a" } });
    expect(b).toMatchObject({ kind: "phase", name: "op.b", parentId: op!.id });
    expect(inner.sort()).toEqual([a!.id, b!.id].sort());
    const ends = seen.filter(([k]) => k === "end").map(([, e]) => e as SpanEndEvent);
    expect(ends.map((e) => e.name)).toEqual(expect.arrayContaining(["op", "op.a", "op.b"]));
    expect(ends.at(-1)).toMatchObject({ name: "op", id: op!.id });
    for (const end of ends) expect(end.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("ends a failed span with its error and rethrows it", async () => {
    listen();
    const failure = Object.assign(new Error("boom"), { code: "E_BOOM" });
    await expect(withSpan("phase", "p", {}, async () => Promise.reject(failure))).rejects.toBe(failure);
    expect(seen.map(([k, e]) => [k, e.name])).toEqual([
      ["start", "p"],
      ["end", "p"],
    ]);
    expect((seen[1]![1] as SpanEndEvent).error).toEqual({ name: "Error", message: "boom", code: "E_BOOM" });
  });

  it("captureSpan runs later work under the span it was captured in, not the one that starts it", async () => {
    listen();
    let captured: (<R>(fn: () => R) => R) | undefined;
    let outerId: number | undefined;
    await withSpan("operation", "outer", {}, async () => {
      outerId = currentSpanId();
      captured = captureSpan();
      await phase("other", {}, async () => {
        // Started from inside "other", but belongs to "outer".
        await captured!(() => phase("late", {}, async () => {}));
      });
    });
    const parentOfLate = seen.find(([k, e]) => k === "start" && e.name === "late")![1].parentId;
    expect(parentOfLate).toBe(outerId);
  });

  it("publishes nothing and keeps no scope while nobody subscribes", async () => {
    seen.length = 0;
    let inside: number | undefined = -1;
    await withSpan("operation", "quiet", {}, async () => {
      inside = currentSpanId();
    });
    expect(seen).toEqual([]);
    expect(inside).toBeUndefined();
  });
});
