/** Pinned requirements of the cached venv. */
export declare const PYTHON_REQUIREMENTS: readonly string[];

/** Why Python checks are skipped in this run (`HFKIT_SKIP_PYTHON=1`), or `undefined` when they must run. */
export declare function pythonSkipReason(): string | undefined;

/** The cached venv, created on first use; rejects with pip's output when it cannot be made. */
export declare function ensurePython(): Promise<{ python: string; venv: string }>;

/** Runs Python code (or `{ file }`) in the cached venv; resolves stdout, rejects with stderr. */
export declare function runPython(
  code: string | { file: string },
  options?: {
    env?: Record<string, string>;
    input?: string;
    args?: string[];
    cwd?: string;
    timeoutMs?: number;
  },
): Promise<string>;
