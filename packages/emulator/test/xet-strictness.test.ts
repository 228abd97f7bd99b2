// The CAS is as strict as the Hub's: every malformed or lying upload is refused with a 4xx
// that names the problem, and nothing of it is registered (no xorb stored, no file known to
// the CAS, nothing a commit could reference).
import { randomBytes } from "node:crypto";
import { request } from "node:http";
import { beforeEach, describe, expect, it } from "vitest";
import { createEmulator, type Emulator, startEmulatorServer } from "../src/index.js";
import { xetHasher } from "../src/xet/hash.js";
import { callJson, createRepo, ndjson, TOKEN } from "./helpers.js";
import { cas, encodeFile, sha256, type Uploaded, writeAccess, xetToken, xetUpload } from "./xet/client.js";
import {
  buildShard,
  buildXorb,
  chunkHeader,
  cut,
  type FileSpec,
  fileHashOf,
  lz4Frame,
  type Xorb,
} from "./xet/encoder.js";

let clock: number;
let hub: Emulator;
let token: string;
beforeEach(async () => {
  clock = Date.UTC(2026, 0, 1);
  hub = createEmulator({ now: () => clock });
  await createRepo(hub, "xet");
  token = (await writeAccess(hub, "local/xet")).accessToken;
});

async function uploadXorb(xorb: { hash: string; bytes: Uint8Array }, auth = token) {
  return cas(hub, "POST", `/v1/xorbs/default/${xorb.hash}`, { token: auth, body: xorb.bytes });
}

async function xorbStored(hash: string): Promise<boolean> {
  return (await cas(hub, "HEAD", `/v1/xorbs/default/${hash}`, { token })).status === 200;
}

/** Nothing of `file` is registered: unknown to the CAS, and no commit may reference it. */
async function expectUnregistered(file: { fileHash: string; sha256: string }, size: number) {
  expect((await cas(hub, "HEAD", `/v1/files/${file.fileHash}`, { token })).status).toBe(404);
  expect((await cas(hub, "GET", `/v2/reconstructions/${file.fileHash}`, { token })).status).toBe(404);
  const commit = await callJson<{ error: string }>(hub, "POST", "/api/models/local/xet/commit/main", {
    body: ndjson([
      { key: "header", value: { summary: "reference it" } },
      { key: "lfsFile", value: { path: "x.bin", algo: "sha256", oid: file.sha256, size } },
    ]),
    headers: { "content-type": "application/x-ndjson" },
  });
  expect(commit.status).toBe(400);
  expect(commit.headers.get("x-error-code")).toBe("LfsObjectNotFound");
}

async function rejected(res: Response, status: number, message: RegExp) {
  expect(res.status).toBe(status);
  const body = (await res.json()) as { error: string };
  expect(body.error).toMatch(message);
}

