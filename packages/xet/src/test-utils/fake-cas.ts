import { randomBytes } from "node:crypto";
import { HUB } from "@hfkit/testing";
import { HttpResponse, http } from "msw";
import type { SetupServerApi } from "msw/node";
import { hashToHex, hexToHash, keyedBlake3, loadXetHashes, type XetHash } from "../hash.js";
import { parseShard, type ShardFile, type ShardXorb, serializeShard } from "../shard.js";
import { CHUNK_HEADER_BYTES, decodeXorbChunks, parseChunkHeader } from "../xorb.js";

// A CAS for msw tests of the wire, until the emulator speaks Xet: it checks what the spec
// says a server checks (xorb hash against its chunks, shard verification hashes, referenced
// xorbs present, the CAS token) and serves reconstructions from what it stored.

export const CAS = "https://cas.test";
export const TRANSFER = "https://transfer.test";

export interface FakeCas {
  xorbs: Map<string, { bytes: Uint8Array; info: ShardXorb }>;
  files: Map<string, ShardFile>;
  shards: Uint8Array[];
  /** Tokens handed out, in order; the last one is the only one the CAS accepts. */
  tokens: string[];
  /** Seconds until expiry in the next token answers. */
  tokenLifetime: number;
  /** Key of the global dedup answers (their chunk hashes are keyed with it). */
  hmacKey: XetHash;
  /** Answer `/v2/reconstructions` with this status instead (e.g. 501 to force the v1 fallback). */
  v2Status: number | undefined;
  /** Revoke the current token: the next CAS call gets a 401. */
  revoke(): void;
}

export function useFakeCas(server: SetupServerApi, options: { repoPath?: string } = {}): FakeCas {
  const repoPath = options.repoPath ?? "/api/models/acme/m";
  const state: FakeCas = {
    xorbs: new Map(),
    files: new Map(),
    shards: [],
    tokens: [],
    tokenLifetime: 3600,
    hmacKey: new Uint8Array(randomBytes(32)),
    v2Status: undefined,
    revoke() {
      state.tokens.push("revoked");
    },
  };
  const authorized = (request: Request) =>
    state.tokens.length > 0 && request.headers.get("authorization") === `Bearer ${state.tokens.at(-1)}`;
  const unauthorized = () => HttpResponse.json({ error: "token expired" }, { status: 401 });

  const token = ({ params }: { params: Record<string, string | readonly string[] | undefined> }) => {
    const value = `xet_${params.scope}_${state.tokens.length + 1}`;
    state.tokens.push(value);
    const exp = Math.floor(Date.now() / 1000) + state.tokenLifetime;
    return HttpResponse.json(
      { accessToken: value, exp, casUrl: CAS },
      {
        headers: { "x-xet-access-token": value, "x-xet-token-expiration": String(exp), "x-xet-cas-url": CAS },
      },
    );
  };

  server.use(
    http.get(`${HUB}${repoPath}/xet-:scope-token/:revision`, token),
    http.post(`${CAS}/v1/xorbs/default/:hash`, async ({ request, params }) => {
      if (!authorized(request)) return unauthorized();
      const bytes = new Uint8Array(await request.arrayBuffer());
      const hashes = await loadXetHashes();
      const { data, offsets } = decodeXorbChunks(bytes);
      const chunks = offsets.slice(1).map((end, i) => {
        const chunk = data.subarray(offsets[i], end);
        return { hash: hashes.chunk(chunk), size: chunk.byteLength };
      });
      const hash = hashToHex(hashes.xorb(chunks));
      if (hash !== params.hash) return HttpResponse.json({ error: "xorb hash mismatch" }, { status: 400 });
      const inserted = !state.xorbs.has(hash);
      let offset = 0;
      const info: ShardXorb = {
        hash: hexToHash(hash),
        rawBytes: data.byteLength,
        serializedBytes: bytes.byteLength,
        chunks: chunks.map((c) => {
          const entry = { hash: c.hash, offset, size: c.size, flags: 0 };
          offset += c.size;
          return entry;
        }),
      };
      state.xorbs.set(hash, { bytes, info });
      return HttpResponse.json({ was_inserted: inserted });
    }),
    http.head(`${CAS}/v1/xorbs/default/:hash`, ({ request, params }) => {
      if (!authorized(request)) return new HttpResponse(null, { status: 401 });
      return new HttpResponse(null, { status: state.xorbs.has(String(params.hash)) ? 200 : 404 });
    }),
    http.post(`${CAS}/v1/shards`, async ({ request }) => {
      if (!authorized(request)) return unauthorized();
      const bytes = new Uint8Array(await request.arrayBuffer());
      const shard = parseShard(bytes);
      if (shard.footer)
        return HttpResponse.json({ error: "uploaded shards carry no footer" }, { status: 400 });
      const hashes = await loadXetHashes();
      for (const file of shard.files) {
        for (const term of file.terms) {
          const stored = state.xorbs.get(hashToHex(term.xorbHash));
          if (!stored) return HttpResponse.json({ error: "unknown xorb" }, { status: 400 });
          const range = stored.info.chunks.slice(term.chunkStart, term.chunkEnd);
          const expected = hashes.verification(range.map((c) => c.hash));
          if (!term.verification || hashToHex(term.verification) !== hashToHex(expected)) {
            return HttpResponse.json({ error: "verification failed" }, { status: 400 });
          }
        }
        state.files.set(hashToHex(file.fileHash), file);
      }
      state.shards.push(bytes);
      return HttpResponse.json({ result: 1 });
    }),
    http.get(`${CAS}/v1/chunks/default-merkledb/:hash`, async ({ request, params }) => {
      if (!authorized(request)) return unauthorized();
      const wanted = String(params.hash);
      for (const { info } of state.xorbs.values()) {
        if (!info.chunks.some((c) => hashToHex(c.hash) === wanted)) continue;
        const keyed = await keyedBlake3(state.hmacKey);
        const answer = serializeShard(
          {
            files: [],
            xorbs: [{ ...info, chunks: info.chunks.map((c) => ({ ...c, hash: keyed(c.hash) })) }],
            footer: {
              hmacKey: state.hmacKey,
              createdAt: 0,
              keyExpiry: Math.floor(Date.now() / 1000) + 86400,
            },
          },
          { footer: true },
        );
        return new HttpResponse(answer, { headers: { "content-type": "application/octet-stream" } });
      }
      return HttpResponse.json({ error: "not found" }, { status: 404 });
    }),
    http.get(`${CAS}/:version/reconstructions/:file`, ({ request, params }) => {
      if (!authorized(request)) return unauthorized();
      if (params.version === "v2" && state.v2Status)
        return new HttpResponse(null, { status: state.v2Status });
      const file = state.files.get(String(params.file));
      if (!file) return HttpResponse.json({ error: "no such file" }, { status: 404 });
      const range = /bytes=(\d+)-(\d+)/.exec(request.headers.get("range") ?? "");
      return HttpResponse.json(reconstruction(state, file, params.version as string, range));
    }),
    http.get(`${TRANSFER}/xorb/:hash`, ({ request, params }) => {
      if (request.headers.has("authorization"))
        return HttpResponse.json({ error: "signed URL" }, { status: 403 });
      const stored = state.xorbs.get(String(params.hash));
      if (!stored) return new HttpResponse(null, { status: 404 });
      const ranges = [...(request.headers.get("range") ?? "").matchAll(/(\d+)-(\d+)/g)].map((m) => [
        Number(m[1]),
        Number(m[2]),
      ]) as [number, number][];
      if (ranges.length === 1) {
        const [a, b] = ranges[0]!;
        return new HttpResponse(stored.bytes.slice(a, b + 1), {
          status: 206,
          headers: { "content-range": `bytes ${a}-${b}/${stored.bytes.byteLength}` },
        });
      }
      const parts: Uint8Array[] = [];
      for (const [a, b] of ranges) {
        parts.push(
          Buffer.from(
            `--SEP\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes ${a}-${b}/${stored.bytes.byteLength}\r\n\r\n`,
          ),
          stored.bytes.slice(a, b + 1),
          Buffer.from("\r\n"),
        );
      }
      parts.push(Buffer.from("--SEP--\r\n"));
      return new HttpResponse(Buffer.concat(parts), {
        status: 206,
        headers: { "content-type": "multipart/byteranges; boundary=SEP" },
      });
    }),
  );
  return state;
}

