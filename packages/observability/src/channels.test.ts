import { COMMIT_CHANNELS } from "@hfkit/commit";
import { DATASETS_CHANNELS } from "@hfkit/datasets";
import { EMULATOR_CHANNELS } from "@hfkit/emulator";
import { REPO_CHANNELS } from "@hfkit/repo";
import { XET_CHANNELS } from "@hfkit/xet";
import { describe, expect, it } from "vitest";
import { HFKIT_CHANNELS } from "./channels.js";

describe("HFKIT_CHANNELS", () => {
  it("names the channels exactly as the publishing packages do", () => {
    expect(HFKIT_CHANNELS.commit).toBe(COMMIT_CHANNELS.event);
    expect(HFKIT_CHANNELS.download).toBe(REPO_CHANNELS.download);
    expect(HFKIT_CHANNELS.datasets).toBe(DATASETS_CHANNELS.event);
    expect(HFKIT_CHANNELS.xet).toBe(XET_CHANNELS.event);
    expect(HFKIT_CHANNELS.emulatorRequest).toBe(EMULATOR_CHANNELS.request);
  });
});
