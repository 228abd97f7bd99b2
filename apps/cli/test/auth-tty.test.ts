import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { startEmulatorServer } from "@hfkit/emulator";
import { useEmulatorServer } from "@hfkit/testing/emulator";
import { pythonSkipReason, runPython } from "@hfkit/testing/python";
import { describe, expect, it } from "vitest";

// `hfkit auth login` as a person meets it: the built binary on a pseudo-terminal (Python's pty
// module drives it, as a terminal emulator would), a token typed after the prompt appears.
const BIN = join(import.meta.dirname, "..", "bin", "hfkit.js");
const TOKEN = "hf_typed_on_a_terminal_0123456789";
const fixture = useEmulatorServer({
  start: () => startEmulatorServer({ port: 0, users: [{ token: TOKEN, user: "ttyuser", role: "write" }] }),
  tempDir: "hfkit-auth-tty-",
  tempDirPer: "test",
});

// Forks the CLI on a pty, waits for "Token: ", types `keys`, and prints the exit status and
// everything the terminal showed (echo included) as JSON.
const DRIVER = `
import json, os, pty, select, sys, time
node, bin, home, endpoint, keys = sys.argv[1:6]
pid, fd = pty.fork()
if pid == 0:
    os.environ.update(HF_HOME=home, HF_ENDPOINT=endpoint)
    os.execv(node, [node, bin, "auth", "login"])
shown = b""
def read(until=None, seconds=120):
    global shown
    deadline = time.monotonic() + seconds
    while until is None or until not in shown:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            if until is None:
                return
            raise SystemExit("timed out waiting for %r, the terminal showed %r" % (until, shown))
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            return
        if not chunk:
            return
        shown += chunk
read(b"Token: ")
os.write(fd, keys.encode().decode("unicode_escape").encode())
read()
_, status = os.waitpid(pid, 0)
print(json.dumps({"code": os.waitstatus_to_exitcode(status), "shown": shown.decode(errors="replace")}))
`;

async function loginOnTerminal(keys: string): Promise<{ code: number; shown: string }> {
  const out = await runPython(DRIVER, {
    args: [process.execPath, BIN, fixture.dir, fixture.server.url, keys],
    timeoutMs: 300_000,
  });
  return JSON.parse(out);
}

describe.skipIf(pythonSkipReason())("hfkit auth login on a terminal", () => {
  it("asks with hidden input, checks the token and saves it 0600", { timeout: 300_000 }, async () => {
    const { code, shown } = await loginOnTerminal(`${TOKEN}\\r`);
    expect(shown).toContain(
      `Paste a token from ${fixture.server.url}/settings/tokens (what you type is not shown).`,
    );
    expect(shown).toContain("Logged in as ttyuser.");
    expect(shown).not.toContain(TOKEN);
    expect(code).toBe(0);
    expect(await readFile(join(fixture.dir, "token"), "utf8")).toBe(TOKEN);
    expect((await stat(join(fixture.dir, "token"))).mode & 0o777).toBe(0o600);
  });

  it("saves nothing when the typed token is refused, and does not show it", {
    timeout: 300_000,
  }, async () => {
    const { code, shown } = await loginOnTerminal("hf_mistyped_token_000\\r");
    expect(code).toBe(1);
    expect(shown).toContain("refused this token (401), so it was not saved");
    expect(shown).not.toContain("hf_mistyped");
    await expect(stat(join(fixture.dir, "token"))).rejects.toThrow(/ENOENT/);
  });

  it("stops at Ctrl-C with exit 130 and saves nothing", { timeout: 300_000 }, async () => {
    const { code, shown } = await loginOnTerminal("hf_half\\x03");
    expect(code).toBe(130);
    expect(shown).toContain("interrupted (SIGINT)");
    await expect(stat(join(fixture.dir, "token"))).rejects.toThrow(/ENOENT/);
  });
});
