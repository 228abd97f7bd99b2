import { channel } from "node:diagnostics_channel";

/**
 * `node:diagnostics_channel` names the emulator publishes on: one `request` event per request
 * served, after its answer is ready. The emulator shares no code with the hfkit client packages
 * (it is their independent oracle), so it names its channel itself.
 */
export const EMULATOR_CHANNELS = { request: "hfkit:emulator:request" } as const;

/** One request the emulator served. No header, query string or body: they may hold credentials. */
export interface EmulatorRequestEvent {
  method: string;
  /** Which origin answered: the Hub's API or the storage origin standing in for S3/CAS. */
  origin: "hub" | "storage";
  /** URL path without the query string (signed URLs carry their signature there). */
  path: string;
  /** Response status; 0 when an injected fault reset the connection. */
  status: number;
  /** Request body bytes received. */
  bodyBytes: number;
  durationMs: number;
  requestId: string;
  /** The fault injected into this request, if any. */
  fault: boolean;
}

export const requestChannel = channel(EMULATOR_CHANNELS.request);