describe("xorb uploads", () => {
  it("refuse a xorb whose hash does not match the path, and store nothing", async () => {
    const { xorb } = await encodeFile(new Uint8Array(randomBytes(100_000)));
    const other = "0123456789abcdef".repeat(4);
    await rejected(
      await uploadXorb({ hash: other, bytes: xorb.bytes }),
      400,
      /Xorb hash mismatch.*hash to [0-9a-f]{64}/,
    );
    expect(await xorbStored(other)).toBe(false);
    expect(await xorbStored(xorb.hash)).toBe(false);
  });

  it.each([
    [
      "an unknown chunk header version",
      () => Buffer.concat([chunkHeader(4, 0, 4, 1), Buffer.from("abcd")]),
      /version 1/,
    ],
    [
      "an unknown compression scheme",
      () => Buffer.concat([chunkHeader(4, 3, 4), Buffer.from("abcd")]),
      /scheme 3/,
    ],
    [
      "a raw chunk whose sizes differ",
      () => Buffer.concat([chunkHeader(4, 0, 5), Buffer.from("abcd")]),
      /raw size/,
    ],
    [
      "a chunk over 128 KiB",
      () => Buffer.concat([chunkHeader(4, 1, 200_000), Buffer.from("abcd")]),
      /128 KiB/,
    ],
    [
      "a truncated chunk",
      () => Buffer.concat([chunkHeader(10, 0, 10), Buffer.from("abcd")]),
      /middle of a chunk/,
    ],
    ["an empty body", () => new Uint8Array(0), /at least one chunk/],
    [
      "an LZ4 chunk that is not a frame",
      () => Buffer.concat([chunkHeader(6, 1, 10), Buffer.from("abcdef")]),
      /LZ4 frame magic/,
    ],
  ] as const)("refuse %s", async (_what, body, message) => {
    const bytes = body();
    await rejected(await uploadXorb({ hash: "ab".repeat(32), bytes }), 400, message);
    expect(await xorbStored("ab".repeat(32))).toBe(false);
  });

  it("refuse LZ4 frames that lie: wrong size, damaged checksums, corrupt blocks", async () => {
    const hasher = await xetHasher();
    const raw = Buffer.from("repeat me ".repeat(5000));
    const frame = lz4Frame(raw, hasher, { contentChecksum: true, blockChecksum: true, contentSize: true });
    const cases: Array<[Uint8Array, number, RegExp]> = [
      [frame, raw.length + 1, /declares 50000 bytes/],
      [
        Buffer.concat([frame.subarray(0, -1), Buffer.from([frame.at(-1)! ^ 1])]),
        raw.length,
        /content checksum/,
      ],
      [
        Buffer.concat([frame.subarray(0, 6), Buffer.from([frame[6]! ^ 1]), frame.subarray(7)]),
        raw.length,
        /declares|descriptor checksum/,
      ],
    ];
    // Hand-made frames whose single block refers before the start of the output.
    const frameOf = (block: number[]) => {
      const descriptor = Uint8Array.from([0x60, 0x40]);
      const hc = (hasher.xxh32(descriptor) >>> 8) & 0xff;
      const size = Buffer.alloc(4);
      size.writeUInt32LE(block.length);
      return Buffer.concat([
        Buffer.from([0x04, 0x22, 0x4d, 0x18]),
        descriptor,
        Buffer.from([hc]),
        size,
        Buffer.from(block),
        Buffer.alloc(4),
      ]);
    };
    cases.push([frameOf([0x10, 97, 0x00, 0x00]), 5, /match offset outside/]);
    cases.push([frameOf([0x10, 97, 0x05, 0x00]), 5, /match offset outside/]);
    cases.push([frameOf([0x1f, 97, 0x01, 0x00]), 5, /truncated length/]);
    for (const [payload, rawSize, message] of cases) {
      const bytes = Buffer.concat([chunkHeader(payload.length, 1, rawSize), payload]);
      await rejected(await uploadXorb({ hash: "cd".repeat(32), bytes }), 400, message);
    }
    expect(await xorbStored("cd".repeat(32))).toBe(false);
  });

  it("refuse a body declared larger than a xorb may be, before reading it", async () => {
    const server = await startEmulatorServer({ port: 0 });
    try {
      const storage = new URL(server.storageUrl);
      await createRepo(server.emulator, "xet");
      const access = await writeAccess(server.emulator, "local/xet");
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: "127.0.0.1",
            port: storage.port,
            method: "POST",
            path: `/v1/xorbs/default/${"ef".repeat(32)}`,
            headers: { authorization: `Bearer ${access.accessToken}`, "content-length": 80 * 1024 * 1024 },
          },
          (res) => resolve(res.statusCode ?? 0),
        );
        req.on("error", reject);
        req.write(Buffer.alloc(10));
      });
      expect(status).toBe(413);
    } finally {
      await server.close();
    }
  });
});

