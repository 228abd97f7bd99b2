// node:http, node:https (and with it node:tls), node:zlib and node:crypto, loaded by the first request that
// needs them rather than with @hfkit/http: `hfkit --version`, `--help` and shell completion
// load @hfkit/http for its errors and repo ids and never send a request (packages/http/README.md,
// "Import cost"). The module objects themselves, as a static import gives them, so that a
// library that patches them (nock, msw's interceptors) still sees the requests.
export const nodeHttp = () => process.getBuiltinModule("node:http");
export const nodeHttps = () => process.getBuiltinModule("node:https");
export const nodeCrypto = () => process.getBuiltinModule("node:crypto");
export const nodeZlib = () => process.getBuiltinModule("node:zlib");
