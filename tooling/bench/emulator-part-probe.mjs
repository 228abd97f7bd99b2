// Loaded with `node --import` into an emulator process (emulator-parts.mjs does this): appends
// one JSON line per PUT to $HFKIT_PART_PROBE_LOG, from its headers to its last body byte, with
// what the emulator did meanwhile (Linux /proc): its main thread's `run` ms on a CPU and `wait`
// ms runnable but waiting for one; the process's `sleeps` (voluntary context switches of all its
// threads), `faults` (minor page faults) and `sys` ms in the kernel; one line per scavenge. It
// only watches: 'data' events are counted by wrapping `emit`, so the stream's mode is untouched.
import { appendFileSync, readFileSync } from "node:fs";
import { Server } from "node:http";
import { PerformanceObserver, performance } from "node:perf_hooks";

const log = process.env.HFKIT_PART_PROBE_LOG;
if (!log) throw new Error("set HFKIT_PART_PROBE_LOG");
const write = (entry) => appendFileSync(log, `${JSON.stringify(entry)}\n`);
const ms = (x) => +x.toFixed(2);
/** [ns on a CPU, ns waiting for one] of the main thread. */
const schedstat = () => readFileSync("/proc/thread-self/schedstat", "utf8").split(" ").map(Number);

const emit = Server.prototype.emit;
Server.prototype.emit = function (event, req, ...rest) {
  if (event === "request" && req.method === "PUT") {
    const t0 = performance.now();
    const [run0, wait0] = schedstat();
    const usage0 = process.resourceUsage();
    let pieces = 0;
    const reqEmit = req.emit;
    req.emit = function (name, ...args) {
      if (name === "data") pieces++;
      return reqEmit.call(this, name, ...args);
    };
    req.once("end", () => {
      const [run1, wait1] = schedstat();
      const usage1 = process.resourceUsage();
      write({
        path: req.url.split("?")[0],
        bytes: Number(req.headers["content-length"]),
        start: ms(t0),
        wall: ms(performance.now() - t0),
        run: ms((run1 - run0) / 1e6),
        wait: ms((wait1 - wait0) / 1e6),
        sleeps: usage1.voluntaryContextSwitches - usage0.voluntaryContextSwitches,
        faults: usage1.minorPageFault - usage0.minorPageFault,
        sys: ms((usage1.systemCPUTime - usage0.systemCPUTime) / 1000),
        pieces,
      });
    });
  }
  return emit.call(this, event, req, ...rest);
};

new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    if (entry.detail?.kind === 1) write({ scavenge: ms(entry.startTime), pause: ms(entry.duration) });
}).observe({ entryTypes: ["gc"] });
