// The recipe "Test your Hub code against the emulator": a vitest file as you would write it for
// your own code. The docs' test run executes it.
import { uploadFile } from "@hfkit/commit";
// #region client
import { createEmulator, type Emulator } from "@hfkit/emulator";
import { createHubClient, type HubClient, RateLimitedError } from "@hfkit/http";
import { createRepo, downloadFile } from "@hfkit/repo";
import { beforeEach, expect, it } from "vitest";

let hub: Emulator;
let client: HubClient;

beforeEach(() => {
  // A fresh Hub per test, in memory and in-process: no port, no cleanup.
  hub = createEmulator();
  // Any `hf_` token is the write user `local`; the real Hub never sees it.
  client = createHubClient({ endpoint: hub.baseUrl, fetch: hub.fetch, token: "hf_test", retry: false });
});
// #endregion client

// The code under test: yours, taking the client as a parameter.
async function publishNotes(client: HubClient, notes: string): Promise<string> {
  await createRepo(client, { repo: "datasets/local/notes", existOk: true });
  const { commitUrl } = await uploadFile(client, {
    repo: "datasets/local/notes",
    content: notes,
    pathInRepo: "NOTES.md",
    message: "Update the notes",
  });
  return commitUrl;
}

it("publishes the notes", async () => {
  const url = await publishNotes(client, "# Notes\n");

  const { bytes } = await downloadFile(client, {
    repo: "datasets/local/notes",
    path: "NOTES.md",
    to: "memory",
  });
  expect(new TextDecoder().decode(bytes)).toBe("# Notes\n");
  expect(url).toMatch(/\/datasets\/local\/notes\/commit\/[0-9a-f]{40}$/);
  // The request log shows what went over the wire: one commit, sent with the token.
  const commits = hub.requestLog.filter((entry) => entry.method === "POST" && entry.url.includes("/commit/"));
  expect(commits).toMatchObject([{ status: 200, hasAuthorization: true }]);
});

it("surfaces a rate limit as a typed error", async () => {
  await createRepo(client, { repo: "datasets/local/notes" });
  hub.faults.inject({ path: /\/preupload\//, status: 429, headers: { "retry-after": "30" } });

  const error = await publishNotes(client, "# Notes\n").catch((e: unknown) => e);
  expect(RateLimitedError.isInstance(error)).toBe(true);
});
