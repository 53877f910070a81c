/**
 * The backtest report document: one builder, `buildBacktestReport`, for `seqcast backtest --json`, the
 * backtest folder's report.json and its report.md (`backtestMarkdown`), so they cannot disagree — as
 * `buildReport` is for a trained forecaster. Browser-safe.
 *
 * It keeps every field `backtest --json` printed before (data.source, data.rows, config, options, folds with
 * their forecasts, metrics.model, metrics.baselines.<plain name>, metrics.byHorizon, losesAtHorizons,
 * baselineModels, lastFold, unscoredRows, verdict, comparison, warnings, timings, outDir) and adds the rest
 * beside them. `intervals` is where the empirical coverage and the interval score of prediction intervals go
 * (null until the backtest makes intervals).
 */
import type { BacktestIntervals } from '../forecast/backtest-intervals.js';
import type { BacktestOptions, BacktestResult, BacktestScore } from '../forecast/backtest.js';
import type { ForecastConfig } from '../forecast/config.js';
import type { Series } from '../series/series.js';
import type { DataSummary } from './document.js';
import { dataSummary } from './document.js';
import { formatNumber as fmt } from './format.js';
import { code, text } from './markdown.js';
import type { VegaLiteSpec } from './plots.js';
import { safeTitle } from './plots.js';

/** One fold as the report shows it: its cutoff, the rows it trained on and forecast, its scores. */
export interface BacktestFoldSummary {
  readonly index: number;
  /** The first forecast row's label (the cutoff: training ends on the row before it). */
  readonly cutoff: string;
  /** Row ranges [start, end). */
  readonly train: { readonly start: number; readonly end: number };
  readonly test: { readonly start: number; readonly end: number };
  readonly trainFrom: string;
  readonly trainTo: string;
  readonly testFrom: string;
  readonly testTo: string;
  /** Rows forecast; `full` is false for a shorter last fold (partialLastFold). */
  readonly rows: number;
  readonly full: boolean;
  readonly refitted: boolean;
  readonly rmse: number;
  readonly naiveRmse: number;
  readonly forecast: readonly number[];
  readonly actual: readonly number[];
  /** Every baseline's forecasts, by plain name. */
  readonly baselines: Readonly<Record<string, readonly number[]>>;
}

export interface BacktestReportDocument {
  readonly title: string;
  readonly kind: 'backtest';
  readonly data: DataSummary;
  readonly config: ForecastConfig;
  readonly options: BacktestOptions;
  readonly seasonalPeriod: number;
  readonly folds: readonly BacktestFoldSummary[];
  /** Overall (every point of every fold) and per horizon, for the model and every baseline (plain names). */
  readonly metrics: {
    readonly model: BacktestScore;
    readonly baselines: Readonly<Record<string, BacktestScore>>;
    readonly byHorizon: readonly {
      readonly horizon: number;
      readonly points: number;
      readonly model: BacktestScore;
      readonly baselines: Readonly<Record<string, BacktestScore>>;
    }[];
  };
  readonly losesAtHorizons: readonly {
    readonly horizon: number;
    readonly baseline: string;
    readonly modelRmse: number;
    readonly baselineRmse: number;
  }[];
  readonly baselineModels: Readonly<Record<string, string>>;
  /** The last fold's rows, and whether it is a full horizon long. */
  readonly lastFold: BacktestResult['lastFold'];
  readonly unscoredRows: number;
  /** Empirical coverage and interval score of prediction intervals; null: no intervals were made. */
  readonly intervals: BacktestIntervals | null;
  readonly verdict: string;
  readonly comparison: string;
  readonly warnings: readonly string[];
  readonly timings: Readonly<Record<string, number>>;
  /** SVG file names in the report folder (a PNG beside each); empty elsewhere. */
  readonly plots: readonly string[];
  readonly outDir: string | null;
}

