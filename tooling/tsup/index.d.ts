import type { Options } from "tsup";
export declare function hfkitTsup(packageDir: string, overrides?: Options): Options;
export declare function hfkitBrowserTsup(packageDir: string, overrides?: Options): Options;
