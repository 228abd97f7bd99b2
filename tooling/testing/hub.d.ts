import type { SetupServerApi } from "msw/node";

/** What the helpers need of `@hfkit/emulator`'s `Emulator` (structural: this package imports none). */
export interface EmulatorLike {
  readonly baseUrl: string;
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  // biome-ignore lint/suspicious/noExplicitAny: msw's handler type, as the emulator returns it
  mswHandlers(): any[];
}

export interface SeedOptions {
  token?: string;
  /** The commit title. Default "seed". */
  message?: string;
  /** Branch to commit to. Default "main". */
  revision?: string;
}

export interface ApiOptions {
  token?: string;
  json?: unknown;
  ndjson?: unknown[];
  /** Error statuses that are fine (e.g. 409 when the thing exists). */
  okStatuses?: number[];
}

/** A fresh emulator per test behind `server`, with helpers that bypass msw's request log. */
export declare function useEmulatorHub<E extends EmulatorLike>(
  server: SetupServerApi,
  createEmulator: () => E,
  options?: {
    /** Prefix of a temp folder made fresh for each test (`dir`), removed after it. */
    tempDir?: string;
  },
): {
  /** This test's emulator. */
  readonly emulator: E;
  /** This test's temp folder (set when `tempDir` is given). */
  readonly dir: string;
  /** Creates `repo` if needed and commits `files`; resolves with the commit id. */
  seed(repo: string, files: Record<string, string | Uint8Array>, options?: SeedOptions): Promise<string>;
  /** One JSON call to the Hub API (a tag, a pull request…); resolves with the parsed answer. */
  api(method: string, path: string, options?: ApiOptions): Promise<unknown>;
};
