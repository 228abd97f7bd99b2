import * as z from "@hfkit/http/zod";
import type { WireTreeEntry } from "./tree-entry.js";

export type { WireTreeEntry };

// The web build's `WireTreePage` (tree-entry.ts): the same entries accepted and refused with
// the same messages (tree-entry.test.ts checks both), through the zod the page ships anyway;
// the Node build's hand-written check would take the page over ADR 0017's size budget.
export const WireTreePage: z.ZodType<WireTreeEntry[]> = z.array(
  z.object({
    type: z.string(),
    oid: z.string(),
    size: z.number().optional(),
    path: z.string(),
    lfs: z.object({ oid: z.string(), size: z.number(), pointerSize: z.number().optional() }).nullish(),
    xetHash: z.string().optional(),
    lastCommit: z.object({ id: z.string(), title: z.string(), date: z.string() }).nullish(),
    securityFileStatus: z.object({ status: z.string() }).nullish(),
  }),
);