describe("shard uploads", () => {
  let data: Uint8Array;
  let encoded: Uploaded;
  beforeEach(async () => {
    data = new Uint8Array(randomBytes(300_000));
    encoded = await encodeFile(data);
  });

  async function shardWith(
    edit: (file: FileSpec & { bytes: Uint8Array }) => void,
    xorbs: Xorb[] = [encoded.xorb],
  ) {
    const file: FileSpec & { bytes: Uint8Array } = {
      terms: [{ xorb: encoded.xorb, start: 0, end: encoded.xorb.chunks.length }],
      bytes: data,
    };
    edit(file);
    return buildShard([file], xorbs, await xetHasher());
  }

  it("refuse a shard before its xorbs; the same shard is accepted once the xorb is uploaded", async () => {
    const first = await cas(hub, "POST", "/v1/shards", { token, body: encoded.shard });
    await rejected(first, 400, /never uploaded: upload every xorb before its shard/);
    await expectUnregistered(encoded, data.length);
    expect((await uploadXorb(encoded.xorb)).status).toBe(200);
    const second = await cas(hub, "POST", "/v1/shards", { token, body: encoded.shard });
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual({ result: 1 });
  });

  it("refuse a shard whose file uses a xorb that was never uploaded, or a chunk range outside one", async () => {
    await uploadXorb(encoded.xorb);
    const hasher = await xetHasher();
    const missing = buildXorb(cut(new Uint8Array(randomBytes(1000))), hasher);
    const cases: Array<[Uint8Array, RegExp]> = [
      [
        await shardWith((f) => f.terms.push({ xorb: missing, start: 0, end: 1 }), [encoded.xorb]),
        /uses xorb [0-9a-f]{64}, which was never uploaded/,
      ],
      [
        await shardWith((f) => (f.terms[0]!.end = encoded.xorb.chunks.length + 1)),
        /chunk range \[0, 6\) is not inside xorb/,
      ],
      [await shardWith((f) => (f.terms[0]!.start = f.terms[0]!.end)), /chunk range \[5, 5\)/],
      [await shardWith(() => {}, [missing]), /lists xorb [0-9a-f]{64}, which was never uploaded/],
    ];
    for (const [body, message] of cases)
      await rejected(await cas(hub, "POST", "/v1/shards", { token, body }), 400, message);
    await expectUnregistered(encoded, data.length);
  });

  it("refuse a file whose SHA-256 metadata lies (v1: 400; v2: a terminal error event), registering nothing", async () => {
    await uploadXorb(encoded.xorb);
    const lie = sha256(Buffer.from("something else"));
    const body = await shardWith((f) => (f.sha256 = lie));
    await rejected(
      await cas(hub, "POST", "/v1/shards", { token, body }),
      400,
      /SHA-256 metadata says .* but its bytes hash to/,
    );
    const v2 = await cas(hub, "POST", "/v2/shards", { token, body });
    expect(v2.status).toBe(200);
    const events = (await v2.text())
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; message?: string });
    expect(events.at(-1)).toMatchObject({
      type: "error",
      message: expect.stringMatching(/SHA-256 metadata/),
    });
    await expectUnregistered(encoded, data.length);
    await expectUnregistered({ fileHash: encoded.fileHash, sha256: lie }, data.length);
  });

  it("with verifyLfsSha256: false (benchmarks), take a file's SHA-256 metadata on trust, as an LFS upload's oid", async () => {
    hub = createEmulator({ now: () => clock, verifyLfsSha256: false });
    await createRepo(hub, "xet");
    token = (await writeAccess(hub, "local/xet")).accessToken;
    await uploadXorb(encoded.xorb);
    const lie = sha256(Buffer.from("something else"));
    const res = await cas(hub, "POST", "/v1/shards", {
      token,
      body: await shardWith((f) => (f.sha256 = lie)),
    });
    expect(res.status).toBe(200);
    // Every other check of the shard still holds.
    await rejected(
      await cas(hub, "POST", "/v1/shards", {
        token,
        body: await shardWith((f) => (f.verification = [new Uint8Array(32)])),
      }),
      400,
      /verification hash does not match/,
    );
  });

  it("refuse wrong verification hashes, a wrong file hash, missing verification or SHA-256, and lying CAS info", async () => {
    await uploadXorb(encoded.xorb);
    const wrongXorbInfo = { ...encoded.xorb, chunks: [...encoded.xorb.chunks].reverse() };
    const cases: Array<[Uint8Array, RegExp]> = [
      [await shardWith((f) => (f.verification = [new Uint8Array(32)])), /verification hash does not match/],
      [await shardWith((f) => (f.hash = "12".repeat(32))), /File hash mismatch/],
      [await shardWith((f) => (f.verification = null)), /no verification entries/],
      [await shardWith((f) => (f.sha256 = null)), /no SHA-256 metadata/],
      [await shardWith(() => {}, [wrongXorbInfo]), /does not match the uploaded xorb/],
      [Buffer.from("not a shard at all, just some bytes to fill a header....."), /header tag/],
      [(await shardWith(() => {})).subarray(0, 100), /truncated/],
    ];
    for (const [body, message] of cases)
      await rejected(await cas(hub, "POST", "/v1/shards", { token, body }), 400, message);
    await expectUnregistered(encoded, data.length);
  });
});