export interface BacktestReportInput {
  readonly title: string;
  readonly source: string;
  readonly series: Series;
  readonly config: ForecastConfig;
  readonly options: BacktestOptions;
  readonly result: BacktestResult;
  readonly timings: Readonly<Record<string, number>>;
  readonly plots?: readonly string[];
  readonly outDir?: string | null;
}

const plain = (name: string): string => name.replace(/\(.*\)$/, '');
const plainNames = <T>(byName: Readonly<Record<string, T>>): Record<string, T> =>
  Object.fromEntries(Object.entries(byName).map(([k, v]) => [plain(k), v]));

/** The backtest report document of a backtest's result. */
export function buildBacktestReport(r: BacktestReportInput): BacktestReportDocument {
  const b = r.result;
  const labels = r.series.labels();
  const target =
    r.config.target === undefined
      ? r.series.names[0]
      : typeof r.config.target === 'string'
        ? r.config.target
        : r.config.target[0];
  const horizon = r.options.horizon ?? 1;
  const warnings: string[] = [];
  if (!b.lastFold.full) {
    warnings.push(
      `the last fold (${b.lastFold.from} .. ${b.lastFold.to}) is ${b.lastFold.rows} row${b.lastFold.rows === 1 ? '' : 's'} long, shorter than the horizon of ${horizon}: its scores count at horizons 1–${b.lastFold.rows} only`,
    );
  }
  if (b.unscoredRows > 0) {
    const last = b.folds[b.folds.length - 1];
    const stride = r.options.stride ?? horizon;
    const next = last.cutoff + stride;
    const why =
      next >= r.series.length
        ? `the next cutoff, ${stride} rows after the last, lies past the data`
        : next + horizon > r.series.length && r.options.partialLastFold !== true
          ? `a fold needs ${horizon}; partialLastFold scores them`
          : `--folds / maxFolds (${b.folds.length}) stops before them`;
    warnings.push(
      `the last ${b.unscoredRows} row${b.unscoredRows === 1 ? ' is' : 's are'} not scored (${why})`,
    );
  }
  return {
    title: r.title,
    kind: 'backtest',
    data: dataSummary(r.source, r.series, target),
    config: r.config,
    options: r.options,
    seasonalPeriod: b.seasonalPeriod,
    folds: b.folds.map((f) => ({
      index: f.index,
      cutoff: f.cutoffLabel,
      train: f.train,
      test: f.test,
      trainFrom: labels[f.train.start],
      trainTo: labels[f.train.end - 1],
      testFrom: labels[f.test.start],
      testTo: labels[f.test.end - 1],
      rows: f.test.end - f.test.start,
      full: f.test.end - f.test.start === horizon,
      refitted: f.refitted,
      rmse: f.rmse,
      naiveRmse: f.naiveRmse,
      forecast: Array.from(f.forecast),
      actual: Array.from(f.actual),
      baselines: plainNames(
        Object.fromEntries(Object.entries(f.baselines).map(([k, v]) => [k, Array.from(v)])),
      ),
    })),
    metrics: {
      model: b.overall.model,
      baselines: plainNames(b.overall.baselines),
      byHorizon: b.byHorizon.map((h) => ({ ...h, baselines: plainNames(h.baselines) })),
    },
    losesAtHorizons: b.losses.map((l) => ({ ...l, baseline: plain(l.baseline) })),
    baselineModels: b.baselineModels,
    lastFold: b.lastFold,
    unscoredRows: b.unscoredRows,
    intervals: b.intervals ?? null,
    verdict: b.verdict,
    comparison: b.comparison.summary,
    warnings,
    timings: r.timings,
    plots: r.plots ?? [],
    outDir: r.outDir ?? null,
  };
}

/** report.json of a backtest folder, and what `backtest --json` prints. */
export function backtestJson(r: BacktestReportDocument): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

