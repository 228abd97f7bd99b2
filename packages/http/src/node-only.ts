import { InvalidInputError } from "./errors.js";

/**
 * The error a Node-only feature (the shared cache, file paths, worker threads) throws when a
 * page reaches it through hfkit's browser build (ADR 0017): it names the field and what to
 * pass instead.
 */
export function nodeOnlyError(field: string, feature: string, instead: string): InvalidInputError {
  return new InvalidInputError(
    `${field}: ${feature} works on Node.js only (this is hfkit's browser build); ${instead}.`,
    { field },
  );
}
