const TOKEN_PATTERN = /\bhf_[A-Za-z0-9_-]{6,}/g;
const BEARER_PATTERN = /\b(Bearer)\s+[^\s,;"']+/gi;
const REDACTED = "[REDACTED]";

// Query parameters that carry credentials in presigned storage URLs (S3 SigV4, CloudFront,
// Azure SAS, GCS) or in our own emulator's signed URLs.
const SECRET_QUERY_PARAM =
  /^(x-amz-(signature|credential|security-token)|signature|sig|token|access_token|key-pair-id|policy|x-goog-(signature|credential)|se|sp|sv)$/i;

/**
 * Removes tokens from free text: every value in `secrets`, anything shaped like a Hub token
 * (`hf_…`) and anything after `Bearer`.
 */
export function redactText(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED);
  }
  return out.replace(TOKEN_PATTERN, "hf_[REDACTED]").replace(BEARER_PATTERN, `$1 ${REDACTED}`);
}

/**
 * A URL safe to print: credentials in the user-info part and in signature-like query
 * parameters are replaced, the rest (host, path, other parameters) is kept for debugging.
 */
export function redactUrl(input: string | URL, secrets: readonly (string | undefined)[] = []): string {
  // Most URLs hold nothing to replace (no user-info, query, token shape or secret): skip the
  // parsing and regex passes below, which were a visible share of a small call's CPU.
  if (input instanceof URL && !mayHoldSecret(input.href, secrets)) return input.href;
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    return redactText(String(input), secrets);
  }
  if (url.username) url.username = REDACTED;
  if (url.password) url.password = REDACTED;
  for (const key of [...url.searchParams.keys()]) {
    if (SECRET_QUERY_PARAM.test(key)) url.searchParams.set(key, REDACTED);
  }
  return redactText(url.toString(), secrets);
}

// A string can only hold a credential redactText/redactUrl would replace if it has one of
// these (a token prefix, Bearer, a query string, user-info) or a secret we hold: the rest skip
// the URL parsing and regex passes, which were most of a log record's cost (ADR 0016).
const MAYBE_SECRET = /hf_|bearer|[?@]/i;

function mayHoldSecret(value: string, secrets: readonly (string | undefined)[]): boolean {
  return (
    MAYBE_SECRET.test(value) || secrets.some((s) => s !== undefined && s.length >= 4 && value.includes(s))
  );
}

function redactString(value: string, secrets: readonly (string | undefined)[]): string {
  if (!mayHoldSecret(value, secrets)) return value;
  return /^https?:\/\//.test(value) ? redactUrl(value, secrets) : redactText(value, secrets);
}

// Keys (JSON fields, header names) whose value is a credential whatever it looks like: the
// Hub token's header, cookies, the Xet CAS token of a token answer (`accessToken`) and its
// response headers (`X-Xet-Access-Token`), the headers an LFS batch answer tells us to send.
const SECRET_KEY =
  /^(authorization|proxy-authorization|cookie|set-cookie|token|access_?token|accessToken|x-xet-.*token.*|password|secret)$/i;

/**
 * A copy of a JSON value (an API answer, headers, a log record) safe to print: strings lose
 * the tokens `redactText` removes, URL strings their signatures (`redactUrl`), and values under
 * credential keys (`authorization`, `accessToken`, `X-Xet-Access-Token`…) are replaced whole.
 */
export function redactJson(
  value: unknown,
  secrets: readonly (string | undefined)[] = [],
  depth = 0,
): unknown {
  if (typeof value === "string") return redactString(value, secrets);
  if (value === null || typeof value !== "object" || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => redactJson(v, secrets, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redactText(value.message, secrets) };
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = SECRET_KEY.test(key) && v !== undefined ? REDACTED : redactJson(v, secrets, depth + 1);
  }
  return out;
}
