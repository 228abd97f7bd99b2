import type { ChildProcess } from "node:child_process";

/** What the fixture needs of a started emulator (structural: this package imports none). */
export interface StartedEmulator {
  readonly url: string;
  close(): Promise<unknown> | unknown;
}

export interface UseEmulatorServerOptions<S extends StartedEmulator, C> {
  /** Starts the emulator: `startEmulatorServer({ port: 0, … })`, or `spawnEmulator(bin, args)`. */
  start: () => Promise<S>;
  /** Makes the hub client pointed at the emulator, e.g. `createHubClient({ endpoint: url, token, env: {} })`; closed after (if it has `close()`). */
  client?: (url: string) => C;
  /** Prefix of a temp folder made for the test file (or each test), removed after. */
  tempDir?: string;
  /** Default "file": one folder for the whole file; "test": a fresh one per test (the file's one in `beforeAll`). */
  tempDirPer?: "file" | "test";
}

/** One emulator per test file, a client pointed at it and a temp folder, torn down after. */
export declare function useEmulatorServer<S extends StartedEmulator, C = undefined>(
  options: UseEmulatorServerOptions<S, C>,
): {
  /** The started emulator (set from `beforeAll` on). */
  readonly server: S;
  /** The client `client(url)` made. */
  readonly hub: C;
  /** The temp folder (set when `tempDir` is given). */
  readonly dir: string;
};

/** `hfkit emulator serve` as a child process, once it has printed its URL. */
export declare function spawnEmulator(
  bin: string,
  args?: string[],
): Promise<{ url: string; child: ChildProcess; close(): Promise<void> }>;

/** What `requestCalls` reads of `@hfkit/emulator`'s `EmulatorServer`. */
export interface LoggingEmulatorServer {
  readonly storageUrl: string;
  readonly emulator: {
    readonly requestLog: ReadonlyArray<{
      method: string;
      url: string;
      status: number;
      hasAuthorization: boolean;
    }>;
  };
}

/** The request log as `{ call: "METHOD HUB|STORAGE /path", status, auth }`. */
export declare function requestCalls(
  server: LoggingEmulatorServer,
): Array<{ call: string; status: number; auth: boolean }>;

/** Emulator options for Git LFS flow tests: no Xet, multipart from 4 MiB in 2 MiB parts. */
export declare const LFS_SMALL_PARTS: {
  readonly multipartThreshold: number;
  readonly multipartChunkSize: number;
  readonly xet: false;
};
