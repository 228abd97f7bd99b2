/**
 * The metadata values the Hub checks in a README's front matter (issue 14), as its answers
 * to `POST /api/validate-yaml` show: an unknown `license`, a malformed `model-index`. The
 * license identifiers are the Hub's (hub-docs `repositories-licenses.md`; the JS client's
 * `License` type lists the same). Messages follow the Hub's `"field" must be ...` form.
 */
const LICENSES = new Set([
  "apache-2.0",
  "mit",
  "openrail",
  "bigscience-openrail-m",
  "creativeml-openrail-m",
  "bigscience-bloom-rail-1.0",
  "bigcode-openrail-m",
  "afl-3.0",
  "artistic-2.0",
  "bsl-1.0",
  "bsd",
  "bsd-2-clause",
  "bsd-3-clause",
  "bsd-3-clause-clear",
  "c-uda",
  "cc",
  "cc0-1.0",
  "cc-by-2.0",
  "cc-by-2.5",
  "cc-by-3.0",
  "cc-by-4.0",
  "cc-by-sa-3.0",
  "cc-by-sa-4.0",
  "cc-by-nc-2.0",
  "cc-by-nc-3.0",
  "cc-by-nc-4.0",
  "cc-by-nd-4.0",
  "cc-by-nc-nd-3.0",
  "cc-by-nc-nd-4.0",
  "cc-by-nc-sa-2.0",
  "cc-by-nc-sa-3.0",
  "cc-by-nc-sa-4.0",
  "cdla-sharing-1.0",
  "cdla-permissive-1.0",
  "cdla-permissive-2.0",
  "wtfpl",
  "ecl-2.0",
  "epl-1.0",
  "epl-2.0",
  "etalab-2.0",
  "eupl-1.1",
  "eupl-1.2",
  "agpl-3.0",
  "gfdl",
  "gpl",
  "gpl-2.0",
  "gpl-3.0",
  "lgpl",
  "lgpl-2.1",
  "lgpl-3.0",
  "isc",
  "lppl-1.3c",
  "ms-pl",
  "mpl-2.0",
  "odc-by",
  "odbl",
  "openrail++",
  "osl-3.0",
  "postgresql",
  "ofl-1.1",
  "ncsa",
  "unlicense",
  "zlib",
  "pddl",
  "lgpl-lr",
  "deepfloyd-if-license",
  "llama2",
  "llama3",
  "llama3.1",
  "llama3.2",
  "llama3.3",
  "llama4",
  "gemma",
  "apple-ascl",
  "apple-amlr",
  "unknown",
  "other",
]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function licenseErrors(value: unknown): string[] {
  const ids = Array.isArray(value) ? value : [value];
  const bad = ids.filter((id) => typeof id !== "string" || !LICENSES.has(id));
  if (!bad.length) return [];
  return [
    `"license" must be one of [${[...LICENSES].join(", ")}] (got ${bad.map((b) => JSON.stringify(b)).join(", ")})`,
  ];
}

/** `model-index`: a list of `{name, results: [{task: {type}, dataset: {type, name}, metrics: [{type, value}]}]}`. */
function modelIndexErrors(value: unknown): string[] {
  if (!Array.isArray(value)) return ['"model-index" must be an array'];
  const errors: string[] = [];
  for (const [i, entry] of value.entries()) {
    const at = `"model-index[${i}]`;
    if (!isObject(entry)) {
      errors.push(`${at}" must be an object`);
      continue;
    }
    if (entry.name !== undefined && typeof entry.name !== "string")
      errors.push(`${at}.name" must be a string`);
    if (!Array.isArray(entry.results)) {
      errors.push(`${at}.results" must be an array`);
      continue;
    }
    for (const [j, result] of entry.results.entries())
      errors.push(...resultErrors(`${at}.results[${j}]`, result));
  }
  return errors.slice(0, 20);
}

function resultErrors(at: string, result: unknown): string[] {
  if (!isObject(result)) return [`${at}" must be an object`];
  const errors: string[] = [];
  if (!isObject(result.task) || typeof result.task.type !== "string")
    errors.push(`${at}.task.type" is required`);
  const { dataset } = result;
  if (!isObject(dataset) || typeof dataset.type !== "string" || typeof dataset.name !== "string")
    errors.push(`${at}.dataset" must have a type and a name`);
  if (!Array.isArray(result.metrics)) return [...errors, `${at}.metrics" must be an array`];
  for (const [k, metric] of result.metrics.entries()) {
    if (!isObject(metric) || typeof metric.type !== "string" || metric.value === undefined)
      errors.push(`${at}.metrics[${k}]" must have a type and a value`);
  }
  return errors;
}

/** The value errors of parsed metadata (a mapping). */
export function metadataValueErrors(metadata: Record<string, unknown>): string[] {
  return [
    ...(metadata.license !== undefined ? licenseErrors(metadata.license) : []),
    ...(metadata["model-index"] !== undefined ? modelIndexErrors(metadata["model-index"]) : []),
  ];
}
