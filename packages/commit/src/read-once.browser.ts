// The browser build's read-once.ts (ADR 0017): no local files, so no one-pass Xet upload;
// the shared phases as they are.
export { preuploadWhileHashing } from "./hashing.js";
export { transferFiles } from "./transfer.js";
