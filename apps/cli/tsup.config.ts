import { hfkitTsup } from "@hfkit/tsup-config";
import { defineConfig } from "tsup";

// Code splitting: each command's implementation is a dynamic `import()` in its action, so
// `hfkit --version`, `--help` and completion load only the command definitions and commander,
// and a command loads only the packages it uses (a chunk per lazily loaded module).
export default defineConfig(hfkitTsup(import.meta.dirname, { splitting: true }));
