import { describe, expect, test } from "vitest";
import { wasmTieringBudget } from "./parquet-wasm.js";

// The first writer thread compiles parquet-wasm's module under a raised V8 tier-up budget and
// puts Node 20's default back (parquet-wasm.ts): only where that default is known, and never
// over a tier-up setting the process was started with.
const NODE_20_V8 = "11.3.244.8-node.38";

describe("wasmTieringBudget", () => {
  test("raises the budget on Node 20's V8 and puts its default back", () => {
    expect(wasmTieringBudget(NODE_20_V8, [])).toEqual({
      compile: 180_000_000,
      restore: 1_800_000,
      lazyValidation: true,
    });
    expect(wasmTieringBudget(NODE_20_V8, ["--max-old-space-size=4096", "", "--enable-source-maps"])).toEqual({
      compile: 180_000_000,
      restore: 1_800_000,
      lazyValidation: true,
    });
  });

  test("validates the module's functions as they are compiled, unless the process chose itself", () => {
    for (const flag of ["--wasm-lazy-validation", "--no-wasm-lazy-validation", "--wasm_lazy_validation"]) {
      expect(wasmTieringBudget(NODE_20_V8, [flag]), flag).toEqual({
        compile: 180_000_000,
        restore: 1_800_000,
        lazyValidation: false,
      });
    }
  });

  test("leaves alone a process started with a wasm tier-up flag of its own", () => {
    for (const flag of [
      "--wasm-tiering-budget=5000",
      "--wasm_tiering_budget=5000",
      "--liftoff-only",
      "--no-liftoff",
      "--no-wasm-tier-up",
      "--no-wasm-dynamic-tiering",
    ]) {
      expect(wasmTieringBudget(NODE_20_V8, ["--enable-source-maps", flag]), flag).toBeUndefined();
    }
  });

  test("does nothing on other V8s, whose defaults and compile-time reads it does not know", () => {
    expect(wasmTieringBudget("12.4.254.21-node.33", [])).toBeUndefined();
    expect(wasmTieringBudget("13.6.233.10-node.18", [])).toBeUndefined();
  });
});
