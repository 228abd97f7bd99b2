import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  formatStoredTokens,
  maskToken,
  parseStoredTokens,
  type StoredTokenFields,
  TokenStore,
} from "./token-store.js";

let home: string;
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "hfkit-token-store-"));
});
afterEach(() => rm(home, { recursive: true, force: true }));

describe("stored_tokens, as Python's configparser reads and writes it", () => {
  it("writes sections sorted by name, `key = value`, a blank line after each", () => {
    const text = formatStoredTokens(
      new Map<string, StoredTokenFields>([
        ["zeta", { hf_token: "hf_z" }],
        ["alpha", { hf_token: "hf_a", refresh_token: "r", expires_at: "1700000000" }],
      ]),
    );
    expect(text).toBe(
      "[alpha]\nhf_token = hf_a\nrefresh_token = r\nexpires_at = 1700000000\n\n[zeta]\nhf_token = hf_z\n\n",
    );
  });

  it("reads comments, `:` separators, upper-case keys and [DEFAULT] as configparser does", () => {
    const parsed = parseStoredTokens("# saved by hand\n[DEFAULT]\nx = 1\n\n[ci]\nHF_TOKEN: hf_ci \n; note\n");
    expect([...parsed]).toEqual([["ci", { hf_token: "hf_ci" }]]);
  });

  it("refuses a file Python would drop whole (a name twice) instead of losing the other tokens", () => {
    expect(() => parseStoredTokens("[a]\nhf_token = x\n[a]\nhf_token = y\n", "/h/stored_tokens")).toThrow(
      /\/h\/stored_tokens:3: the token name "a" appears twice; fix or delete/,
    );
  });

  it("masks a token as `hf auth list` does", () => {
    expect(maskToken("hf_abcdefghijklmnop")).toBe("hf_****mnop");
  });
});

describe("TokenStore", () => {
  it("saves a token 0600 in a 0700 folder, under its name, and makes it active", async () => {
    const dir = join(home, "hf");
    const store = new TokenStore({ HF_HOME: dir });
    await store.save("ci", "hf_ci_token_value");
    expect(await readFile(join(dir, "token"), "utf8")).toBe("hf_ci_token_value");
    expect(await readFile(join(dir, "stored_tokens"), "utf8")).toBe("[ci]\nhf_token = hf_ci_token_value\n\n");
    expect((await stat(join(dir, "token"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, "stored_tokens"))).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it("keeps the fields of other tokens (OAuth refresh data) when it rewrites the file", async () => {
    await writeFile(
      join(home, "stored_tokens"),
      "[oauth-me]\nhf_token = hf_o\nrefresh_token = r1\nexpires_at = 9\n\n",
    );
    const store = new TokenStore({ HF_HOME: home });
    await store.save("ci", "hf_ci");
    expect(await readFile(join(home, "stored_tokens"), "utf8")).toBe(
      "[ci]\nhf_token = hf_ci\n\n[oauth-me]\nhf_token = hf_o\nrefresh_token = r1\nexpires_at = 9\n\n",
    );
  });

  it("follows HF_TOKEN_PATH: stored_tokens sits next to the token file", async () => {
    const store = new TokenStore({ HF_HOME: "/nowhere", HF_TOKEN_PATH: join(home, "elsewhere", "tok") });
    await store.save("a", "hf_a");
    expect(await readFile(join(home, "elsewhere", "stored_tokens"), "utf8")).toContain("[a]");
  });

  it("switches, removes one (deactivating it if active), and removes all", async () => {
    const store = new TokenStore({ HF_HOME: home });
    await store.save("a", "hf_a");
    await store.save("b", "hf_b");
    expect(await store.active()).toBe("hf_b");
    expect(await store.switchTo("a")).toBe(true);
    expect(await store.switchTo("nope")).toBe(false);
    expect(await store.active()).toBe("hf_a");
    expect(await store.remove("b")).toEqual({ removed: true, wasActive: false });
    expect(await store.active()).toBe("hf_a");
    expect(await store.remove("a")).toEqual({ removed: true, wasActive: true });
    expect(await store.active()).toBeUndefined();
    await store.save("c", "hf_c");
    expect(await store.remove()).toEqual({ removed: true, wasActive: true });
    expect([...(await store.stored())]).toEqual([]);
    expect(await store.remove()).toEqual({ removed: false, wasActive: false });
  });
});
