import { describe, expect, it } from "vitest";
import { LightHeaders } from "./light-headers.js";
import { LightResponse } from "./light-response.js";

const bytes = new TextEncoder().encode('{"files":["a","b"]}');
const init = (status = 200) => ({
  status,
  statusText: "OK",
  headers: new LightHeaders({ "content-type": "application/json" }),
  url: "https://hub.test/api/x",
});

async function* pieces(...parts: string[]) {
  for (const part of parts) yield new TextEncoder().encode(part);
}

describe("LightResponse", () => {
  it("reads held bytes once, as json, text, bytes, arrayBuffer or blob", async () => {
    const response = new LightResponse(bytes, init());
    expect(response).toMatchObject({
      status: 200,
      ok: true,
      statusText: "OK",
      url: "https://hub.test/api/x",
    });
    expect(response.bodyUsed).toBe(false);
    expect(await response.json()).toEqual({ files: ["a", "b"] });
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
    expect(await new LightResponse(bytes, init()).text()).toBe('{"files":["a","b"]}');
    expect(await new LightResponse(bytes, init()).bytes()).toEqual(new Uint8Array(bytes));
    expect(new Uint8Array(await new LightResponse(bytes, init()).arrayBuffer())).toEqual(bytes);
    const blob = await new LightResponse(bytes, init()).blob();
    expect(blob.type).toBe("application/json");
    expect(await blob.text()).toBe('{"files":["a","b"]}');
    expect(new LightResponse(null, init(404)).ok).toBe(false);
    expect(await new LightResponse(null, init(204)).text()).toBe("");
  });

  it("streams a source as it comes, through body, and reads the same bytes whole", async () => {
    const streamed = new LightResponse(pieces("abc", "def"), init());
    const reader = streamed.body!.getReader();
    expect(streamed.bodyUsed).toBe(true);
    const got: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      got.push(new TextDecoder().decode(value));
    }
    expect(got).toEqual(["abc", "def"]);
    expect(await new LightResponse(pieces("ab", "cd"), init()).text()).toBe("abcd");
    // A held body read through the stream gives the same bytes (what the platform's Response gives).
    const held = new LightResponse(bytes, init());
    expect(await new Response(held.body).text()).toBe(await new Response(bytes).text());
    expect(held.body).toBe(held.body);
  });

  it("clones before a read: both copies hold the whole body, held or streamed", async () => {
    const held = new LightResponse(bytes, init());
    const heldCopy = held.clone();
    expect(await held.text()).toBe(await heldCopy.text());
    const streamed = new LightResponse(pieces("x", "y", "z"), init());
    const streamedCopy = streamed.clone();
    expect(streamedCopy.headers.get("content-type")).toBe("application/json");
    expect(await Promise.all([streamed.text(), streamedCopy.text()])).toEqual(["xyz", "xyz"]);
    expect(() => streamed.clone()).toThrow(TypeError);
  });
});
