/**
 * A `Headers` that does not load the platform's fetch. In Node 20 the first `new Headers()`
 * loads the whole bundled undici (fetch, its dispatchers, web streams glue): ~40 ms of CPU, on
 * a 32 MiB download taking 0.26 s in all, and more than half of a 1,000-file listing (profiled
 * with `--cpu-prof`, tooling/bench). Requests prepared by the seam and answers read by the
 * node:http transport use this class; it behaves as the Fetch standard's `Headers` (names
 * compared without case, values trimmed and checked, iteration sorted by name, `Set-Cookie`
 * kept apart), which its tests check against the platform's own.
 */

// RFC 9110 §5.6.2: a header name is a token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// The Fetch standard's "normalize": strip leading and trailing HTTP whitespace.
const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;
// A value must not hold NUL, CR or LF (header injection).
const FORBIDDEN_IN_VALUE = /[\0\r\n]/;

function checkedName(name: string): string {
  const text = String(name);
  if (!TOKEN.test(text)) throw new TypeError(`Headers: "${text}" is not a valid header name.`);
  return text.toLowerCase();
}

function checkedValue(name: string, value: string): string {
  const text = String(value).replace(EDGE_WHITESPACE, "");
  if (FORBIDDEN_IN_VALUE.test(text))
    throw new TypeError(`Headers: the value of "${name}" holds NUL, CR or LF.`);
  return text;
}

type Entries = ReturnType<Headers["entries"]>;
type Keys = ReturnType<Headers["keys"]>;

type Init = Headers | Iterable<readonly [string, string]> | Iterable<string[]> | Record<string, string>;

export class LightHeaders implements Headers {
  // Lower-cased name → its values in order (joined with ", " when read, but for Set-Cookie).
  readonly #values = new Map<string, string[]>();

  constructor(init?: Init) {
    if (init === undefined || init === null) return;
    if (typeof (init as Iterable<unknown>)[Symbol.iterator] === "function") {
      for (const pair of init as Iterable<readonly string[]>) {
        if (pair.length !== 2)
          throw new TypeError("Headers: each entry of the init must be a [name, value] pair.");
        this.append(pair[0] as string, pair[1] as string);
      }
    } else {
      for (const [name, value] of Object.entries(init as Record<string, string>)) this.append(name, value);
    }
  }

  append(name: string, value: string): void {
    const key = checkedName(name);
    const text = checkedValue(key, value);
    const values = this.#values.get(key);
    if (values) values.push(text);
    else this.#values.set(key, [text]);
  }

  set(name: string, value: string): void {
    const key = checkedName(name);
    this.#values.set(key, [checkedValue(key, value)]);
  }

  delete(name: string): void {
    this.#values.delete(checkedName(name));
  }

  get(name: string): string | null {
    const values = this.#values.get(checkedName(name));
    return values ? values.join(", ") : null;
  }

  has(name: string): boolean {
    return this.#values.has(checkedName(name));
  }

  getSetCookie(): string[] {
    return [...(this.#values.get("set-cookie") ?? [])];
  }

  forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [key, value] of this.entries()) callback.call(thisArg, value, key, this);
  }

  *entries(): Entries {
    for (const key of [...this.#values.keys()].sort()) {
      const values = this.#values.get(key) as string[];
      if (key === "set-cookie") for (const value of values) yield [key, value];
      else yield [key, values.join(", ")];
    }
  }

  *keys(): Keys {
    for (const [key] of this.entries()) yield key;
  }

  *values(): Keys {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): Entries {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return "Headers";
  }
}
