import { redactText, redactUrl } from "@hfkit/http";

// A string can only hold a credential redactText/redactUrl would replace if it has one of
// these (a token prefix, Bearer, a query string, user-info) or a secret we hold: the rest skip
// the URL parsing and regex passes, which were most of a log record's cost (ADR 0016).
const MAYBE_SECRET = /hf_|bearer|[?@]/i;

function redactString(value: string, secrets: readonly (string | undefined)[]): string {
  if (
    !MAYBE_SECRET.test(value) &&
    !secrets.some((s) => s !== undefined && s.length >= 4 && value.includes(s))
  )
    return value;
  return /^https?:\/\//.test(value) ? redactUrl(value, secrets) : redactText(value, secrets);
}

// Keys whose value is a credential whatever it looks like.
const SECRET_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|token|access_?token|accessToken|x-xet-.*token.*|password|secret)$/i;

/**
 * Makes a copy of `value` safe to print: tokens you name in `secrets` and anything shaped like
 * a Hub token (`hf_…`) or a `Bearer` value are replaced in every string, URLs lose signature
 * query parameters, and values under credential keys (`authorization`, `accessToken`…) are
 * replaced whole. The libraries already publish redacted events; this is the second fence, for
 * what a user logs through the same logger.
 */
export function redactValue(
  value: unknown,
  secrets: readonly (string | undefined)[] = [],
  depth = 0,
): unknown {
  if (typeof value === "string") return redactString(value, secrets);
  if (value === null || typeof value !== "object" || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message, secrets) };
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && v !== undefined ? "[REDACTED]" : redactValue(v, secrets, depth + 1);
  }
  return out;
}
