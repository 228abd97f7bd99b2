import { redactJson } from "@hfkit/http";

/**
 * Makes a copy of `value` safe to print: tokens you name in `secrets` and anything shaped like
 * a Hub token (`hf_…`) or a `Bearer` value are replaced in every string, URLs lose signature
 * query parameters, and values under credential keys (`authorization`, `accessToken`…) are
 * replaced whole. The libraries already publish redacted events; this is the second fence, for
 * what a user logs through the same logger. (`@hfkit/http`'s `redactJson`, which redacts what
 * the `detail` channel publishes, does the work: one set of rules.)
 */
export function redactValue(value: unknown, secrets: readonly (string | undefined)[] = []): unknown {
  return redactJson(value, secrets);
}
