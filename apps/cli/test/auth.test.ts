import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startEmulatorServer } from "@hfkit/emulator";
import { useEmulatorServer } from "@hfkit/testing/emulator";
import { pythonSkipReason, runPython } from "@hfkit/testing/python";
import { describe, expect, it } from "vitest";
import type { CliIO } from "../src/io.js";
import { main } from "../src/main.js";
import { capture } from "../src/test-utils.js";

// `hfkit auth …` against a real emulator server that knows two users. The emulator names a
// token `<user>-<role>` in whoami's `auth.accessToken.displayName`, as the Hub gives a token's
// name there, and Python's `hf auth login` saves a token under that name.
const ALICE = "hf_alice_write_token_0123456789";
const BOB = "hf_bob_read_token_9876543210";
const WRONG = "hf_nobody_knows_this_token_42";
const fixture = useEmulatorServer({
  start: () =>
    startEmulatorServer({
      port: 0,
      users: [
        { token: ALICE, user: "alice", role: "write" },
        { token: BOB, user: "bob", role: "read" },
      ],
    }),
  tempDir: "hfkit-auth-",
  tempDirPer: "test",
});

/** Runs hfkit in-process; `stdin` is what a pipe would give `auth login`. */
async function hfkit(
  argv: string[],
  { stdin, env = {} }: { stdin?: string; env?: Record<string, string> } = {},
) {
  const { io, stdout, stderr } = capture({ HF_HOME: fixture.dir, HF_ENDPOINT: fixture.server.url, ...env });
  const withStdin: CliIO =
    stdin === undefined ? io : { ...io, stdin: { isTTY: false }, readStdin: async () => stdin };
  const code = await main(argv, withStdin);
  return { code, stdout: stdout(), stderr: stderr() };
}

const everything = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

