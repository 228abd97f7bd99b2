// The zod schema builders the @hfkit packages use, from one place. In Node the build of this
// entry carries the parts of zod they need in one file (tsup.config.ts), so that a program
// loading several @hfkit packages evaluates one copy of zod instead of zod's ESM tree (~100
// files, 65 of them locales) or one bundled copy per package. The web build re-exports `zod`
// itself, for the page's bundler to share with the application's own copy.
//
// For the @hfkit packages: not part of @hfkit/http's documented API. Applications that want
// zod import `zod`; schemas of either copy can be given to `hub.request` (it only calls
// `safeParse`).
import { enum as zodEnum } from "zod";

export type { core, infer, RefinementCtx, ZodType } from "zod";
export {
  array,
  boolean,
  custom,
  literal,
  looseObject,
  number,
  object,
  record,
  strictObject,
  string,
  union,
  unknown,
} from "zod";
export { zodEnum as enum };
