/**
 * Writes `cert.pem` and `key.pem` (EC P-256, valid for a day) into `dir`, naming `altNames`
 * (e.g. `["IP:127.0.0.1", "DNS:localhost"]`), and returns their paths.
 */
export declare function selfSignedCertificate(
  dir: string,
  altNames: string[],
  commonName?: string,
): { cert: string; key: string };
