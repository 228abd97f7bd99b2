/** Pinned requirements of the cached venv. */
export declare const PYTHON_REQUIREMENTS: readonly string[];

/** Why Python checks are skipped in this run (`HFKIT_SKIP_PYTHON=1`), or `undefined` when they must run. */
export declare function pythonSkipReason(): string | undefined;

/** The cached venv, created on first use; rejects with pip's output when it cannot be made. */
export declare function ensurePython(): Promise<{ python: string; venv: string }>;

/** The package index pip is given: `HFKIT_PYPI_INDEX`, else this machine kind's mirror, else pip's default. */
export declare function packageIndex(): string | undefined;

/** Makes a venv in `dir` with `requirements` (pip specs) from `packageIndex()`; resolves its python. */
export declare function installVenv(dir: string, requirements: readonly string[]): Promise<string>;

/** Runs Python code (or `{ file }`) in the cached venv or `python`; resolves stdout, rejects with stderr. */
export declare function runPython(
  code: string | { file: string },
  options?: {
    env?: Record<string, string>;
    input?: string;
    args?: string[];
    cwd?: string;
    timeoutMs?: number;
    /** A venv's python (from `installVenv`) instead of the cached venv's. */
    python?: string;
  },
): Promise<string>;
