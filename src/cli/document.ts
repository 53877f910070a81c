/** The JSON document `--json` prints and report.json holds, and the human summary beside it. */
import type { Evaluation, Forecaster } from '../forecast/forecaster.js';
import type { DataSummary } from '../report/markdown.js';
import type { ScoreSet } from '../metrics/metrics.js';
import { describeFrequency } from '../series/frequency.js';
import type { Series } from '../series/series.js';

export { formatNumber as num } from '../report/format.js';

export function dataSummary(source: string, series: Series, column: string): DataSummary {
  const v = series.column(column);
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    if (x < min) min = x;
    if (x > max) max = x;
  }
  return {
    source,
    rows: series.length,
    from: series.label(0),
    to: series.label(series.length - 1),
    column,
    min,
    max,
    frequency: describeFrequency(series.frequency),
  };
}

type Scores = Pick<ScoreSet, 'rmse' | 'mae' | 'mape' | 'smape' | 'mase'>;

export interface ResultDocument {
  readonly pipeline?: string;
  readonly data: DataSummary;
  readonly config: Record<string, unknown>;
  readonly split: Record<string, unknown> | null;
  readonly metrics: { readonly model: Scores; readonly baselines: Record<string, Scores> };
  readonly verdict: string;
  readonly comparison: string;
  readonly warnings: readonly string[];
  readonly timings: Record<string, number>;
  readonly outDir: string | null;
}

/** Baseline names for JSON: `seasonalNaive(12)` → `seasonalNaive`. */
function baselineKey(name: string): string {
  return name.replace(/\(.*\)$/, '');
}

function scores(s: ScoreSet): Scores {
  return { rmse: s.rmse, mae: s.mae, mape: s.mape, smape: s.smape, mase: s.mase };
}

export function resultDocument(args: {
  pipeline?: string;
  data: DataSummary;
  forecaster: Forecaster;
  evaluation: Evaluation;
  timings: Record<string, number>;
  outDir: string | null;
}): ResultDocument {
  const { forecaster: f, evaluation: e } = args;
  return {
    ...(args.pipeline !== undefined ? { pipeline: args.pipeline } : {}),
    data: args.data,
    config: { ...f.config, columns: f.columns },
    split: f.fitInfo === null ? null : { ...f.fitInfo },
    metrics: {
      model: scores(e.metrics.model),
      baselines: Object.fromEntries(
        Object.entries(e.metrics.baselines).map(([k, v]) => [baselineKey(k), scores(v)]),
      ),
    },
    verdict: e.verdict,
    comparison: e.comparison.summary,
    warnings: e.warnings.map((w) => w.message),
    timings: args.timings,
    outDir: args.outDir,
  };
}
