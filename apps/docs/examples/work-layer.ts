// The http guide's "work layer" example: your own long operation, with the guarantees hfkit's
// own have (coalesced progress, `break` winds the work down, the first failure stops the rest).
import { createHubClient } from "@hfkit/http";
import { drain, runWithEvents, TaskGroup } from "@hfkit/http/work";
import { downloadFile } from "@hfkit/repo";

type CardEvent =
  | { type: "card-fetched"; repo: string; bytes: number }
  | { type: "cards-progress"; done: number; total: number };

const hub = createHubClient();

function fetchCardsIter(repos: readonly string[], signal?: AbortSignal) {
  return runWithEvents<CardEvent, Map<string, string>>(
    async (emit, signal) => {
      const cards = new Map<string, string>();
      const group = new TaskGroup(signal); // one failure aborts the other downloads
      for (const repo of repos) {
        group.spawn(async (signal) => {
          const { bytes } = await downloadFile(hub, { repo, path: "README.md", to: "memory", signal });
          cards.set(repo, new TextDecoder().decode(bytes));
          emit({ type: "card-fetched", repo, bytes: bytes.byteLength });
          // Keyed: a slow consumer sees the latest progress, not a backlog.
          emit({ type: "cards-progress", done: cards.size, total: repos.length }, "progress");
        });
      }
      await group.wait();
      return cards;
    },
    { signal },
  );
}

// As a generator: stop early with `break`, and the downloads in flight are aborted first.
for await (const event of fetchCardsIter(["openai-community/gpt2", "datasets/stanfordnlp/imdb"])) {
  console.log(event);
}
// As a plain function: drain runs it to the end and returns the result.
const cards = await drain(fetchCardsIter(["openai-community/gpt2"]));
console.log([...cards.keys()]);
