// The Hub cases of `pnpm bench`: uploads, downloads and listings, hfkit against the official
// @huggingface/hub client, Python huggingface_hub and the curl/openssl floor, all against the
// same `hfkit emulator serve` build in the same run.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ensureFile, ensureFolder, floorUpload, hasCommand, randomFile, readThrough } from "../lib.mjs";
import { freshHome, jsOnce, newRepo, pinned, pyOnce, rounds, startEmulator } from "./context.mjs";

const MiB = 2 ** 20;

function pythonContender(ctx, name, run) {
  return {
    name,
    run: () => {
      if (!ctx.python) throw new Error(ctx.pythonMissing ?? "no Python venv");
      return run(ctx.python);
    },
  };
}

/**
 * A fresh file per sample: the emulator's CAS deduplicates across repos, as the Hub's does, so
 * a second upload of the same bytes would send almost nothing. Up to 256 MiB, a new file of
 * random bytes on one emulator (cheap); above, the same file on a fresh emulator per sample
 * (writing 2 GiB per sample would cost more than the samples).
 */
function freshUpload(ctx, file) {
  const bytes = ctx.sizes.fileMiB * MiB;
  if (bytes > 256 * MiB) {
    return async (fn) => {
      readThrough(file);
      const emulator = await startEmulator();
      try {
        return await fn(emulator.endpoint, await newRepo(emulator.endpoint), file);
      } finally {
        emulator.stop();
      }
    };
  }
  let shared;
  let n = 0;
  const wrapper = async (fn) => {
    shared ??= await startEmulator();
    const path = join(ctx.dataDir, `hfkit-bench-fresh-${process.pid}-${++n}`, basename(file));
    mkdirSync(dirname(path), { recursive: true });
    randomFile(path, ctx.sizes.fileMiB);
    try {
      return await fn(shared.endpoint, await newRepo(shared.endpoint), path);
    } finally {
      rmSync(dirname(path), { recursive: true, force: true });
    }
  };
  wrapper.stop = () => shared?.stop();
  return wrapper;
}

export const uploadFile = {
  id: "upload-file",
  title: (s) =>
    `Upload one ${s.fileMiB} MiB file of random bytes (seconds; a fresh HF_HOME per sample, and new bytes or a fresh emulator)`,
  async run(ctx) {
    const file = ensureFile(
      join(ctx.dataDir, `hfkit-bench-unique-${ctx.sizes.fileMiB}MiB.bin`),
      ctx.sizes.fileMiB * MiB,
    );
    const fresh = freshUpload(ctx, file);
    const js = (client, xet) => () =>
      fresh((endpoint, repo, path) => jsOnce(client, "file", { endpoint, path, repo, xet }));
    const py = (xet) => (python) =>
      fresh((endpoint, repo, path) => pyOnce(python, "file", { endpoint, path, repo, xet }));
    const contenders = [
      { name: "hfkit (Xet)", reference: true, run: js("hfkit", true) },
      { name: "hfkit (LFS)", run: js("hfkit", false) },
      { name: "@huggingface/hub (Xet)", run: js("official", true) },
      { name: "@huggingface/hub (LFS)", versus: "hfkit (LFS)", run: js("official", false) },
      pythonContender(ctx, "huggingface_hub + hf_xet", py(true)),
      { ...pythonContender(ctx, "huggingface_hub (LFS)", py(false)), versus: "hfkit (LFS)" },
      {
        name: "floor: openssl dgst -sha256 + curl -T to a discarding server",
        versus: "hfkit (LFS)",
        run: () => {
          if (!hasCommand("openssl") || !hasCommand("curl")) throw new Error("openssl or curl missing");
          readThrough(file);
          return floorUpload(file, ctx.discardUrl, hasCommand("taskset") ? ["taskset", "-c", "0"] : []);
        },
      },
    ];
    try {
      return await rounds(contenders, ctx.runs, ctx.log);
    } finally {
      fresh.stop?.();
    }
  },
};

export const uploadFolder = {
  id: "upload-folder",
  title: (s) => `Upload a folder of ${s.folderFiles.toLocaleString("en")} small files (seconds)`,
  async run(ctx) {
    const folder = ensureFolder(ctx.sizes.folderFiles);
    const emulator = await startEmulator();
    const { endpoint } = emulator;
    try {
      const contenders = [
        {
          name: "hfkit",
          reference: true,
          run: async () =>
            jsOnce("hfkit", "folder", { endpoint, path: folder, repo: await newRepo(endpoint) }),
        },
        {
          name: "@huggingface/hub",
          run: async () =>
            jsOnce("official", "folder", { endpoint, path: folder, repo: await newRepo(endpoint) }),
        },
        pythonContender(ctx, "huggingface_hub", async (python) =>
          pyOnce(python, "folder", { endpoint, path: folder, repo: await newRepo(endpoint) }),
        ),
      ];
      return await rounds(contenders, ctx.runs, ctx.log);
    } finally {
      emulator.stop();
    }
  },
};

