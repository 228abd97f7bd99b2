import { describe, expect, it } from "vitest";
import { LightHeaders } from "./light-headers.js";

// LightHeaders stands in for the platform's Headers on the node:http path: every check here
// runs the same calls on both and expects the same answers.
function both(build: (h: Headers) => void): [Headers, Headers] {
  const light = new LightHeaders();
  const platform = new Headers();
  build(light);
  build(platform);
  return [light, platform];
}

describe("LightHeaders", () => {
  it("reads, joins, sorts and deletes as the platform's Headers", () => {
    const [light, platform] = both((h) => {
      h.set("X-Linked-Size", " 42 ");
      h.append("accept", "application/json");
      h.append("Accept", "text/plain");
      h.set("Content-Type", "application/octet-stream");
      h.append("set-cookie", "a=1");
      h.append("Set-Cookie", "b=2");
      h.set("etag", '"abc"');
      h.delete("ETAG");
    });
    expect([...light]).toEqual([...platform]);
    expect([...light.keys()]).toEqual([...platform.keys()]);
    expect([...light.values()]).toEqual([...platform.values()]);
    for (const name of ["accept", "ACCEPT", "x-linked-size", "set-cookie", "etag", "missing"]) {
      expect(light.get(name)).toBe(platform.get(name));
      expect(light.has(name)).toBe(platform.has(name));
    }
    expect(light.getSetCookie()).toEqual(platform.getSetCookie());
    const seen: string[] = [];
    light.forEach((value, key, parent) => {
      expect(parent).toBe(light);
      seen.push(`${key}=${value}`);
    });
    expect(seen).toEqual([...platform].map(([k, v]) => `${k}=${v}`));
    expect(Object.prototype.toString.call(light)).toBe("[object Headers]");
  });

  it("copies from a record, pairs, another Headers, and is accepted where Headers are", () => {
    const record = { Authorization: "Bearer x", range: "bytes=0-9" };
    expect([...new LightHeaders(record)]).toEqual([...new Headers(record)]);
    const pairs: [string, string][] = [
      ["a", "1"],
      ["A", "2"],
    ];
    expect([...new LightHeaders(pairs)]).toEqual([...new Headers(pairs)]);
    const light = new LightHeaders(new Headers(record));
    expect([...light]).toEqual([...new Headers(record)]);
    // fetch and the platform's Headers take it as init (the fetch path hands it on).
    expect([...new Headers(light)]).toEqual([...light]);
    expect(() => new LightHeaders([["only-name"]] as unknown as [string, string][])).toThrow(TypeError);
  });

  it("refuses bad names and values (header injection) as the platform does", () => {
    for (const [name, value] of [
      ["bad name", "v"],
      ["", "v"],
      ["x-ok", "line\r\nInjected: yes"],
      ["x-ok", "nul\0"],
    ] as const) {
      expect(() => new Headers().set(name, value)).toThrow(TypeError);
      expect(() => new LightHeaders().set(name, value)).toThrow(TypeError);
      expect(() => new LightHeaders().append(name, value)).toThrow(TypeError);
    }
    expect(() => new LightHeaders().get("bad name")).toThrow(TypeError);
  });
});
