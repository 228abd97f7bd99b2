// A stand-in Hub + CAS for the Xet benchmarks: hands out a token, reads and discards xorbs
// and shards (counting their bytes, remembering which xorbs it got), and knows no chunk (global dedup answers 404). Run in
// its own process (pinned to one CPU) so it does not share the client's thread.
import { createServer } from "node:http";

let xorbBytes = 0;
const xorbs = new Set();
const server = createServer((req, res) => {
  let received = 0;
  req.on("data", (d) => {
    received += d.length;
  });
  req.on("end", () => {
    const url = new URL(req.url, "http://x");
    const json = (status, body) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (/\/xet-(read|write)-token\//.test(url.pathname)) {
      const { port } = server.address();
      return json(200, {
        accessToken: "xet_bench",
        exp: Math.floor(Date.now() / 1000) + 3600,
        casUrl: `http://127.0.0.1:${port}`,
      });
    }
    if (req.method === "POST" && url.pathname.startsWith("/v1/xorbs/")) {
      xorbBytes += received;
      xorbs.add(url.pathname);
      return json(200, { was_inserted: true });
    }
    if (req.method === "HEAD" && url.pathname.startsWith("/v1/xorbs/")) {
      res.writeHead(xorbs.has(url.pathname) ? 200 : 404);
      return res.end();
    }
    if (req.method === "POST" && url.pathname === "/v1/shards") return json(200, { result: 1 });
    if (url.pathname === "/stats") return json(200, { xorbBytes });
    return json(404, { error: "not found" });
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => process.stdout.write(`http://127.0.0.1:${server.address().port}\n`));