export const downloadFile = {
  id: "download-file",
  // HFKIT_BENCH_XET=0 in the environment makes hfkit upload it through LFS (client-once.mjs).
  title: (s) =>
    `Download the ${s.fileMiB} MiB file into an empty cache (seconds; uploaded once by hfkit, through ${
      process.env.HFKIT_BENCH_XET === "0" ? "LFS" : "Xet"
    })`,
  async run(ctx) {
    const file = ensureFile(
      join(ctx.dataDir, `hfkit-bench-unique-${ctx.sizes.fileMiB}MiB.bin`),
      ctx.sizes.fileMiB * MiB,
    );
    const name = basename(file);
    const emulator = await startEmulator();
    const { endpoint } = emulator;
    try {
      const repo = await newRepo(endpoint);
      jsOnce("hfkit", "file", { endpoint, path: file, repo });
      const contenders = [
        {
          name: "hfkit",
          reference: true,
          run: () => jsOnce("hfkit", "download-file", { endpoint, path: name, repo }),
        },
        {
          name: "@huggingface/hub",
          run: () => jsOnce("official", "download-file", { endpoint, path: name, repo }),
        },
        pythonContender(ctx, "huggingface_hub (hf_hub_download, hf_xet)", (python) =>
          pyOnce(python, "download-file", { endpoint, path: name, repo }),
        ),
        {
          name: "floor: curl -L of the resolve URL",
          run: () => {
            const home = freshHome();
            const [bin, args] = pinned("curl", [
              "-s",
              "-f",
              "-L",
              "-o",
              join(home, name),
              `${endpoint}/${repo}/resolve/main/${name}`,
            ]);
            const start = performance.now();
            execFileSync(bin, args, { stdio: "ignore" });
            const seconds = (performance.now() - start) / 1000;
            rmSync(home, { recursive: true, force: true });
            return { seconds };
          },
        },
      ];
      return await rounds(contenders, ctx.runs, ctx.log);
    } finally {
      emulator.stop();
    }
  },
};

/** A repo holding the bench folder of `count` files, uploaded once by hfkit. */
async function repoWithFolder(endpoint, count) {
  const repo = await newRepo(endpoint, "folder");
  jsOnce("hfkit", "folder", { endpoint, path: ensureFolder(count), repo });
  return repo;
}

export const snapshot = {
  id: "snapshot",
  title: (s) =>
    `Snapshot of the ${s.folderFiles.toLocaleString("en")}-file folder into an empty cache (seconds)`,
  async run(ctx) {
    const emulator = await startEmulator();
    const { endpoint } = emulator;
    try {
      const repo = await repoWithFolder(endpoint, ctx.sizes.folderFiles);
      return await rounds(
        [
          { name: "hfkit", reference: true, run: () => jsOnce("hfkit", "snapshot", { endpoint, repo }) },
          { name: "@huggingface/hub", run: () => jsOnce("official", "snapshot", { endpoint, repo }) },
          pythonContender(ctx, "huggingface_hub (snapshot_download)", (python) =>
            pyOnce(python, "snapshot", { endpoint, repo }),
          ),
        ],
        ctx.runs,
        ctx.log,
      );
    } finally {
      emulator.stop();
    }
  },
};

export const listing = {
  id: "listing",
  title: (s) => `List a ${s.listingFiles.toLocaleString("en")}-file tree, recursively (seconds)`,
  async run(ctx) {
    const emulator = await startEmulator();
    const { endpoint } = emulator;
    try {
      const repo = await repoWithFolder(endpoint, ctx.sizes.listingFiles);
      const expect = (result) => {
        if (result.files < ctx.sizes.listingFiles)
          throw new Error(`listed ${result.files} files, not ${ctx.sizes.listingFiles}`);
        return result;
      };
      return await rounds(
        [
          { name: "hfkit", reference: true, run: () => expect(jsOnce("hfkit", "list", { endpoint, repo })) },
          { name: "@huggingface/hub", run: () => expect(jsOnce("official", "list", { endpoint, repo })) },
          pythonContender(ctx, "huggingface_hub (list_repo_tree)", (python) =>
            expect(pyOnce(python, "list", { endpoint, repo })),
          ),
        ],
        ctx.runs,
        ctx.log,
      );
    } finally {
      emulator.stop();
    }
  },
};
