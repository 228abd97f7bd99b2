import { cleanToken, type HubEnvironment } from "./env.js";
import { InvalidInputError } from "./errors.js";
import { readTokenFileText } from "./platform.js";

export type TokenProvider = () => string | undefined | Promise<string | undefined>;

/** Where the client's token comes from, in order of precedence. */
export type TokenOrigin =
  | "option"
  | "tokenProvider"
  | "HF_TOKEN"
  | "HUGGING_FACE_HUB_TOKEN"
  | "tokenFile"
  | "none";

export interface TokenChoice {
  /** Resolves the token for one request (undefined: send none). */
  get: () => Promise<string | undefined>;
  /** Where it comes from, for `hfkit whoami`-style diagnostics (never the value). */
  origin: () => Promise<TokenOrigin>;
  /** The values seen so far, so errors and logs can scrub them. */
  known: () => readonly string[];
}

async function readTokenFile(path: string): Promise<string | undefined> {
  return cleanToken(await readTokenFileText(path));
}

/**
 * Token precedence: an explicit `token` (or `false` for none), then `tokenProvider`, then
 * `HF_TOKEN`, `HUGGING_FACE_HUB_TOKEN`, then the token file (`HF_TOKEN_PATH`, else
 * `$HF_HOME/token`). The file is read once, on first use.
 */
export function chooseToken(
  options: { token?: string | false | undefined; tokenProvider?: TokenProvider | undefined },
  env: HubEnvironment,
): TokenChoice {
  const known = new Set<string>();
  const remember = (token: string | undefined) => {
    if (token) known.add(token);
    return token;
  };
  if (options.token !== undefined && options.tokenProvider !== undefined) {
    throw new InvalidInputError("token, tokenProvider: pass one or the other, not both.", {
      field: "tokenProvider",
    });
  }
  if (options.token === false) {
    return { get: async () => undefined, origin: async () => "none", known: () => [] };
  }
  if (typeof options.token === "string") {
    const token = cleanToken(options.token);
    if (!token)
      throw new InvalidInputError("token: the token is empty; omit the option to use HF_TOKEN.", {
        field: "token",
      });
    remember(token);
    return { get: async () => token, origin: async () => "option", known: () => [...known] };
  }
  if (options.tokenProvider) {
    const provider = options.tokenProvider;
    return {
      get: async () => remember(cleanToken(await provider())),
      origin: async () => "tokenProvider",
      known: () => [...known],
    };
  }
  if (env.disableImplicitToken) {
    return { get: async () => undefined, origin: async () => "none", known: () => [] };
  }
  if (env.envToken) {
    const { value, source } = env.envToken;
    remember(value);
    return { get: async () => value, origin: async () => source, known: () => [...known] };
  }
  let fromFile: Promise<string | undefined> | undefined;
  const get = () => {
    fromFile ??= readTokenFile(env.tokenPath).then(remember);
    return fromFile;
  };
  return {
    get,
    origin: async () => ((await get()) ? "tokenFile" : "none"),
    known: () => [...known],
  };
}
