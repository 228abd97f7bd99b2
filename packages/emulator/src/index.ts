export type { EmulatorUser } from "./core/auth.js";
export { EMULATOR_CHANNELS, type EmulatorRequestEvent } from "./core/diagnostics.js";
export { type FaultRuleJson, parseFaultRules } from "./core/fault-rules.js";
export type { FaultSpec } from "./core/faults.js";
export { DEFAULTS, type EmulatorOptions, type EmulatorOrg } from "./core/options.js";
export { type RequestLogEntry, type RequestLogLine, requestLogLine } from "./core/request-log.js";
export { createEmulator, type Emulator } from "./emulator.js";
export { lfsPointer } from "./git/objects.js";
export { type EmulatorServer, type EmulatorServerOptions, startEmulatorServer } from "./mounts/server.js";