/** Byte offset of each chunk's header in a stored xorb, and the end. */
function chunkOffsets(bytes: Uint8Array): number[] {
  const offsets = [0];
  let at = 0;
  while (at < bytes.byteLength) {
    at += CHUNK_HEADER_BYTES + parseChunkHeader(bytes, at).compressedSize;
    offsets.push(at);
  }
  return offsets;
}

function reconstruction(state: FakeCas, file: ShardFile, version: string, range: RegExpExecArray | null) {
  const start = range ? Number(range[1]) : 0;
  const end = range ? Number(range[2]) + 1 : Number.POSITIVE_INFINITY;
  const terms: { hash: string; unpacked_length: number; range: { start: number; end: number } }[] = [];
  let position = 0;
  let offsetIntoFirst = 0;
  for (const term of file.terms) {
    const termEnd = position + term.size;
    if (termEnd > start && position < end) {
      if (terms.length === 0) offsetIntoFirst = start - position;
      terms.push({
        hash: hashToHex(term.xorbHash),
        unpacked_length: term.size,
        range: { start: term.chunkStart, end: term.chunkEnd },
      });
    }
    position = termEnd;
  }
  // Per xorb, the ranges its terms need (one per term here; a real CAS merges them).
  const byXorb = new Map<
    string,
    { chunks: { start: number; end: number }; bytes: { start: number; end: number } }[]
  >();
  for (const term of terms) {
    const offsets = chunkOffsets(state.xorbs.get(term.hash)!.bytes);
    const list = byXorb.get(term.hash) ?? [];
    if (!list.some((r) => r.chunks.start === term.range.start && r.chunks.end === term.range.end)) {
      list.push({
        chunks: term.range,
        bytes: { start: offsets[term.range.start]!, end: offsets[term.range.end]! - 1 },
      });
    }
    byXorb.set(
      term.hash,
      list.sort((a, b) => a.chunks.start - b.chunks.start),
    );
  }
  const url = (hash: string) => `${TRANSFER}/xorb/${hash}?Signature=sig&Expires=1`;
  if (version === "v1") {
    return {
      offset_into_first_range: offsetIntoFirst,
      terms,
      fetch_info: Object.fromEntries(
        [...byXorb].map(([hash, list]) => [
          hash,
          list.map((r) => ({ range: r.chunks, url: url(hash), url_range: r.bytes })),
        ]),
      ),
    };
  }
  return {
    offset_into_first_range: offsetIntoFirst,
    terms,
    xorbs: Object.fromEntries([...byXorb].map(([hash, list]) => [hash, [{ url: url(hash), ranges: list }]])),
  };
}
