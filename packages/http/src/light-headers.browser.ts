// The browser build's light-headers.ts: a page's own Headers cost nothing to reach (the
// node:http transport that needs the light ones is Node-only), and the bundle stays smaller.
import type * as Node from "./light-headers.js";

export const LightHeaders: typeof Node.LightHeaders = Headers as unknown as typeof Node.LightHeaders;
