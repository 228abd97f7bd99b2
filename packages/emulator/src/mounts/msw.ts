import { createRequire } from "node:module";
import type { HttpHandler } from "msw";
import { unsharedResponse } from "./unshared.js";

/**
 * msw 2 handlers for both origins. msw is an optional peer dependency, loaded only here;
 * handlers are recognised by msw through duck typing, so the CommonJS build loaded by
 * `require` works with an ESM `setupServer`.
 */
export function createMswHandlers(
  handle: (request: Request) => Promise<Response>,
  baseUrl: string,
  storageBaseUrl: string,
): HttpHandler[] {
  let msw: typeof import("msw");
  try {
    msw = createRequire(import.meta.url)("msw") as typeof import("msw");
  } catch {
    throw new Error(
      "mswHandlers() needs msw 2 installed next to @hfkit/emulator (npm install --save-dev msw)",
    );
  }
  const resolver = async ({ request }: { request: Request }) => {
    const response = await handle(request);
    return response.type === "error" ? msw.HttpResponse.error() : unsharedResponse(response);
  };
  return [msw.http.all(`${baseUrl}/*`, resolver), msw.http.all(`${storageBaseUrl}/*`, resolver)];
}
