import { createHash } from "node:crypto";
import type { Emulator } from "../src/index.js";

export const TOKEN = "hf_test_token";

/** huggingface_hub's CI user: the Hub accepts `_` at both ends of a namespace. */
export const CI_USER = "__DUMMY_HUB_USER__";

/** Two writers, as in huggingface_hub's own tests: `owner` signs in as `CI_USER`, `other` as `DVUser`. */
export const ciUsers = (owner: string, other: string) => [
  { token: owner, user: CI_USER, role: "write" as const },
  { token: other, user: "DVUser", role: "write" as const },
];

export interface CallOptions {
  token?: string | null;
  json?: unknown;
  body?: RequestInit["body"];
  headers?: Record<string, string>;
}

/** One request to the emulator's Hub origin, in-process. */
export function call(
  hub: Emulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  const token = options.token === undefined ? TOKEN : options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let body = options.body;
  if (options.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  const url = path.startsWith("http") ? path : `${hub.baseUrl}${path}`;
  return hub.fetch(url, { method, headers, ...(body !== undefined ? { body } : {}) });
}

export interface JsonResult<T> {
  status: number;
  headers: Headers;
  body: T;
}

export async function callJson<T = unknown>(
  hub: Emulator,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<JsonResult<T>> {
  const res = await call(hub, method, path, options);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function createRepo(
  hub: Emulator,
  name: string,
  extra: Record<string, unknown> = {},
  token?: string,
) {
  const res = await callJson(hub, "POST", "/api/repos/create", {
    json: { name, ...extra },
    ...(token ? { token } : {}),
  });
  if (res.status !== 200) throw new Error(`create failed: ${JSON.stringify(res.body)}`);
  return res.body as { url: string };
}

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

export function ndjson(lines: unknown[]): string {
  return lines.map((l) => JSON.stringify(l)).join("\n");
}

/** Commits regular files (and deletions) with the NDJSON API. */
export async function commitFiles(
  hub: Emulator,
  repo: string,
  files: Record<string, string>,
  options: {
    rev?: string;
    summary?: string;
    parentCommit?: string;
    query?: string;
    token?: string;
    deletes?: string[];
  } = {},
) {
  const lines: unknown[] = [
    {
      key: "header",
      value: {
        summary: options.summary ?? "update",
        ...(options.parentCommit ? { parentCommit: options.parentCommit } : {}),
      },
    },
    ...Object.entries(files).map(([path, text]) => ({
      key: "file",
      value: { path, content: Buffer.from(text).toString("base64"), encoding: "base64" },
    })),
    ...(options.deletes ?? []).map((path) => ({ key: "deletedFile", value: { path } })),
  ];
  return callJson<{ commitOid: string; pullRequestUrl?: string }>(
    hub,
    "POST",
    `/api/models/${repo}/commit/${encodeURIComponent(options.rev ?? "main")}${options.query ?? ""}`,
    {
      body: ndjson(lines),
      headers: { "content-type": "application/x-ndjson" },
      ...(options.token ? { token: options.token } : {}),
    },
  );
}

interface BatchObject {
  oid: string;
  size: number;
  actions?: { upload: { href: string; header?: Record<string, string> } };
  error?: { code: number; message: string };
}

export async function lfsBatch(
  hub: Emulator,
  repo: string,
  objects: Array<{ oid: string; size: number }>,
): Promise<JsonResult<{ transfer: string; objects: BatchObject[] }>> {
  return callJson<{ transfer: string; objects: BatchObject[] }>(
    hub,
    "POST",
    `/${repo}.git/info/lfs/objects/batch`,
    {
      json: {
        operation: "upload",
        transfers: ["basic", "multipart"],
        hash_algo: "sha_256",
        ref: { name: "main" },
        objects,
      },
      headers: { accept: "application/vnd.git-lfs+json" },
    },
  );
}

/** Uploads bytes through the LFS batch API (basic transfer), returning the oid. */
async function uploadLfsObject(hub: Emulator, repo: string, bytes: Uint8Array): Promise<string> {
  const oid = sha256(bytes);
  const batch = await lfsBatch(hub, repo, [{ oid, size: bytes.byteLength }]);
  const action = batch.body.objects[0]!.actions?.upload;
  if (action) {
    const put = await hub.fetch(action.href, { method: "PUT", body: bytes });
    if (put.status !== 200) throw new Error(`PUT failed ${put.status}: ${await put.text()}`);
  }
  return oid;
}

export async function commitLfs(
  hub: Emulator,
  repo: string,
  path: string,
  bytes: Uint8Array,
): Promise<JsonResult<{ commitOid: string }>> {
  const oid = await uploadLfsObject(hub, repo, bytes);
  return callJson<{ commitOid: string }>(hub, "POST", `/api/models/${repo}/commit/main`, {
    body: ndjson([
      { key: "header", value: { summary: `add ${path}` } },
      { key: "lfsFile", value: { path, algo: "sha256", oid, size: bytes.byteLength } },
    ]),
    headers: { "content-type": "application/x-ndjson" },
  });
}
