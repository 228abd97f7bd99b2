import type { CasClient } from "./cas-client.js";

export interface XorbExistsOptions {
  /** The xorb hash, in its string form ({@link hashToHex}). */
  hash: string;
  signal?: AbortSignal;
}

/** `HEAD /v1/xorbs/default/{hash}` (hub-docs api.md, "Head Xorb"): whether the CAS holds the xorb. */
export async function xorbExists(cas: CasClient, options: XorbExistsOptions): Promise<boolean> {
  const response = await cas.request({
    method: "HEAD",
    path: `/v1/xorbs/default/${options.hash}`,
    responseType: "none",
    okStatuses: [404],
    signal: options.signal,
    operation: "xorbExists",
  });
  return response.status !== 404;
}
