// Helpers that drive an in-process emulator's Xet routes the way a client does.
import { createHash } from "node:crypto";
import type { Emulator } from "../../src/index.js";
import { xetHasher } from "../../src/xet/hash.js";
import { callJson, TOKEN } from "../helpers.js";
import { buildShard, buildXorb, type ChunkSpec, cut, fileHashOf, type Scheme, type Xorb } from "./encoder.js";

export interface CasAccess {
  accessToken: string;
  exp: number;
  casUrl: string;
}

export async function xetToken(
  hub: Emulator,
  repo: string,
  kind: "read" | "write" = "write",
  rev = "main",
  options: { token?: string | null; query?: string; type?: string } = {},
) {
  return callJson<CasAccess>(
    hub,
    "GET",
    `/api/${options.type ?? "model"}s/${repo}/xet-${kind}-token/${rev}${options.query ?? ""}`,
    {
      ...(options.token !== undefined ? { token: options.token } : {}),
    },
  );
}

export async function writeAccess(hub: Emulator, repo: string): Promise<CasAccess> {
  const res = await xetToken(hub, repo, "write");
  if (res.status !== 200) throw new Error(`xet-write-token: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** One request to the CAS (the storage origin), with a Xet token (or `token: null` for none). */
export function cas(
  hub: Emulator,
  method: string,
  path: string,
  options: { token?: string | null; body?: Uint8Array | string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  return hub.fetch(`${hub.storageBaseUrl}${path}`, {
    method,
    headers,
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
}

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

export interface Uploaded {
  xorb: Xorb;
  fileHash: string;
  sha256: string;
  shard: Uint8Array;
}

/** Builds the xorb and shard for `data` (one xorb, fixed-size chunks) without uploading them. */
export async function encodeFile(
  data: Uint8Array,
  specs?: ChunkSpec[],
  scheme: Scheme = 0,
): Promise<Uploaded> {
  const hasher = await xetHasher();
  const xorb = buildXorb(specs ?? cut(data, 64 * 1024, scheme), hasher);
  const file = { terms: [{ xorb, start: 0, end: xorb.chunks.length }], bytes: data };
  return {
    xorb,
    fileHash: fileHashOf(file, hasher),
    sha256: sha256(data),
    shard: buildShard([file], [xorb], hasher),
  };
}

/** Uploads `data` through Xet for `repo` (xorb, then shard) and returns what was sent. */
export async function xetUpload(
  hub: Emulator,
  token: string,
  data: Uint8Array,
  specs?: ChunkSpec[],
): Promise<Uploaded> {
  const encoded = await encodeFile(data, specs);
  const put = await cas(hub, "POST", `/v1/xorbs/default/${encoded.xorb.hash}`, {
    token,
    body: encoded.xorb.bytes,
  });
  if (put.status !== 200) throw new Error(`xorb upload: ${put.status} ${await put.text()}`);
  const shard = await cas(hub, "POST", "/v1/shards", { token, body: encoded.shard });
  if (shard.status !== 200) throw new Error(`shard upload: ${shard.status} ${await shard.text()}`);
  return encoded;
}

export { TOKEN };
