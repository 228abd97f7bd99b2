/**
 * The web build's `discardBody` (discard.ts): there no transport holds a body whole (fetch
 * answers only), so a body we will not read is always released through its stream, without
 * waiting (cancelling a tee'd body only settles once every branch is cancelled).
 */
export function discardBody(response: Response): void {
  response.body?.cancel().catch(() => {});
}