describe("CAS tokens", () => {
  it("refuse the Hub token, no token, and an altered token", async () => {
    const { xorb } = await encodeFile(new Uint8Array(randomBytes(1000)));
    for (const auth of [TOKEN, null, `${token.slice(0, -2)}xx`]) {
      const res = await cas(hub, "POST", `/v1/xorbs/default/${xorb.hash}`, { token: auth, body: xorb.bytes });
      expect(res.status).toBe(401);
    }
    const hubToken = await cas(hub, "POST", `/v1/xorbs/default/${xorb.hash}`, {
      token: TOKEN,
      body: xorb.bytes,
    });
    expect(((await hubToken.json()) as { error: string }).error).toMatch(/never a Hub token/);
    expect((await cas(hub, "GET", `/v2/reconstructions/${"aa".repeat(32)}`, { token: TOKEN })).status).toBe(
      401,
    );
    expect(await xorbStored(xorb.hash)).toBe(false);
  });

  it("refuse an expired token (401) and a read token on a write (403), storing nothing", async () => {
    const encoded = await encodeFile(new Uint8Array(randomBytes(2000)));
    const read = (await xetToken(hub, "local/xet", "read")).body.accessToken;
    await rejected(await uploadXorb(encoded.xorb, read), 403, /read scope/);
    await rejected(
      await cas(hub, "POST", "/v1/shards", { token: read, body: encoded.shard }),
      403,
      /read scope/,
    );
    clock += 3600 * 1000 + 1;
    await rejected(await uploadXorb(encoded.xorb, token), 401, /expired/);
    expect(await xorbStored(encoded.xorb.hash)).toBe(false);
  });

  it("bind a token to its repo: another repo's token cannot read its files, nor commit them", async () => {
    await createRepo(hub, "other");
    const other = (await writeAccess(hub, "local/other")).accessToken;
    const data = new Uint8Array(randomBytes(5000));
    const up = await xetUpload(hub, other, data);
    expect((await cas(hub, "GET", `/v2/reconstructions/${up.fileHash}`, { token: other })).status).toBe(200);
    await expectUnregistered(up, data.length); // as seen from local/xet, with its own token
  });
});

describe("file hashes", () => {
  it("follow the order of the terms: a reordered file is another file, accepted under its own hash", async () => {
    const hasher = await xetHasher();
    const data = new Uint8Array(randomBytes(200_000));
    const xorb = buildXorb(cut(data), hasher);
    await uploadXorb(xorb);
    const reordered = {
      terms: [
        { xorb, start: 1, end: xorb.chunks.length },
        { xorb, start: 0, end: 1 },
      ],
      bytes: Buffer.concat([data.subarray(65_536), data.subarray(0, 65_536)]),
    };
    // Consistent in itself (its own file hash and SHA-256): accepted, as a different file.
    const ok = buildShard([reordered], [xorb], hasher);
    expect((await cas(hub, "POST", "/v1/shards", { token, body: ok })).status).toBe(200);
    expect(fileHashOf(reordered, hasher)).not.toBe(
      fileHashOf({ terms: [{ xorb, start: 0, end: xorb.chunks.length }] }, hasher),
    );
  });
});