describe("hfkit auth", () => {
  it("logs in with --token after whoami accepts it, and saves it where Python keeps it", async () => {
    const result = await hfkit(["auth", "login", "--token", ALICE]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toBe(
      `Logged in as alice. The token "alice-write" (write) is saved in ${join(fixture.dir, "token")} and is now the active one.\n`,
    );
    expect(await readFile(join(fixture.dir, "token"), "utf8")).toBe(ALICE);
    expect(await readFile(join(fixture.dir, "stored_tokens"), "utf8")).toBe(
      `[alice-write]\nhf_token = ${ALICE}\n\n`,
    );
    expect((await stat(join(fixture.dir, "token"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(fixture.dir, "stored_tokens"))).mode & 0o777).toBe(0o600);
    // Every later command uses it.
    expect((await hfkit(["auth", "whoami"], {})).stdout).toMatch(/^alice\n/);
  });

  it("reads the token from stdin when it is piped", async () => {
    const result = await hfkit(["auth", "login", "--format", "json"], { stdin: `${BOB}\n` });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      saved: true,
      user: "bob",
      tokenName: "bob-read",
      role: "read",
      tokenPath: join(fixture.dir, "token"),
    });
    expect(await readFile(join(fixture.dir, "token"), "utf8")).toBe(BOB);
  });

  it("refuses a token the Hub rejects before saving anything, without printing it", async () => {
    const result = await hfkit(["auth", "login", "--token", WRONG]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toBe(
      `error: ${fixture.server.url} refused this token (401), so it was not saved; check it at ${fixture.server.url}/settings/tokens\n`,
    );
    await expect(stat(join(fixture.dir, "token"))).rejects.toThrow(/ENOENT/);
    await expect(stat(join(fixture.dir, "stored_tokens"))).rejects.toThrow(/ENOENT/);
  });

  it("refuses usage mistakes with exit 2: no token, several lines, an org token, the local hub", async () => {
    expect((await hfkit(["auth", "login"])).code).toBe(2); // no terminal, no pipe
    const two = await hfkit(["auth", "login"], { stdin: `${ALICE}\n${BOB}\n` });
    expect(two.code).toBe(2);
    expect(everything(two)).not.toContain(ALICE);
    expect((await hfkit(["auth", "login", "--token", "api_org_x"])).stderr).toMatch(/organization tokens/);
    expect((await hfkit(["auth", "login", "--token", ALICE, "--endpoint", "local"])).code).toBe(2);
  });

  it("lists, switches, prints and forgets saved tokens like hf auth", async () => {
    await hfkit(["auth", "login", "--token", ALICE]);
    await hfkit(["auth", "login", "--token", BOB]);
    const listed = await hfkit(["auth", "list"]);
    expect(listed.stdout).toBe("  alice-write  hf_****6789\n* bob-read     hf_****3210\n");
    expect(JSON.parse((await hfkit(["auth", "ls", "--format", "json"])).stdout)).toEqual({
      tokens: [
        { name: "alice-write", active: false },
        { name: "bob-read", active: true },
      ],
      activeSource: "tokenFile",
    });
    expect((await hfkit(["auth", "switch", "--token-name", "alice-write"])).stdout).toBe(
      'The active token is now "alice-write".\n',
    );
    expect((await hfkit(["auth", "whoami", "--format", "json"])).stdout).toContain('"name": "alice"');
    expect((await hfkit(["whoami"])).stdout).toMatch(/^alice\n/); // the old spelling still works
    expect((await hfkit(["auth", "token"])).stdout).toBe(`${ALICE}\n`);
    const unknown = await hfkit(["auth", "switch", "carol"]);
    expect(unknown).toMatchObject({ code: 1, stdout: "" });
    expect(unknown.stderr).toMatch(/no saved token is named "carol"; `hfkit auth list` shows the names/);
    expect((await hfkit(["auth", "switch"])).code).toBe(2); // no name and no terminal to ask on

    const forgot = await hfkit(["auth", "logout", "--token-name", "alice-write"]);
    expect(forgot.stdout).toMatch(/Forgot the token "alice-write"\. It was the active one/);
    await expect(stat(join(fixture.dir, "token"))).rejects.toThrow(/ENOENT/);
    expect(await readFile(join(fixture.dir, "stored_tokens"), "utf8")).toBe(
      `[bob-read]\nhf_token = ${BOB}\n\n`,
    );
    expect((await hfkit(["auth", "token"])).stderr).toBe(
      "error: not logged in; run `hfkit auth login` first\n",
    );
    expect((await hfkit(["auth", "logout"])).stdout).toMatch(/^Logged out: every saved token is forgotten/);
    await expect(stat(join(fixture.dir, "stored_tokens"))).rejects.toThrow(/ENOENT/);
    expect((await hfkit(["auth", "logout"])).stdout).toBe("Not logged in: no token was saved.\n");
  });

  it("says when HF_TOKEN overrides what is saved, and prints HF_TOKEN for `auth token`", async () => {
    const env = { HF_TOKEN: BOB };
    const login = await hfkit(["auth", "login", "--token", ALICE], { env });
    expect(login.stderr).toBe(
      "Note: HF_TOKEN is set and is used instead of the token you just saved until you unset it.\n",
    );
    expect((await hfkit(["auth", "token"], { env })).stdout).toBe(`${BOB}\n`);
  });

  it("never shows a token in --format json output, notes or errors of any auth command", async () => {
    const runs: string[][] = [
      ["auth", "login", "--token", ALICE, "--format", "json"],
      ["auth", "login", "--token", WRONG, "--format", "json"],
      ["auth", "list", "--format", "json"],
      ["auth", "list"],
      ["auth", "whoami", "--format", "json"],
      ["auth", "switch", "alice-write", "--format", "json"],
      ["auth", "switch", "nobody", "--format", "json"],
      ["auth", "logout", "--token-name", "alice-write", "--format", "json"],
      ["auth", "logout", "--format", "json"],
    ];
    for (const argv of runs) {
      const output = everything(await hfkit(argv, { env: { HF_TOKEN: BOB } }));
      for (const secret of [ALICE, BOB, WRONG]) expect(output, argv.join(" ")).not.toContain(secret);
    }
  });
});

describe.skipIf(pythonSkipReason())("the login is shared with Python's huggingface_hub", () => {
  const python = (code: string) =>
    runPython(code, { env: { HF_HOME: fixture.dir, HF_ENDPOINT: fixture.server.url }, timeoutMs: 300_000 });

  it("Python reads the tokens hfkit saved, switched and forgot", { timeout: 300_000 }, async () => {
    await hfkit(["auth", "login", "--token", ALICE]);
    await hfkit(["auth", "login", "--token", BOB]);
    await hfkit(["auth", "switch", "alice-write"]);
    const read = `
import json
from huggingface_hub import get_token, whoami
from huggingface_hub.utils import get_stored_tokens
print(json.dumps({"active": get_token(), "stored": get_stored_tokens(), "me": whoami()["name"]}))
`;
    expect(JSON.parse(await python(read))).toEqual({
      active: ALICE,
      stored: { "alice-write": ALICE, "bob-read": BOB },
      me: "alice",
    });
    await hfkit(["auth", "logout", "--token-name", "alice-write"]);
    expect(JSON.parse(await python(read.replace(', "me": whoami()["name"]', "")))).toEqual({
      active: null,
      stored: { "bob-read": BOB },
    });
  });

  it("hfkit uses, lists and switches the tokens Python's login saved", { timeout: 300_000 }, async () => {
    // An OAuth section as Python keeps it (refresh data): hfkit must carry it along untouched.
    await writeFile(
      join(fixture.dir, "stored_tokens"),
      "[oauth-carol]\nhf_token = hf_x\nrefresh_token = r\nexpires_at = 4102444800\n\n",
    );
    await python(`
from huggingface_hub import login
login(token="${BOB}")
login(token="${ALICE}")
`);
    expect((await hfkit(["auth", "whoami"])).stdout).toMatch(/^alice\n/);
    expect((await hfkit(["auth", "list"])).stdout).toBe(
      "* alice-write  hf_****6789\n  bob-read     hf_****3210\n  oauth-carol  ****\n",
    );
    await hfkit(["auth", "switch", "bob-read"]);
    const after = await python(`
from huggingface_hub import get_token
from huggingface_hub.utils._auth import _read_stored_tokens_full
print(get_token() == "${BOB}", _read_stored_tokens_full()["oauth-carol"])
`);
    expect(after.trim()).toBe("True {'hf_token': 'hf_x', 'refresh_token': 'r', 'expires_at': '4102444800'}");
  });
});
