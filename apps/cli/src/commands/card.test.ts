import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commit } from "@hfkit/commit";
import { createEmulator } from "@hfkit/emulator";
import { createHubClient } from "@hfkit/http";
import { createBranch } from "@hfkit/refs";
import { createRepo } from "@hfkit/repo";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { main } from "../main.js";
import { capture as captureIO } from "../test-utils.js";

// Remote cards come from the emulator, mounted as msw handlers on a test origin.
const HUB = "https://hub.test";
const hub = createEmulator({ baseUrl: HUB, storageBaseUrl: "https://storage.test" });
const server = setupServer(...hub.mswHandlers());
const admin = createHubClient({ endpoint: HUB, token: "hf_seed_token", fetch: hub.fetch });

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => hub.clearRequestLog());
afterAll(() => server.close());

/** Puts `text` as README.md of `repo` (created if needed), on `revision` (a new branch unless main). */
async function serveReadme(repo: string, text: string, revision = "main") {
  await createRepo(admin, {
    repo,
    existOk: true,
    ...(repo.startsWith("spaces/") ? { sdk: "static" as const } : {}),
  });
  if (revision !== "main") await createBranch(admin, { repo, branch: revision });
  await commit(admin, {
    repo,
    revision,
    message: "Add README",
    operations: [{ type: "add", path: "README.md", content: text }],
  });
  hub.clearRequestLog();
}

/** The Hub requests the command made: method, path, and whether a token went with them. */
const requests = () => hub.requestLog.map((r) => ({ url: r.url, authorization: r.hasAuthorization }));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hfkit-card-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

// HF_HOME points at an empty folder so no saved token on this machine is read.
const capture = () => captureIO({ HF_ENDPOINT: HUB, HF_HOME: dir });

const VALID_DATASET =
  "---\nlicense: cc-by-4.0\nconfigs:\n- config_name: default\n  data_files:\n  - split: train\n    path: data/train-*\n---\n# Reviews\n";

