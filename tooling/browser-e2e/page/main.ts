// The page under test: what a web app using hfkit would ship, bundled from the packages'
// browser builds. It runs one flow against the Hub it is given and reports what it saw; the
// test compares. The big file is a Blob made here, as a file a user dropped would be.
import { parseCard, validateCard } from "@hfkit/cards";
import { uploadFile } from "@hfkit/commit";
import { createHubClient } from "@hfkit/http";
import { createBranch, listRefs } from "@hfkit/refs";
import { createRepo, downloadFile, listFiles, whoami } from "@hfkit/repo";

export interface FlowResult {
  user: string;
  repo: string;
  files: { path: string; size: number }[];
  smallMatches: boolean;
  bigMatches: boolean;
  bigSize: number;
  branches: string[];
  cardProblems: string[];
  nodeOnlyError: string;
}

/** Bytes that differ at every position, from a seed, so a misplaced part cannot compare equal. */
function pattern(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

function same(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

async function flow(options: { endpoint: string; token: string; bigBytes: number }): Promise<FlowResult> {
  const hub = createHubClient({ endpoint: options.endpoint, token: options.token });
  const me = await whoami(hub);
  const repo = `${me.name}/from-the-browser`;
  await createRepo(hub, { repo });

  const text = "# hello from a page\n";
  await uploadFile(hub, { repo, pathInRepo: "hello.md", content: new TextEncoder().encode(text) });
  const big = pattern(options.bigBytes, 7);
  const blob = new Blob([big as unknown as ArrayBuffer], { type: "application/octet-stream" });
  await uploadFile(hub, { repo, pathInRepo: "weights/big.bin", content: blob });

  const files: { path: string; size: number }[] = [];
  for await (const entry of listFiles(hub, { repo, recursive: true })) {
    if (entry.type === "file") files.push({ path: entry.path, size: entry.size });
  }

  const small = await downloadFile(hub, { repo, path: "hello.md", to: "memory" });
  const back = await downloadFile(hub, { repo, path: "weights/big.bin", to: "memory" });

  await createBranch(hub, { repo, branch: "experiment" });
  const refs = await listRefs(hub, { repo });

  const card = parseCard("---\nlicense: apache-2.0\npipeline_tag: not-a-task\n---\n# A model\n");
  const cardProblems = validateCard(card).map((p) => `${p.code} at ${p.path}`);

  // A Node-only feature reached from the page says so, naming the field.
  let nodeOnlyError = "";
  try {
    await downloadFile(hub, { repo, path: "hello.md" });
  } catch (error) {
    nodeOnlyError = (error as Error).message;
  }

  return {
    user: me.name,
    repo,
    files: files.sort((a, b) => a.path.localeCompare(b.path)),
    smallMatches: new TextDecoder().decode(small.bytes) === text,
    bigMatches: same(back.bytes, big),
    bigSize: back.bytes.byteLength,
    branches: refs.branches.map((b) => b.name).sort(),
    cardProblems,
    nodeOnlyError,
  };
}

(globalThis as { hfkitFlow?: typeof flow }).hfkitFlow = flow;
