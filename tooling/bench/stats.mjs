// Statistics and the report of `pnpm bench`: min / median / max of each contender's samples,
// its ratio to the hfkit row of the same case (measured in the same run), and the Markdown
// table the README shows. Pure functions, unit-tested in test/stats.test.mjs.
import { median } from "./lib.mjs";

/** min / median / max of a list of numbers (undefined when there is none). */
export function summarize(samples) {
  const values = samples.filter((v) => Number.isFinite(v));
  if (values.length === 0) return undefined;
  return { n: values.length, min: Math.min(...values), median: median(values), max: Math.max(...values) };
}

/**
 * How many times better hfkit is than a contender, from medians: time / hfkit time when lower
 * is better (seconds), hfkit rate / rate when higher is better (requests per second). Above 1:
 * hfkit ahead.
 */
export function advantage(reference, other, higherIsBetter = false) {
  if (!reference || !other || reference.median === 0 || other.median === 0) return undefined;
  return higherIsBetter ? reference.median / other.median : other.median / reference.median;
}

/**
 * In how many rounds hfkit's sample beat the contender's from the same round (`rounds` says which
 * round each sample came from; rows without it are paired in order), out of the rounds both ran.
 */
export function roundsAhead(reference, other, higherIsBetter = false) {
  const byRound = new Map(reference.samples.map((v, i) => [reference.rounds?.[i] ?? i, v]));
  let ahead = 0;
  let of = 0;
  other.samples.forEach((v, i) => {
    const mine = byRound.get(other.rounds?.[i] ?? i);
    if (mine === undefined || !Number.isFinite(mine) || !Number.isFinite(v)) return;
    of++;
    if (higherIsBetter ? mine > v : mine < v) ahead++;
  });
  return { ahead, of };
}

/**
 * Adds `stats`, `hfkitAdvantage` and `roundsAhead` to every row. A row is compared with the
 * hfkit row its `versus` names, else with the row marked `reference` (else the first); a row
 * that is compared with is shown as a reference.
 */
export function scoreCase(benchCase) {
  const rows = benchCase.rows.map((row) => ({ ...row, stats: summarize(row.samples ?? []) }));
  const main = rows.find((r) => r.reference && r.stats) ?? rows.find((r) => r.stats);
  const references = new Set([main, ...rows.map((r) => rows.find((x) => x.contender === r.versus))]);
  return {
    ...benchCase,
    rows: rows.map((row) => {
      const against = rows.find((r) => r.contender === row.versus) ?? main;
      if (references.has(row) || !row.stats || !against?.stats) return row;
      return {
        ...row,
        ...(against === main ? {} : { versus: against.contender }),
        hfkitAdvantage: advantage(against.stats, row.stats, benchCase.higherIsBetter),
        roundsAhead: roundsAhead(against, row, benchCase.higherIsBetter),
      };
    }),
  };
}

function figure(value) {
  if (value === undefined) return "–";
  if (value >= 1000) return Math.round(value).toLocaleString("en");
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** One Markdown table per case, then the machine, load and versions. */
export function renderMarkdown(report) {
  const out = [];
  out.push(
    `Run ${report.startedAt}${report.quick ? " (--quick)" : ""}, ${report.runs} runs per contender, ` +
      `${report.elapsedSeconds?.toFixed(0) ?? "?"} s in all.`,
  );
  out.push("");
  for (const c of report.cases) {
    out.push(`### ${c.title}`);
    out.push("");
    if (c.error) {
      out.push(`Failed: ${c.error}`);
      out.push("");
      continue;
    }
    const unit = c.unit ?? "s";
    const ahead = c.higherIsBetter ? "hfkit ÷ contender" : "contender ÷ hfkit";
    out.push(
      `| contender | min ${unit} | median ${unit} | max ${unit} | ${ahead} | rounds hfkit ahead | peak RSS MB |`,
    );
    out.push("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (const row of c.rows) {
      if (!row.stats) {
        out.push(`| ${row.contender} | – | – | – | not run: ${row.skipped ?? "no sample"} | – | – |`);
        continue;
      }
      const rss = row.rssMB?.length ? figure(Math.max(...row.rssMB)) : "–";
      const ratio =
        row.hfkitAdvantage === undefined
          ? "(reference)"
          : `${row.hfkitAdvantage.toFixed(2)}×${row.versus ? ` vs ${row.versus}` : ""}`;
      const won = row.roundsAhead ? `${row.roundsAhead.ahead} of ${row.roundsAhead.of}` : "";
      out.push(
        `| ${row.contender} | ${figure(row.stats.min)} | ${figure(row.stats.median)} | ${figure(row.stats.max)} | ${ratio} | ${won} | ${rss} |`,
      );
    }
    if (c.note) out.push("", c.note);
    out.push("");
  }
  const m = report.machine;
  if (m) {
    out.push(
      `Machine: ${m.cpus}× ${m.cpuModel}, ${m.memGiB} GiB RAM, ${m.os}, Node ${m.node}; ` +
        `load average ${m.loadStart} at the start, ${m.loadEnd ?? "?"} at the end.`,
    );
  }
  if (report.versions) {
    out.push("");
    out.push(
      `Versions: ${Object.entries(report.versions)
        .map(([name, version]) => `${name} ${version}`)
        .join(", ")}.`,
    );
  }
  return `${out.join("\n")}\n`;
}
