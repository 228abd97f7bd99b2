import { hfkitBrowserTsup, hfkitTsup } from "@hfkit/tsup-config";
import { defineConfig } from "tsup";

export default defineConfig([hfkitTsup(import.meta.dirname), hfkitBrowserTsup(import.meta.dirname)]);