describe("hfkit card validate", () => {
  it("exits 0 for a valid local card", async () => {
    const path = join(dir, "README.md");
    await writeFile(path, "---\nlicense: mit\npipeline_tag: text-classification\n---\n# Model\n");
    const { io, stdout } = capture();
    expect(await main(["card", "validate", path], io)).toBe(0);
    expect(stdout()).toContain("valid model card (0 errors, 0 warnings)");
  });

  it("exits 1 and lists every problem with line:column, path, message and fix", async () => {
    const path = join(dir, "README.md");
    await writeFile(path, "---\nlicense: apache2\npipeline_tag: text-gen\nlanguage:\n- no\n---\n");
    const { io, stdout, stderr } = capture();
    expect(await main(["card", "validate", path], io)).toBe(1);
    const lines = stdout().trim().split("\n");
    expect(lines[0]).toContain("invalid model card (3 errors, 0 warnings)");
    expect(lines[1]).toMatch(
      /^2:10 license error: `license` must be one of the Hub's license ids .*got "apache2"; did you mean "apache-2.0"\?/,
    );
    expect(lines[2]).toMatch(/^3:15 pipeline_tag error: .*got "text-gen"; did you mean "text-generation"\?/);
    expect(lines[3]).toMatch(
      /^5:3 language\[0\] error: `language` values must be strings \(it reads as the boolean false/,
    );
    expect(stderr()).toContain("3 errors in the card metadata");
  });

  it("prints one JSON document with --format json", async () => {
    const path = join(dir, "README.md");
    await writeFile(path, "---\nlicense: other\n---\n");
    const { io, stdout } = capture();
    expect(await main(["card", "validate", path, "--format", "json", "--repo-type", "dataset"], io)).toBe(0);
    const report = JSON.parse(stdout());
    expect(report).toMatchObject({ kind: "dataset", valid: true, errors: 0, warnings: 1 });
    expect(report.problems[0]).toMatchObject({
      path: "license",
      line: 2,
      column: 10,
      code: "license/other-needs-name",
    });
  });

  it("reports unterminated front matter as an error at its line, and an alias bomb as refused", async () => {
    const path = join(dir, "README.md");
    await writeFile(path, "\n---\nlicense: mit\n# Model\n");
    const { io, stdout } = capture();
    expect(await main(["card", "validate", path], io)).toBe(1);
    expect(stdout()).toMatch(
      /\n2:1 \(front matter\) error: the front matter opened by `---` on line 2 is never closed, so the Hub reads no metadata from it; add a line with only `---`/,
    );
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (const [i, name] of [..."bcdefgh"].entries()) {
      levels.push(`${name}: &${name} [${Array(10).fill(`*${"abcdefg"[i]}`).join(", ")}]`);
    }
    await writeFile(path, `---\n${levels.join("\n")}\n---\n`);
    const bomb = capture();
    expect(await main(["card", "validate", path], bomb.io)).toBe(1);
    expect(bomb.stdout()).toContain("aliases expand to more than 10000 nodes (an alias bomb?)");
  });

  it("reports the line of a YAML syntax error", async () => {
    const path = join(dir, "README.md");
    await writeFile(path, '---\nlicense: mit\npretty_name: "unclosed\n---\n');
    const { io, stdout } = capture();
    expect(await main(["card", "validate", path], io)).toBe(1);
    expect(stdout()).toMatch(
      /\n3:14 \(front matter\) error: the front matter is not valid YAML: Missing closing "quote/,
    );
  });

  it("fetches a repo's README.md from the Hub, anonymously by default", async () => {
    await serveReadme("datasets/local/reviews", VALID_DATASET, "v1.0");
    const { io, stdout } = capture();
    expect(await main(["card", "validate", "datasets/local/reviews", "--revision", "v1.0"], io)).toBe(0);
    expect(stdout()).toContain("datasets/local/reviews@v1.0: valid dataset card");
    expect(requests()[0]).toEqual({
      url: `${HUB}/datasets/local/reviews/resolve/v1.0/README.md`,
      authorization: false,
    });
  });

  it("uses --repo-type for a plain org/name id and encodes the revision", async () => {
    await serveReadme("datasets/local/reviews", VALID_DATASET, "feature/x");
    const { io } = capture();
    expect(
      await main(
        ["card", "validate", "local/reviews", "--repo-type", "dataset", "--revision", "feature/x"],
        io,
      ),
    ).toBe(0);
    expect(requests()[0]!.url).toBe(`${HUB}/datasets/local/reviews/resolve/feature%2Fx/README.md`);
  });

  it("sends the token to the Hub when one is given", async () => {
    await serveReadme("local/model", "---\nlicense: mit\n---\n");
    const { io, stdout } = capture();
    expect(await main(["card", "validate", "local/model", "--token", "hf_secretsecretsecret"], io)).toBe(0);
    expect(requests()[0]!.authorization).toBe(true);
    expect(stdout()).not.toContain("hf_secret");
  });

  it("fails with one line when the repo has no README.md", async () => {
    await createRepo(admin, { repo: "local/no-card", existOk: true });
    const { io, stderr } = capture();
    expect(await main(["card", "validate", "local/no-card"], io)).toBe(1);
    expect(stderr().trim().split("\n")).toHaveLength(1);
    expect(stderr()).toMatch(/^error: /);
  });
});

describe("hfkit card show", () => {
  it("prints the README as it is on the Hub", async () => {
    await serveReadme("local/shown", "---\nlicense: mit # ok\n---\n# Model\n");
    const { io, stdout } = capture();
    expect(await main(["card", "show", "local/shown"], io)).toBe(0);
    expect(stdout()).toBe("---\nlicense: mit # ok\n---\n# Model\n");
  });

  it("prints metadata, body and problems with --format json", async () => {
    // A problem the Hub lets through on commit (it refuses an unknown license) but hfkit reports.
    await serveReadme("spaces/local/demo", "---\ntags: 3\n---\nHi\n");
    const { io, stdout } = capture();
    expect(await main(["card", "show", "spaces/local/demo", "--format", "json"], io)).toBe(0);
    const shown = JSON.parse(stdout());
    expect(shown).toMatchObject({
      repo: "spaces/local/demo",
      revision: "main",
      kind: "space",
      metadata: { tags: 3 },
      body: "Hi\n",
    });
    expect(shown.problems[0]).toMatchObject({ path: "tags", severity: "error" });
  });
});

describe("hfkit card set", () => {
  it("edits in place and leaves every other line alone", async () => {
    const path = join(dir, "README.md");
    const before =
      "---\r\n# chosen by legal\r\nlicense: mit   # keep this\r\ntags:\r\n- a\r\n---\r\n# Model\r\n";
    await writeFile(path, before);
    const { io, stdout } = capture();
    expect(
      await main(
        [
          "card",
          "set",
          path,
          "license=apache-2.0",
          "tags=[a, b]",
          "model-index.0.name=demo",
          "pipeline_tag='yes'",
        ],
        io,
      ),
    ).toBe(0);
    expect(await readFile(path, "utf8")).toBe(
      "---\r\n# chosen by legal\r\nlicense: apache-2.0   # keep this\r\ntags:\r\n- a\r\n- b\r\nmodel-index:\r\n- name: demo\r\npipeline_tag: 'yes'\r\n---\r\n# Model\r\n",
    );
    expect(stdout()).toBe(`updated ${path}\n`);
  });

  it("removes keys with --remove", async () => {
    const path = join(dir, "README.md");
    await writeFile(path, "---\nlicense: mit\ntags:\n- a\n---\nbody\n");
    const { io } = capture();
    expect(await main(["card", "set", path, "--remove", "tags"], io)).toBe(0);
    expect(await readFile(path, "utf8")).toBe("---\nlicense: mit\n---\nbody\n");
  });

  it("adds front matter to a README that had none", async () => {
    const path = join(dir, "README.md");
    await writeFile(path, "# Model\n");
    const { io } = capture();
    expect(await main(["card", "set", path, "license=mit"], io)).toBe(0);
    expect(await readFile(path, "utf8")).toBe("---\nlicense: mit\n---\n# Model\n");
  });

  it("names a card path that does not exist, or a folder given for its card, as bad usage with the fix", async () => {
    const missing = join(dir, "nope.md");
    for (const [argv, message] of [
      [
        ["card", "validate", missing],
        `error: target: ${missing} does not exist; give the path of a card (README.md).\n`,
      ],
      [
        ["card", "set", missing, "license=mit"],
        `error: path: ${missing} does not exist; give the path of a card (README.md).\n`,
      ],
      [
        ["card", "validate", dir],
        `error: target: ${dir} is a folder; give its card, ${join(dir, "README.md")}.\n`,
      ],
      [
        ["card", "set", dir, "license=mit"],
        `error: path: ${dir} is a folder; give its card, ${join(dir, "README.md")}.\n`,
      ],
    ] as const) {
      const { io, stdout, stderr } = capture();
      expect(await main([...argv], io)).toBe(2);
      expect(stdout()).toBe("");
      expect(stderr()).toBe(message);
    }
    expect(requests()).toEqual([]);
  });

  it("rejects an assignment without = as a usage error", async () => {
    const path = join(dir, "README.md");
    await writeFile(path, "---\nlicense: mit\n---\n");
    const { io, stderr } = capture();
    expect(await main(["card", "set", path, "license"], io)).toBe(2);
    expect(stderr()).toContain('"license" is not key=value');
    expect(await readFile(path, "utf8")).toBe("---\nlicense: mit\n---\n");
  });

  it("rejects a key the card cannot take as a usage error (exit 2, like a bad repo id)", async () => {
    const path = join(dir, "README.md");
    await writeFile(path, "---\ntags:\n- a\n---\n");
    const { io, stderr } = capture();
    expect(await main(["card", "set", path, "tags.5.name=x"], io)).toBe(2);
    expect(stderr()).toMatch(/^error: tags\[5\]|^error: tags\.5/);
    expect(stderr().trim().split("\n")).toHaveLength(1);
    expect(await readFile(path, "utf8")).toBe("---\ntags:\n- a\n---\n");
  });

  it("refuses to edit a card whose YAML is broken, and does not touch the file", async () => {
    const path = join(dir, "README.md");
    await writeFile(path, "---\nlicense: [mit\n---\n");
    const { io, stderr } = capture();
    // Bad card input is a usage error like any other (ADR 0011): exit code 2.
    expect(await main(["card", "set", path, "license=mit"], io)).toBe(2);
    expect(stderr()).toMatch(/^error: the front matter is not valid YAML \(line 2/);
    expect(await readFile(path, "utf8")).toBe("---\nlicense: [mit\n---\n");
  });
});
