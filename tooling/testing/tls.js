// A self-signed certificate for tests that speak https, made by `openssl` (Debian's, on every
// machine this project runs on) for each run, so no private key is committed.
import { execFileSync } from "node:child_process";
import { join } from "node:path";

/**
 * Writes `cert.pem` and `key.pem` (EC P-256, valid for a day) into `dir`, naming `altNames`
 * (e.g. `["IP:127.0.0.1", "DNS:localhost"]`), and returns their paths.
 */
export function selfSignedCertificate(dir, altNames, commonName = "hfkit test") {
  const cert = join(dir, "cert.pem");
  const key = join(dir, "key.pem");
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
      ...["-keyout", key, "-out", cert, "-days", "1", "-subj", `/CN=${commonName}`],
      ...["-addext", `subjectAltName=${altNames.join(",")}`],
    ],
    { stdio: "ignore" },
  );
  return { cert, key };
}
