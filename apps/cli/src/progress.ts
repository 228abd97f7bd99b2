import type { CommitProgressEvent } from "@hfkit/commit";

/**
 * What a commit's progress event tells a person in a line of its own (`hfkit upload`,
 * `hfkit datasets push`); the bytes are drawn by `@hfkit/observability`'s renderer (observe.ts).
 */
export function commitNote(event: CommitProgressEvent): string | undefined {
  switch (event.type) {
    case "file-skipped":
      return event.reason === "external-symlink"
        ? `not uploaded: ${event.path} is a symbolic link to ${event.target}, outside the folder ` +
            "(--follow-external-symlinks uploads it)"
        : undefined;
    case "preupload-done": {
      const ignored = event.ignoredFiles ? `, ${event.ignoredFiles} ignored by .gitignore` : "";
      return `${event.files} file(s): ${event.lfsFiles} LFS, ${event.regularFiles} regular${ignored}`;
    }
    case "commit-part-started":
      return event.parts > 1 ? `commit ${event.part} of ${event.parts} (${event.files} changes)` : undefined;
    case "commit-skipped":
      return "nothing changed: no commit made";
    default:
      return undefined;
  }
}
