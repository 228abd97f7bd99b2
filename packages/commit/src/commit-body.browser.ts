// The browser build's commit-body.ts (ADR 0017): no writer of its own, so the commit lines go
// to @hfkit/http's NDJSON body, which the page bundles anyway (its budget has no room for one).
import type * as Node from "./commit-body.js";

export const NDJSON_WRITER: typeof Node.NDJSON_WRITER = undefined;
