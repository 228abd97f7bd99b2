import { describe, expect, it, vi } from "vitest";
import { EventChannel } from "./channel.js";
import { drain, isAbandoned, runWithEvents } from "./run.js";
import { sleep } from "./sleep.js";
import { TaskGroup } from "./task-group.js";

type Ev = { type: "progress"; file: string; bytes: number } | { type: "done"; file: string };

import { getEventListeners } from "node:events";

function listenerCount(signal: AbortSignal): number {
  // Node keeps EventTarget listeners behind a symbol; getEventListeners reads them.
  return getEventListeners(signal, "abort").length;
}

describe("EventChannel", () => {
  it("coalesces progress by key under a slow consumer: 10,000 events, a handful delivered", async () => {
    const channel = new EventChannel<Ev>();
    for (let i = 1; i <= 10_000; i++) {
      channel.push({ type: "progress", file: "a", bytes: i }, "a");
      channel.push({ type: "progress", file: "b", bytes: i * 2 }, "b");
    }
    channel.push({ type: "done", file: "a" });
    channel.close();
    const seen: Ev[] = [];
    for await (const event of channel) seen.push(event);
    expect(seen).toEqual([
      { type: "progress", file: "a", bytes: 10_000 },
      { type: "progress", file: "b", bytes: 20_000 },
      { type: "done", file: "a" },
    ]);
  });

  it("keeps events without a key, in order, and delivers a newer progress after the older was read", async () => {
    const channel = new EventChannel<Ev>();
    const iterator = channel[Symbol.asyncIterator]();
    channel.push({ type: "progress", file: "a", bytes: 1 }, "a");
    expect((await iterator.next()).value).toEqual({ type: "progress", file: "a", bytes: 1 });
    channel.push({ type: "progress", file: "a", bytes: 2 }, "a");
    channel.push({ type: "done", file: "a" });
    channel.fail(new Error("boom"));
    expect((await iterator.next()).value).toEqual({ type: "progress", file: "a", bytes: 2 });
    expect((await iterator.next()).value).toEqual({ type: "done", file: "a" });
    await expect(iterator.next()).rejects.toThrow("boom");
  });
});

describe("runWithEvents", () => {
  it("returns the work's result, and shows every event to onEvent before coalescing", async () => {
    const published: Ev[] = [];
    const result = await drain(
      runWithEvents<Ev, string>(
        async (emit) => {
          for (let i = 1; i <= 3; i++) emit({ type: "progress", file: "a", bytes: i }, "a");
          return "ok";
        },
        { onEvent: (event) => published.push(event) },
      ),
    );
    expect(result).toBe("ok");
    expect(published.map((e) => (e.type === "progress" ? e.bytes : -1))).toEqual([1, 2, 3]);
  });

  it("winds the work down on break: the loop ends only after the work's cleanup ran", async () => {
    const steps: string[] = [];
    const iterator = runWithEvents<Ev, void>(async (emit, signal) => {
      try {
        for (let i = 0; ; i++) {
          emit({ type: "progress", file: "a", bytes: i }, "a");
          await sleep(5, signal);
        }
      } finally {
        await sleep(20);
        steps.push("work cleaned up");
      }
    });
    for await (const _ of iterator) break;
    steps.push("loop ended");
    expect(steps).toEqual(["work cleaned up", "loop ended"]);
  });

  it("tells the work it was abandoned (break), not interrupted (the caller's signal)", async () => {
    const seen: boolean[] = [];
    const work = async (emit: (e: Ev) => void, signal: AbortSignal) => {
      emit({ type: "done", file: "a" });
      await sleep(60_000, signal).catch(() => seen.push(isAbandoned(signal)));
    };
    for await (const _ of runWithEvents<Ev, void>(work)) break;
    const controller = new AbortController();
    const interrupted = drain(runWithEvents<Ev, void>(work, { signal: controller.signal }));
    setTimeout(() => controller.abort(new Error("interrupted")), 10);
    await interrupted;
    expect(seen).toEqual([true, false]);
  });

  it("aborts the work with the caller's signal and rejects with its reason", async () => {
    const controller = new AbortController();
    const iterator = runWithEvents<Ev, void>(async (_emit, signal) => sleep(60_000, signal), {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(new Error("interrupted")), 10);
    await expect(drain(iterator)).rejects.toThrow("interrupted");
    expect(listenerCount(controller.signal)).toBe(0);
  });

  it("rethrows the work's failure to the consumer", async () => {
    const iterator = runWithEvents<Ev, void>(async () => {
      throw new Error("hash mismatch");
    });
    await expect(drain(iterator)).rejects.toThrow("hash mismatch");
  });
});

describe("TaskGroup", () => {
  it("fails as a whole: the first error aborts the siblings and is what wait() rejects with", async () => {
    const parent = new AbortController();
    const group = new TaskGroup(parent.signal);
    const sibling = vi.fn();
    group.spawn(async (signal) => {
      await sleep(60_000, signal).catch((error) => {
        sibling(error);
        throw error;
      });
    });
    group.spawn(async () => {
      throw new Error("part 3 failed");
    });
    await expect(group.wait()).rejects.toThrow("part 3 failed");
    expect(sibling).toHaveBeenCalledWith(new Error("part 3 failed"));
    expect(listenerCount(parent.signal)).toBe(0);
  });

  it("waits for tasks spawned while others run", async () => {
    const group = new TaskGroup();
    const done: number[] = [];
    group.spawn(async () => {
      await sleep(5);
      group.spawn(async () => {
        await sleep(5);
        done.push(2);
      });
      done.push(1);
    });
    await group.wait();
    expect(done).toEqual([1, 2]);
  });
});

describe("sleep", () => {
  it("leaves no abort listener behind after it resolves", async () => {
    const controller = new AbortController();
    for (let i = 0; i < 100; i++) await sleep(0, controller.signal);
    expect(listenerCount(controller.signal)).toBe(0);
  });

  it("rejects at once with the signal's reason", async () => {
    const controller = new AbortController();
    const pending = sleep(60_000, controller.signal);
    controller.abort(new Error("stop"));
    await expect(pending).rejects.toThrow("stop");
  });
});
