import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { cleanToken, readHubEnvironment } from "@hfkit/http";

/**
 * The tokens `hfkit auth` keeps, in the files Python's `huggingface_hub` (1.33) uses, so that
 * `hf`, `huggingface_hub` and hfkit share one login:
 *
 * - the active token: `HF_TOKEN_PATH`, else `$HF_HOME/token`; the bare token, no newline;
 * - every named token: `stored_tokens` next to it, an INI file that Python reads and writes with
 *   `configparser` (`[name]` sections sorted by name, `hf_token = …`, OAuth sections also carry
 *   `refresh_token` and `expires_at`, which hfkit keeps as they are).
 *
 * Both are written mode 0600 and their folder made 0700, as `huggingface_hub/utils/_auth.py`
 * (`_write_secret`) does. Source of these facts: that file and `constants.py` in 1.33.
 */
export interface TokenFiles {
  /** The active token. */
  tokenPath: string;
  /** The named tokens, `stored_tokens` in the token file's folder. */
  storedTokensPath: string;
}

/** One section of `stored_tokens`: `hf_token`, plus whatever else Python stored with it. */
export type StoredTokenFields = Record<string, string>;

export function tokenFiles(env: Record<string, string | undefined>): TokenFiles {
  const { tokenPath } = readHubEnvironment(env);
  return { tokenPath, storedTokensPath: join(dirname(tokenPath), "stored_tokens") };
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/**
 * Parses `stored_tokens` as `configparser` reads it: `#`/`;` comment lines, `[section]`
 * headers, `key = value` or `key: value` (keys lowercased), indented continuation lines.
 * `[DEFAULT]` is not a token. A repeated section or key makes Python drop the whole file, so
 * hfkit refuses it rather than rewrite the file without the other tokens.
 */
export function parseStoredTokens(text: string, path = "stored_tokens"): Map<string, StoredTokenFields> {
  const sections = new Map<string, StoredTokenFields>();
  let current: StoredTokenFields | undefined;
  let lastKey: string | undefined;
  const malformed = (line: number, why: string) =>
    new Error(`${path}:${line}: ${why}; fix or delete the line (hfkit auth logout removes the whole file)`);
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) {
      if (line === "") lastKey = undefined;
      return;
    }
    if (/^\s/.test(raw) && current && lastKey !== undefined) {
      current[lastKey] = `${current[lastKey]}\n${line}`;
      return;
    }
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      const name = header[1]!;
      if (sections.has(name)) throw malformed(index + 1, `the token name "${name}" appears twice`);
      current = {};
      lastKey = undefined;
      // configparser treats [DEFAULT] as defaults for every section, never as a section.
      if (name !== "DEFAULT") sections.set(name, current);
      return;
    }
    const option = /^(.*?)\s*[=:]\s*(.*)$/.exec(line);
    if (!option || !current) throw malformed(index + 1, "expected [token name] or key = value");
    const key = option[1]!.toLowerCase();
    if (key in current) throw malformed(index + 1, `"${key}" appears twice in one section`);
    current[key] = option[2]!;
    lastKey = key;
  });
  return sections;
}

/** Writes the sections as Python's `configparser.write` does: sorted by name, blank line after each. */
export function formatStoredTokens(sections: ReadonlyMap<string, StoredTokenFields>): string {
  return [...sections.keys()]
    .sort()
    .map(
      (name) =>
        `[${name}]\n${Object.entries(sections.get(name)!)
          .map(([key, value]) => `${key} = ${value.replace(/\n/g, "\n\t")}\n`)
          .join("")}\n`,
    )
    .join("");
}

/**
 * Writes a secret readable by its owner only: a temporary file created 0600 next to it, then
 * renamed over it, so a reader never sees half a token; the folder is made 0700 as Python does.
 */
async function writeSecret(path: string, content: string): Promise<void> {
  const folder = dirname(path);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(temporary, content, { mode: 0o600, flag: "wx" });
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await chmod(folder, 0o700).catch(() => undefined);
}

/** The token store of one environment: what `hfkit auth` reads and changes. */
export class TokenStore {
  readonly files: TokenFiles;

  constructor(env: Record<string, string | undefined>) {
    this.files = tokenFiles(env);
  }

  /** The active token (the token file), or undefined. */
  async active(): Promise<string | undefined> {
    return cleanToken(await readText(this.files.tokenPath));
  }

  /** Every named token, in the file's order. */
  async stored(): Promise<Map<string, StoredTokenFields>> {
    const text = await readText(this.files.storedTokensPath);
    return text === undefined ? new Map() : parseStoredTokens(text, this.files.storedTokensPath);
  }

  /** The name under which `token` is stored, if it is. */
  async nameOf(token: string | undefined): Promise<string | undefined> {
    if (token === undefined) return undefined;
    for (const [name, fields] of await this.stored()) if (cleanToken(fields.hf_token) === token) return name;
    return undefined;
  }

  /** Saves `token` as `name` (replacing that section whole, as Python does) and makes it active. */
  async save(name: string, token: string): Promise<void> {
    const sections = await this.stored();
    sections.set(name, { hf_token: token });
    await writeSecret(this.files.storedTokensPath, formatStoredTokens(sections));
    await writeSecret(this.files.tokenPath, token);
  }

  /** Makes the stored token `name` active; false when there is no such token. */
  async switchTo(name: string): Promise<boolean> {
    const token = cleanToken((await this.stored()).get(name)?.hf_token);
    if (token === undefined) return false;
    await writeSecret(this.files.tokenPath, token);
    return true;
  }

  /**
   * Forgets the token `name` (and deactivates it if it is the active one); false when there is
   * no such token. Without a name, forgets every token: both files go.
   */
  async remove(name?: string): Promise<{ removed: boolean; wasActive: boolean }> {
    if (name === undefined) {
      const had = (await this.active()) !== undefined || (await this.stored()).size > 0;
      await rm(this.files.tokenPath, { force: true });
      await rm(this.files.storedTokensPath, { force: true });
      return { removed: had, wasActive: had };
    }
    const sections = await this.stored();
    const fields = sections.get(name);
    if (!fields) return { removed: false, wasActive: false };
    sections.delete(name);
    await writeSecret(this.files.storedTokensPath, formatStoredTokens(sections));
    const wasActive = cleanToken(fields.hf_token) === (await this.active());
    if (wasActive) await rm(this.files.tokenPath, { force: true });
    return { removed: true, wasActive };
  }
}

/** `hf_****abcd`, as `hf auth list` shows a token: enough to tell two apart, not to use one. */
export function maskToken(token: string): string {
  return token.length < 12 ? "****" : `${token.slice(0, 3)}****${token.slice(-4)}`;
}
