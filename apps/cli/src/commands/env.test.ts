import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../main.js";
import { capture } from "../test-utils.js";
import { TokenStore } from "../token-store.js";

describe("hfkit env", () => {
  it("reports endpoint, token source and cache folders as JSON, without the token", async () => {
    const secret = "hf_EnvCommandSecret99";
    const { io, stdout } = capture({
      HF_TOKEN: secret,
      HF_HOME: "/tmp/hf-home",
      HF_ENDPOINT: "http://127.0.0.1:9/",
    });
    expect(await main(["env", "--format", "json"], io)).toBe(0);
    const info = JSON.parse(stdout());
    expect(info).toMatchObject({
      endpoint: "http://127.0.0.1:9",
      tokenSource: "HF_TOKEN",
      hfHome: "/tmp/hf-home",
      tokenPath: "/tmp/hf-home/token",
      hubCache: "/tmp/hf-home/hub",
      offline: false,
    });
    expect(stdout()).not.toContain(secret);
  });

  it("lets --endpoint and --token override the environment", async () => {
    const { io, stdout } = capture({ HF_TOKEN: "hf_env_value" });
    expect(await main(["env", "--endpoint", "https://hub.example", "--token", "hf_flag_value"], io)).toBe(0);
    expect(stdout()).toContain("endpoint:   https://hub.example");
    expect(stdout()).toContain("token:      from option");
    expect(stdout()).not.toContain("hf_flag_value");
  });

  it("says the local hub needs no token of yours, rather than a token 'from option' nobody gave", async () => {
    const home = await mkdtemp(join(tmpdir(), "hfkit-env-local-"));
    try {
      const env = { HF_HOME: home, HF_TOKEN: "hf_not_used_on_the_local_hub" };
      const human = capture(env);
      expect(await main(["env", "--endpoint", "local"], human.io)).toBe(0);
      expect(human.stdout()).toContain(
        "token:      none needed: the local hub's user 'local' (your Hub token is not used)\n",
      );
      const json = capture(env);
      expect(await main(["env", "--endpoint", "local", "--json"], json.io)).toBe(0);
      expect(JSON.parse(json.stdout()).tokenSource).toBe("localHub");
      // A token given on the command line is the one the local hub sees.
      const given = capture(env);
      expect(await main(["env", "--endpoint", "local", "--token", "hf_given_here", "--json"], given.io)).toBe(
        0,
      );
      expect(JSON.parse(given.stdout()).tokenSource).toBe("option");
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it("shows what a bug report needs: saved tokens by name, cache, proxy, Xet, library versions", async () => {
    const home = await mkdtemp(join(tmpdir(), "hfkit-env-"));
    try {
      const secret = "hf_saved_in_the_file_12345";
      await new TokenStore({ HF_HOME: home }).save("laptop", secret);
      await mkdir(join(home, "hub", "datasets--acme--reviews"), { recursive: true });
      await mkdir(join(home, "hub", "models--acme--bert"), { recursive: true });
      const env = {
        HF_HOME: home,
        HTTPS_PROXY: "http://user:pa55@proxy.example:3128",
        NO_PROXY: "localhost",
      };
      const json = capture(env);
      expect(await main(["env", "--json"], json.io)).toBe(0);
      const info = JSON.parse(json.stdout());
      expect(info).toMatchObject({
        tokenSource: "tokenFile",
        activeTokenName: "laptop",
        savedTokens: 1,
        cachedRepos: 2,
        xet: true,
        proxy: { https: expect.not.stringContaining("pa55"), noProxy: "localhost" },
      });
      expect(Object.keys(info.packages)).toContain("@hfkit/http");
      expect(info.packages["@hfkit/http"]).toMatch(/^\d+\.\d+\.\d+/);
      const human = capture(env);
      expect(await main(["env"], human.io)).toBe(0);
      expect(human.stdout()).toContain("saved:      1 token, active: laptop\n");
      expect(human.stdout()).toMatch(/hub cache: {2}.*\(2 repos; shared with Python's huggingface_hub\)\n/);
      expect(human.stdout()).toMatch(
        /proxy: {6}https http:\/\/.*proxy\.example:3128.*, no_proxy localhost\n/,
      );
      expect(human.stdout()).toContain("xet:        on where the Hub offers it (else Git LFS)\n");
      const off = capture({ ...env, HF_HUB_DISABLE_XET: "1" });
      expect(await main(["env", "--json"], off.io)).toBe(0);
      expect(JSON.parse(off.stdout()).xet).toBe(false);
      for (const output of [json.stdout(), human.stdout()]) {
        expect(output).not.toContain(secret);
        expect(output).not.toContain("pa55");
      }
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
