// Loaded with `node --import` into a client process (any hfkit build: it only listens on the
// diagnostics channels by name): prints on exit `FIRSTXORB {"sent", "accepted"}`, seconds from
// the start of the commit (its `commit` span) to the first xorb's first bytes leaving and to
// the CAS accepting it. Used by xet-upload-cpu.mjs.
import { subscribe } from "node:diagnostics_channel";

let start;
const times = {};
subscribe("hfkit:work:span:start", (span) => {
  if (span.name === "commit" && start === undefined) start = performance.now();
});
subscribe("hfkit:xet:event", ({ event }) => {
  if (start === undefined) return;
  const key =
    event.type === "xet-xorb-upload-progress" ? "sent" : event.type === "xet-xorb-uploaded" ? "accepted" : "";
  if (key && times[key] === undefined) times[key] = +((performance.now() - start) / 1000).toFixed(3);
});
process.on("exit", () => process.stderr.write(`FIRSTXORB ${JSON.stringify(times)}\n`));
