import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanToken, DEFAULT_ENDPOINT, readHubEnvironment } from "./env.js";

describe("readHubEnvironment", () => {
  it("defaults to the public Hub and ~/.cache/huggingface", () => {
    const env = readHubEnvironment({});
    expect(env.endpoint).toBe(DEFAULT_ENDPOINT);
    expect(env.hfHome).toBe(join(homedir(), ".cache", "huggingface"));
    expect(env.tokenPath).toBe(join(homedir(), ".cache", "huggingface", "token"));
    expect(env.hubCache).toBe(join(homedir(), ".cache", "huggingface", "hub"));
    expect(env.envToken).toBeUndefined();
    expect(env.offline).toBe(false);
  });

  it("reads HF_HUB_DISABLE_XET as the peers do (1/true/yes/on)", () => {
    expect(readHubEnvironment({}).disableXet).toBe(false);
    expect(readHubEnvironment({ HF_HUB_DISABLE_XET: "1" }).disableXet).toBe(true);
    expect(readHubEnvironment({ HF_HUB_DISABLE_XET: "True" }).disableXet).toBe(true);
    expect(readHubEnvironment({ HF_HUB_DISABLE_XET: "0" }).disableXet).toBe(false);
  });

  it("strips trailing slashes from HF_ENDPOINT", () => {
    expect(readHubEnvironment({ HF_ENDPOINT: "http://localhost:8080//" }).endpoint).toBe(
      "http://localhost:8080",
    );
  });

  it("prefers HF_TOKEN over HUGGING_FACE_HUB_TOKEN", () => {
    expect(readHubEnvironment({ HF_TOKEN: "hf_new", HUGGING_FACE_HUB_TOKEN: "hf_old" }).envToken).toEqual({
      value: "hf_new",
      source: "HF_TOKEN",
    });
    expect(readHubEnvironment({ HUGGING_FACE_HUB_TOKEN: "hf_old" }).envToken).toEqual({
      value: "hf_old",
      source: "HUGGING_FACE_HUB_TOKEN",
    });
  });

  it("treats a blank HF_TOKEN as unset", () => {
    expect(readHubEnvironment({ HF_TOKEN: " \n", HUGGING_FACE_HUB_TOKEN: "hf_old" }).envToken?.value).toBe(
      "hf_old",
    );
  });

  it("derives the token file and cache from HF_HOME, then XDG_CACHE_HOME", () => {
    expect(readHubEnvironment({ HF_HOME: "/data/hf" })).toMatchObject({
      hfHome: "/data/hf",
      tokenPath: "/data/hf/token",
      hubCache: "/data/hf/hub",
    });
    expect(readHubEnvironment({ XDG_CACHE_HOME: "/xdg" }).tokenPath).toBe("/xdg/huggingface/token");
  });

  it("lets HF_TOKEN_PATH and HF_HUB_CACHE override the derived paths", () => {
    const env = readHubEnvironment({
      HF_HOME: "/data/hf",
      HF_TOKEN_PATH: "/secrets/t",
      HF_HUB_CACHE: "/fast/hub",
    });
    expect(env.tokenPath).toBe("/secrets/t");
    expect(env.hubCache).toBe("/fast/hub");
    expect(readHubEnvironment({ HUGGINGFACE_HUB_CACHE: "/legacy" }).hubCache).toBe("/legacy");
  });

  it("expands ~ in paths", () => {
    expect(readHubEnvironment({ HF_HOME: "~/hf" }).hfHome).toBe(join(homedir(), "hf"));
  });

  it("reads offline mode and proxies", () => {
    const env = readHubEnvironment({
      HF_HUB_OFFLINE: "1",
      HTTPS_PROXY: "http://proxy:3128",
      no_proxy: "localhost",
    });
    expect(env.offline).toBe(true);
    expect(env.proxy).toEqual({ http: "", https: "http://proxy:3128", noProxy: "localhost" });
    expect(readHubEnvironment({ HF_HUB_OFFLINE: "0" }).offline).toBe(false);
  });
});

describe("cleanToken", () => {
  it("removes newlines and surrounding whitespace", () => {
    expect(cleanToken("  hf_abc\r\n")).toBe("hf_abc");
    expect(cleanToken("\n")).toBeUndefined();
  });
});