/** report.md of a backtest folder. */
export function backtestMarkdown(r: BacktestReportDocument): string {
  const d = r.data;
  const H = r.metrics.byHorizon.length;
  const lines: string[] = [`# ${text(r.title)}`, '', '## Data', ''];
  lines.push(
    `${text(d.source)}: ${d.rows} rows, ${d.from} .. ${d.to} (${d.frequency}); ${code(d.column)} from ${fmt(d.min)} to ${fmt(d.max)}.`,
    '',
  );
  const config = JSON.stringify({ config: r.config, options: r.options }, null, 2);
  lines.push('## Configuration', '', '```json', config, '```', '');
  const lf = r.lastFold;
  lines.push(
    '## Folds',
    '',
    `${r.folds.length} fold${r.folds.length === 1 ? '' : 's'} of ${H} row${H === 1 ? '' : 's'} (walk-forward, ${r.options.mode ?? 'expanding'} training part). ` +
      `The last fold covers ${lf.from} .. ${lf.to}: **${lf.rows} row${lf.rows === 1 ? '' : 's'}${lf.full ? ', a full horizon' : `, shorter than the horizon of ${r.options.horizon ?? 1}`}**.` +
      (r.unscoredRows > 0
        ? ` The last ${r.unscoredRows} row${r.unscoredRows === 1 ? ' is' : 's are'} not scored (see the warnings).`
        : ''),
    '',
    '| fold | cutoff | training rows | forecast rows | rows | refit | RMSE | naive RMSE |',
    '| ---: | --- | --- | --- | ---: | --- | ---: | ---: |',
  );
  for (const f of r.folds) {
    lines.push(
      `| ${f.index + 1} | ${f.cutoff} | ${f.trainFrom} .. ${f.trainTo} (${f.train.end - f.train.start}) | ${f.testFrom} .. ${f.testTo} | ` +
        `${f.full ? f.rows : `${f.rows} (short)`} | ${f.refitted ? 'yes' : ''} | ${fmt(f.rmse)} | ${fmt(f.naiveRmse)} |`,
    );
  }
  lines.push('', '## Scores (original units)', '');
  lines.push(
    'Overall: every forecast point of every fold pooled. MASE divides each point’s error by the in-sample ' +
      `seasonal-naive MAE (season ${r.seasonalPeriod}) of its fold’s training part.`,
    '',
    '| | RMSE | MAE | MASE |',
    '| --- | ---: | ---: | ---: |',
  );
  const shown = (n: string): string => (n === 'seasonalNaive' ? `seasonalNaive(${r.seasonalPeriod})` : n);
  const row = (name: string, s: BacktestScore): string =>
    `| ${name} | ${fmt(s.rmse)} | ${fmt(s.mae)} | ${s.mase === null ? 'n/a' : fmt(s.mase)} |`;
  lines.push(row('**model**', r.metrics.model));
  for (const [n, s] of Object.entries(r.metrics.baselines)) lines.push(row(shown(n), s));
  lines.push('');
  const names = Object.keys(r.metrics.baselines);
  const cell = (s: BacktestScore): string => `${fmt(s.rmse)}${s.mase === null ? '' : ` (${fmt(s.mase)})`}`;
  const lost = new Set(r.losesAtHorizons.map((l) => l.horizon));
  lines.push(
    '### By horizon: RMSE (MASE)',
    '',
    `| horizon | points | model | ${names.map(shown).join(' | ')} |`,
    `| ---: | ---: | ---: | ${names.map(() => '---:').join(' | ')} |`,
    ...r.metrics.byHorizon.map(
      (h) =>
        `| ${h.horizon} | ${h.points} | ${lost.has(h.horizon) ? `${cell(h.model)} ✗` : cell(h.model)} | ${names.map((n) => cell(h.baselines[n])).join(' | ')} |`,
    ),
    '',
    '✗: the model loses to the best baseline at that horizon.',
    '',
  );
  for (const [name, model] of Object.entries(r.baselineModels))
    lines.push(`${name}: ${text(model)} (the model chosen on the first fold).`, '');
  lines.push('### Prediction intervals', '');
  if (r.intervals === null) lines.push('No prediction intervals were made, so no coverage is given.', '');
  else {
    const iv = r.intervals;
    lines.push(`${text(iv.method)}.`, '');
    lines.push(
      '| level | points | empirical coverage | interval score | mean width | coverage by horizon |',
      '| ---: | ---: | ---: | ---: | ---: | :--- |',
    );
    iv.overall.forEach((q, j) =>
      lines.push(
        `| ${(100 * q.level).toFixed(0)} % | ${q.points} | ${(100 * q.coverage).toFixed(1)} % | ${fmt(q.intervalScore)} | ${fmt(q.meanWidth)} | ` +
          `${iv.byHorizon[j].map((x) => `${(100 * x.coverage).toFixed(0)} %`).join(', ')} |`,
      ),
    );
    if (iv.uncalibratedFolds > 0)
      lines.push(
        '',
        `${iv.uncalibratedFolds} fold(s) had too few training rows to calibrate on and have no intervals.`,
      );
    lines.push('');
  }
  lines.push(`**Verdict: ${text(r.comparison)}**`, '');
  if (r.warnings.length > 0) {
    lines.push('## Warnings', '');
    for (const w of r.warnings) lines.push(`- ${text(w)}`);
    lines.push('');
  }
  if (r.plots.length > 0) {
    lines.push('## Plots', '');
    for (const p of r.plots) {
      const name = p.replace(/\.svg$/, '');
      lines.push(`![${name}](${name}.png) ([SVG](${p}))`, '');
    }
  }
  lines.push('## Timings', '');
  for (const [k, v] of Object.entries(r.timings))
    lines.push(`- ${k.replace(/Seconds$/, '')}: ${v.toFixed(2)} s`);
  lines.push('');
  return lines.join('\n');
}

