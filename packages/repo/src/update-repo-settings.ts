import { type HubClient, InvalidInputError, parseRepoId, repoApiPath } from "@hfkit/http";
import * as z from "@hfkit/http/zod";
import type { RepoVisibility } from "./create-repo.js";
import { toGatedMode } from "./repo-info.js";
import type { RepoOperationOptions } from "./types.js";

export type GatedMode = false | "auto" | "manual";

export interface UpdateRepoSettingsOptions extends RepoOperationOptions {
  /** Shorthand for `visibility: "private"` (or `"public"`). */
  private?: boolean;
  visibility?: RepoVisibility;
  /** Ask users to request access: approved automatically (`"auto"`), by hand, or not gated (`false`). */
  gated?: GatedMode;
  /** Turn the Community tab (discussions and pull requests) off or back on. */
  discussionsDisabled?: boolean;
}

/** The settings as the Hub echoes them back; fields it did not send are absent. */
export interface UpdateRepoSettingsResult {
  private?: boolean;
  gated?: GatedMode;
  discussionsDisabled?: boolean;
}

const WireSettings = z
  .object({
    private: z.boolean().nullish(),
    visibility: z.string().nullish(),
    gated: z.union([z.boolean(), z.string()]).nullish(),
    discussionsDisabled: z.boolean().nullish(),
  })
  .loose()
  .nullable();

/**
 * Changes a repo's visibility, gating or discussions. Only the settings you pass change.
 *
 * @example
 * await updateRepoSettings(hub, { repo: "acme/bert", private: false, gated: "manual" });
 */
export async function updateRepoSettings(
  client: HubClient,
  options: UpdateRepoSettingsOptions,
): Promise<UpdateRepoSettingsResult> {
  const repo = parseRepoId(options.repo);
  if (options.private !== undefined && options.visibility !== undefined) {
    throw new InvalidInputError("private: pass either private or visibility, not both.", {
      field: "private",
    });
  }
  if (options.gated !== undefined && ![false, "auto", "manual"].includes(options.gated)) {
    throw new InvalidInputError('gated: use "auto", "manual" or false.', { field: "gated" });
  }
  const visibility =
    options.visibility ??
    (options.private === undefined ? undefined : options.private ? "private" : "public");
  const body = { visibility, gated: options.gated, discussionsDisabled: options.discussionsDisabled };
  if (Object.values(body).every((v) => v === undefined)) {
    throw new InvalidInputError(
      "settings: pass at least one of private, visibility, gated, discussionsDisabled.",
      {
        field: "settings",
      },
    );
  }
  const { data } = await client.request({
    method: "PUT",
    // Plural type segment, unlike the old docs' /api/repos/{type}/… (hub-protocol §3.2).
    path: `${repoApiPath(repo)}/settings`,
    body: { json: body },
    schema: WireSettings,
    // Sets absolute values: sending it twice is the same as once.
    idempotent: true,
    signal: options.signal,
    operation: "updateRepoSettings",
  });
  const isPrivate = data?.private ?? (data?.visibility ? data.visibility !== "public" : undefined);
  const gated = toGatedMode(data?.gated);
  return {
    ...(isPrivate !== undefined ? { private: isPrivate } : {}),
    ...(gated !== undefined ? { gated } : {}),
    ...(typeof data?.discussionsDisabled === "boolean"
      ? { discussionsDisabled: data.discussionsDisabled }
      : {}),
  };
}
