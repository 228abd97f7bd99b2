import { InvalidInputError } from "@hfkit/http";

/** What was wrong with the input, for {@link CardError}. */
export type CardErrorReason =
  /** The front matter is not valid YAML, so it cannot be edited safely. */
  | "INVALID_YAML"
  /** An argument is wrong (an empty key path, a config without a name…). */
  | "INVALID_INPUT"
  /** The edit would have to rewrite YAML this package does not splice (e.g. a key inside a flow collection's key). */
  | "UNSUPPORTED_EDIT";

/**
 * The error of `@hfkit/cards`: bad card input, found before any I/O. It is an
 * `InvalidInputError` (code `INVALID_INPUT`, `field` = the metadata path when there is one),
 * so it is handled like every other input error, e.g. exit code 2 in the CLI (ADR 0011);
 * `reason` says which kind. `isInstance` works across duplicate installs.
 */
export class CardError extends InvalidInputError {
  static override readonly errorName: string = "CardError";
  readonly reason: CardErrorReason;
  /** The metadata path the error is about, when there is one (`configs[1].config_name`). */
  readonly path: string | undefined;

  constructor(reason: CardErrorReason, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(message, { field: options.path, cause: options.cause });
    this.reason = reason;
    this.path = options.path;
  }
}