/**
 * The folds' forecasts against the actual values: the actual series over the backtested span (and some
 * history before it), each fold's forecast as its own segment, a dashed rule at each cutoff.
 */
export function backtestPlotSpec(p: {
  readonly labels: readonly string[];
  readonly actual: ArrayLike<number>;
  readonly folds: readonly {
    readonly cutoff: string;
    readonly labels: readonly string[];
    readonly forecast: ArrayLike<number>;
  }[];
  readonly title: string;
}): VegaLiteSpec {
  const type = p.labels.length > 0 && /^\d{4}-\d{2}-\d{2}/.test(p.labels[0]) ? 'temporal' : 'quantitative';
  const x = (l: string): string | number => (type === 'temporal' ? l : Number(l));
  const rows: { x: string | number; value: number; series: string; fold: number }[] = [];
  p.labels.forEach((l, i) => rows.push({ x: x(l), value: p.actual[i], series: 'actual', fold: -1 }));
  p.folds.forEach((f, k) =>
    f.labels.forEach((l, i) => rows.push({ x: x(l), value: f.forecast[i], series: 'forecast', fold: k })),
  );
  const cuts = p.folds.length <= 60 ? p.folds.map((f) => ({ x: x(f.cutoff) })) : [];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: safeTitle(p.title),
    width: 720,
    height: 300,
    layer: [
      {
        data: { values: cuts },
        mark: { type: 'rule', strokeDash: [3, 3], color: '#bbb' },
        encoding: { x: { field: 'x', type } },
      },
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 1.5, point: rows.length <= 400 },
        encoding: {
          x: { field: 'x', type, title: type === 'temporal' ? 'date' : 'step' },
          y: { field: 'value', type: 'quantitative', title: 'value', scale: { zero: false } },
          color: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: { domain: ['actual', 'forecast'], range: ['#1f4e79', '#e8702a'] },
          },
          detail: { field: 'fold', type: 'nominal' },
        },
      },
    ],
  };
}
