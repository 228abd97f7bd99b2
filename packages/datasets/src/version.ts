declare const __HFKIT_VERSION__: string;

/** The version of `@hfkit/http`, injected at build time (and by the vitest preset in tests). */
export const VERSION: string = typeof __HFKIT_VERSION__ === "string" ? __HFKIT_VERSION__ : "0.0.0-dev";
