// Xet reconstruction reads, in a module of their own so the browser build can leave Xet out
// (xet-bytes.browser.ts, ADR 0017).
export { readXetFile } from "@hfkit/xet";
