/**
 * The recommended pipeline in the report document: what the validation search tried, why the winner won,
 * its test-part scores beside the baselines, its conformal intervals (their coverage and interval score on
 * the test part) and its forecast after the last row with bands. Browser-safe.
 */
import type { ScoreSet } from '../metrics/metrics.js';
import type { Recommendation } from '../forecast/select.js';
import { formatNumber as fmt } from './format.js';

/** Column names of one interval level: `lower80`, `upper95`. */
export function bandColumns(level: number): [string, string] {
  const pct = Math.round(level * 1000) / 10;
  return [`lower${pct}`, `upper${pct}`];
}

export interface RecommendedSummary {
  /** The winner's name: a network ('simpleRNN(32), window 12, logDiff'), a baseline, or the combination. */
  readonly pipeline: string;
  readonly kind: 'network' | 'baseline' | 'combination';
  readonly reason: string;
  readonly validation: {
    readonly from: string;
    readonly to: string;
    readonly rows: number;
    readonly fitRows: number;
  };
  readonly searched: readonly string[];
  readonly fixed: readonly string[];
  readonly searchOff: string;
  /** Every candidate's validation scores, in the order tried. */
  readonly candidates: readonly {
    readonly name: string;
    readonly kind: string;
    readonly validation: ScoreSet;
  }[];
  readonly combination: { readonly network: string; readonly baseline: string; readonly weight: number };
  /** The recommended pipeline on the test part (beside `metrics.baselines`). */
  readonly metrics: ScoreSet;
  readonly byHorizon: readonly (ScoreSet & { readonly horizon: number })[];
  readonly verdict: string;
  readonly comparison: string;
  readonly intervals: {
    readonly method: string;
    readonly scale: 'absolute' | 'log';
    readonly residuals: number;
    /** Per level: half-widths q̂ per horizon (null: too few residuals for that level), test coverage, score. */
    readonly levels: readonly {
      readonly level: number;
      readonly halfWidths: readonly (number | null)[];
      readonly coverage: number;
      readonly intervalScore: number;
      readonly meanWidth: number;
      readonly points: number;
      readonly byHorizon: readonly {
        readonly horizon: number;
        readonly coverage: number;
        readonly intervalScore: number;
      }[];
    }[];
  };
  /** The forecast of the rows after the last one, with `lower80`, `upper80`, … per level. */
  readonly future: readonly Readonly<Record<string, number | string>>[];
}

const SEARCH_OFF =
  'the search over transform, window, model kind and units is off with --no-search (API: recommend(series, config, { search: false })); a flag you give (--model, --window, --units, --transform) fixes that choice';

