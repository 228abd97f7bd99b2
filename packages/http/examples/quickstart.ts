import { createHubClient, RepoNotFoundError, repoApiPath } from "@hfkit/http";
import { z } from "zod";

// Endpoint and token come from HF_ENDPOINT / HF_TOKEN (or the token file) unless given here.
const hub = createHubClient({ userAgent: "my-app/1.0" });

const Model = z.object({ id: z.string(), sha: z.string().optional(), downloads: z.number().optional() });

try {
  const { data } = await hub.request({
    path: repoApiPath({ type: "model", name: "openai-community/gpt2" }),
    schema: Model,
  });
  console.log(`${data.id} at ${data.sha}: ${data.downloads ?? 0} downloads`);
} catch (error) {
  if (RepoNotFoundError.isInstance(error)) console.error(error.message);
  else throw error;
}

// Lists follow `Link: rel="next"`; stop iterating and no further page is fetched.
for await (const model of hub.paginate({
  path: "/api/models",
  schema: z.array(Model),
  query: { author: "openai-community", limit: 10 },
})) {
  console.log(model);
}
