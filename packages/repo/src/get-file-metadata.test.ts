import { createHubClient } from "@hfkit/http";
import { HUB, STORAGE, useMswServer } from "@hfkit/testing";
import { HttpResponse, http } from "msw";
import { describe, expect, it } from "vitest";
import { getFileMetadata } from "./get-file-metadata.js";

const { server } = useMswServer();
const COMMIT = "c".repeat(40);
const SHA256 = "a".repeat(64);
const XET_HASH = "b".repeat(64);

/**
 * A client whose HEAD of a file comes back answered by the storage, as a browser's transport
 * hands over a followed cross-origin redirect (opaque to the page): no Hub headers to read, so
 * the metadata comes from the API (repo info, then paths-info at its commit).
 */
const pageLikeClient = () =>
  createHubClient({
    endpoint: HUB,
    token: false,
    retry: false,
    fetch: async (input, init) => {
      if (init?.method !== "HEAD") return fetch(input, init);
      const followed = new Response(null, { status: 200 });
      Object.defineProperty(followed, "url", { value: `${STORAGE}/blob` });
      return followed;
    },
  });

const listed = (xetHash: string) => {
  server.use(
    http.get(`${HUB}/api/models/acme/bert/revision/main`, () =>
      HttpResponse.json({ id: "acme/bert", sha: COMMIT }),
    ),
    http.post(`${HUB}/api/models/acme/bert/paths-info/${COMMIT}`, () =>
      HttpResponse.json([
        {
          type: "file",
          path: "model.bin",
          oid: "d".repeat(40),
          size: 9,
          lfs: { oid: SHA256, size: 9 },
          xetHash,
        },
      ]),
    ),
  );
};

describe("getFileMetadata through the API (a page, where the redirect is opaque)", () => {
  it("takes the commit, the SHA-256 and the Xet hash the API lists", async () => {
    listed(XET_HASH.toUpperCase());
    const meta = await getFileMetadata(pageLikeClient(), { repo: "acme/bert", path: "model.bin" });
    expect(meta).toEqual({ commit: COMMIT, etag: SHA256, size: 9, lfs: true, xetHash: XET_HASH });
  });

  it("drops a listed Xet hash that is not 64 hex characters, as it does for a HEAD's X-Xet-Hash", async () => {
    listed("not-a-xet-hash");
    const meta = await getFileMetadata(pageLikeClient(), { repo: "acme/bert", path: "model.bin" });
    expect(meta).toEqual({ commit: COMMIT, etag: SHA256, size: 9, lfs: true });
  });
});
