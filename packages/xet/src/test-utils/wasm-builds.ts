import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterAll } from "vitest";

/**
 * The modules @hfkit/xet builds from now on, in order, as its `hfkit:xet:wasm` channel reports
 * them. Call it before importing the package, so that a module built at import time is seen.
 */
export function recordWasmBuilds(): string[] {
  const built: string[] = [];
  const listener = (message: unknown) => built.push((message as { module: string }).module);
  subscribe("hfkit:xet:wasm", listener);
  afterAll(() => unsubscribe("hfkit:xet:wasm", listener));
  return built;
}
