import { createWriteStream } from "node:fs";
import { createHubClient } from "@hfkit/http";
import { hashXetFile, readXetFile, uploadXetIter } from "@hfkit/xet";

const hub = createHubClient(); // HF_ENDPOINT / HF_TOKEN from the environment

// Upload through Xet: chunks the CAS already has are not sent; xorbs go out while the file
// is read. Returns what a commit needs: the Xet hash, the SHA-256 (LFS pointer) and the size.
const upload = uploadXetIter(hub, { repo: "me/my-model", files: [{ path: "./model.safetensors" }] });
let step = await upload.next();
while (!step.done) {
  if (step.value.type === "xet-file-progress") console.log(step.value.bytesRead, "/", step.value.totalBytes);
  step = await upload.next();
}
const [file] = step.value.files;
console.log(file?.xetHash, file?.sha256, file?.size, `${step.value.bytesUploaded} bytes sent`);

// Read it back by reconstruction, in order, or only a byte range of it.
if (file) {
  const out = createWriteStream("./model.copy.safetensors");
  for await (const bytes of readXetFile(hub, { repo: "me/my-model", fileHash: file.xetHash }))
    out.write(bytes);
  out.end();
  const header = readXetFile(hub, {
    repo: "me/my-model",
    fileHash: file.xetHash,
    range: { start: 0, end: 8 },
  });
  for await (const bytes of header) console.log(bytes);
}

// Hash locally, as hf_xet.hash_files does, without sending anything.
console.log((await hashXetFile({ path: "./model.safetensors" })).xetHash);