export function recommendedSummary(r: Recommendation): RecommendedSummary {
  const s = r.selection;
  const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
  return {
    pipeline: s.winner.name,
    kind: s.winner.kind,
    reason: s.reason,
    validation: s.validation,
    searched: s.searched,
    fixed: s.fixed,
    searchOff: SEARCH_OFF,
    candidates: s.candidates.map((c) => ({ name: c.name, kind: c.kind, validation: c.validation })),
    combination: s.combination,
    metrics: r.test.metrics,
    byHorizon: r.test.horizons.map((h, i) => ({ horizon: i + 1, ...h })),
    verdict: r.test.verdict,
    comparison: r.test.comparison.summary,
    intervals: {
      method: r.intervals.method,
      scale: r.intervals.scale,
      residuals: r.intervals.residuals,
      levels: r.intervals.levels.map((level, j) => ({
        level,
        halfWidths: r.intervals.halfWidths[j].map(finite),
        coverage: r.test.intervals[j].coverage,
        intervalScore: r.test.intervals[j].intervalScore,
        meanWidth: r.test.intervals[j].meanWidth,
        points: r.test.intervals[j].points,
        byHorizon: r.test.intervals[j].horizons.map((q, h) => ({
          horizon: h + 1,
          coverage: q.coverage,
          intervalScore: q.intervalScore,
        })),
      })),
    },
    future: r.future.labels.map((date, i) => {
      const row: Record<string, number | string> = { date, value: r.future.values[i] };
      for (const b of r.future.bands) {
        const [lo, up] = bandColumns(b.level);
        row[lo] = b.lower[i];
        row[up] = b.upper[i];
      }
      return row;
    }),
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

/** The report.md section. */
export function recommendedMarkdown(r: RecommendedSummary): string[] {
  const lines = ['## The recommended pipeline (chosen on validation)', ''];
  lines.push(
    `The candidates were fitted on the training part's first ${r.validation.fitRows} rows and scored on its last ${r.validation.rows} ` +
      `(${r.validation.from} .. ${r.validation.to}), the validation part; the test part was not read. ` +
      (r.searched.length > 0
        ? `Searched: ${r.searched.join(', ')} (one variation of each choice left open). `
        : 'No network search (the configuration alone). ') +
      (r.fixed.length > 0 ? `Fixed by the configuration: ${r.fixed.join(', ')}. ` : '') +
      `Every baseline is a candidate, and so is the combination: the mean of the best network and the best baseline. ` +
      `The winning network configuration is then refitted on the whole training part (the model saved and scored above).`,
    '',
  );
  lines.push('| candidate | kind | validation RMSE | MAE | MASE |', '| --- | --- | ---: | ---: | ---: |');
  for (const c of r.candidates) {
    const bold = c.name === r.pipeline ? '**' : '';
    lines.push(
      `| ${bold}${c.name}${bold} | ${c.kind} | ${fmt(c.validation.rmse)} | ${fmt(c.validation.mae)} | ${c.validation.mase === null ? 'n/a' : fmt(c.validation.mase)} |`,
    );
  }
  lines.push('', `**Winner: ${r.pipeline}** — ${r.reason}.`, '');
  lines.push(
    `On the test part the recommended pipeline scores RMSE ${fmt(r.metrics.rmse)}, MAE ${fmt(r.metrics.mae)}` +
      `${r.metrics.mase === null ? '' : `, MASE ${fmt(r.metrics.mase)}`}: ${r.comparison}.`,
    '',
  );
  lines.push('### Prediction intervals', '');
  lines.push(
    `Conformal intervals (${r.intervals.method}). ${r.intervals.scale === 'log' ? 'The series is modelled in logarithms, so the bands are ŷ·e^(±q̂): they widen with the level. ' : 'The bands are ŷ ± q̂. '}` +
      `They are shown as bands in the forecast plots. Coverage is the share of test values inside their interval; the interval score ` +
      `(Gneiting & Raftery) is the width plus 2/α times any miss, lower is better.`,
    '',
  );
  lines.push('| level | half-width q̂ (h = 1…) | test coverage | interval score | mean width |');
  lines.push('| ---: | ---: | ---: | ---: | ---: |');
  for (const l of r.intervals.levels) {
    lines.push(
      `| ${pct(l.level)} | ${l.halfWidths.map((q) => (q === null ? '∞' : fmt(q))).join(', ')} | ${pct(l.coverage)} of ${l.points} | ${fmt(l.intervalScore)} | ${fmt(l.meanWidth)} |`,
    );
  }
  if (r.future.length === 0) {
    lines.push(
      '',
      'No forecast after the last row: the model reads known-future columns, whose values after it were not given (--future).',
    );
  } else {
    lines.push('', 'Forecast after the last row:', '');
    const cols = Object.keys(r.future[0]);
    lines.push(`| ${cols.join(' | ')} |`, `| ${cols.map(() => '---').join(' | ')} |`);
    for (const row of r.future)
      lines.push(
        `| ${cols.map((c) => (typeof row[c] === 'number' ? fmt(row[c] as number) : row[c])).join(' | ')} |`,
      );
  }
  lines.push('', `(${r.searchOff}.)`, '');
  return lines;
}

/** The terminal lines. */
export function recommendedTerminal(r: RecommendedSummary): string[] {
  const out: string[] = [];
  const nets = r.candidates.filter((c) => c.kind === 'network').length;
  out.push(
    `   search   ${nets} network${nets === 1 ? '' : 's'}, ${r.candidates.length - nets - 1} baselines and their combination on validation ${r.validation.from} .. ${r.validation.to}`,
  );
  out.push(`   chosen   ${r.pipeline} (${r.kind}): ${r.reason}`);
  out.push(
    `   recommended on the test part: RMSE ${fmt(r.metrics.rmse)}, MAE ${fmt(r.metrics.mae)}; ${r.comparison}`,
  );
  for (const l of r.intervals.levels) {
    out.push(
      `   interval ${pct(l.level)}: test coverage ${pct(l.coverage)}, interval score ${fmt(l.intervalScore)}`,
    );
  }
  for (const row of r.future) {
    const bands = r.intervals.levels
      .map((l) => {
        const [lo, up] = bandColumns(l.level);
        return `${pct(l.level)} [${fmt(row[lo] as number)}, ${fmt(row[up] as number)}]`;
      })
      .join('  ');
    out.push(`   next     ${row.date}  ${fmt(row.value as number)}  ${bands}`);
  }
  return out;
}
