import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readRequests } from "./requests.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "hfkit-sync-requests-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("readRequests", () => {
  it("reads a folder: one request or a list per file, defaults filled in, each with its file and line", async () => {
    await mkdir(join(dir, "add"));
    await mkdir(join(dir, "remove"));
    await writeFile(
      join(dir, "add", "a.yaml"),
      "hf_id: acme/reviews\ndescription: reviews\ninclude: '*.parquet'\n",
    );
    await writeFile(
      join(dir, "add", "b.yml"),
      "- hf_id: acme/bert\n  description: a model\n  repo_type: model\n  revision: v1\n- hf_id: datasets/acme/x\n  description: x\n",
    );
    await writeFile(join(dir, "add", "notes.txt"), "not a request");
    await writeFile(join(dir, "remove", "old.yaml"), "hf_id: acme/old\nreason: replaced\n");
    const set = await readRequests(dir);
    expect(set.problems).toEqual([]);
    expect(set.adds).toEqual([
      {
        kind: "add",
        repo: { type: "dataset", name: "acme/reviews" },
        hfId: "acme/reviews",
        description: "reviews",
        revision: "main",
        include: ["*.parquet"],
        source: { file: join(dir, "add", "a.yaml"), line: 1, column: 1 },
        fields: expect.objectContaining({
          include: { file: join(dir, "add", "a.yaml"), line: 3, column: 10 },
        }),
      },
      {
        kind: "add",
        repo: { type: "model", name: "acme/bert" },
        hfId: "acme/bert",
        description: "a model",
        revision: "v1",
        source: { file: join(dir, "add", "b.yml"), line: 1, column: 3 },
        fields: expect.objectContaining({
          revision: { file: join(dir, "add", "b.yml"), line: 4, column: 13 },
        }),
      },
      expect.objectContaining({
        repo: { type: "dataset", name: "acme/x" },
        source: expect.objectContaining({ line: 5 }),
      }),
    ]);
    expect(set.removes).toMatchObject([{ repo: { type: "dataset", name: "acme/old" }, reason: "replaced" }]);
  });

  it("reports YAML errors, unknown sections, bad ids and subsets of models, each where it is", async () => {
    const file = join(dir, "requests.yaml");
    await writeFile(
      file,
      "add:\n  - hf_id: acme/--bad\n    description: x\n  - hf_id: acme/bert\n    repo_type: model\n    description: m\n    split: train\nextra: 1\n",
    );
    const set = await readRequests(file);
    expect(set.problems.map((p) => `${p.line}:${p.column} ${p.field}: ${p.message.slice(0, 40)}`)).toEqual([
      "8:1 extra: is not a section of a request file (it h",
      '2:12 add[0].hf_id: "acme/--bad" is not a valid repo id. Use',
      "7:12 add[1].split: subset and split narrow datasets only; a",
    ]);
    await writeFile(file, "add: [unclosed\n");
    expect((await readRequests(file)).problems).toMatchObject([{ line: 1, field: "(file)" }]);
  });

  it("refuses a path that is missing, or a folder without request files", async () => {
    await expect(readRequests(join(dir, "nope"))).rejects.toThrow(/does not exist/);
    await expect(readRequests(dir)).rejects.toThrow(/has no add\/\*\.yaml or remove\/\*\.yaml/);
  });
});
