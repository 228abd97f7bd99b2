import { join } from "node:path";
import { missingFiles } from "./materialize.js";
import { type ActiveEntry, type HistoryEvent, readState } from "./state.js";

export interface SyncStatus {
  storage: string;
  /** Each managed dataset, with whether its files are all on disk at their recorded sizes. */
  active: (ActiveEntry & { complete: boolean; missing: string[] })[];
  history: HistoryEvent[];
}

/** What the storage holds, from its manifests, checked against the files on disk. */
export async function syncStatus(storage: string): Promise<SyncStatus> {
  const state = await readState(storage);
  const active = [];
  for (const entry of state.active) {
    const missing = await missingFiles(join(storage, entry.folder), entry.files);
    active.push({ ...entry, complete: missing.length === 0, missing });
  }
  return { storage, active, history: state.history };
}
