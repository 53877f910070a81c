/**
 * The report document: what was forecast, how, how well beside the baselines, and what to watch. One
 * builder, `buildReport`, makes it for every consumer — the command's `--json`, the report folder's
 * report.json and report.md, and the playground's downloads — so they cannot disagree. Browser-safe.
 *
 * Verdict fields, everywhere:
 *   verdict      the model against 'repeat the last value' (naive): "beats naive by 4.5 % RMSE"
 *   comparison   against naive and against the best baseline, in one line; what people read (report.md,
 *                the terminal summary and the playground show it)
 */
import type { Evaluation } from '../forecast/evaluation.js';
import type { Recommendation } from '../forecast/select.js';
import type { RecommendedSummary } from './recommendation.js';
import { recommendedSummary } from './recommendation.js';
import type { FitInfo, Forecaster, FutureForecast } from '../forecast/forecaster.js';
import type { ScoreSet } from '../metrics/metrics.js';
import type { History } from '../model/fit.js';
import { describeFrequency } from '../series/frequency.js';
import type { Series } from '../series/series.js';

/** What was forecast: the data's source, size, dates and the value column's range. */
export interface DataSummary {
  readonly source: string;
  readonly rows: number;
  readonly from: string;
  readonly to: string;
  readonly column: string;
  readonly min: number;
  readonly max: number;
  readonly frequency: string;
}

/** Per epoch: the losses, the spread of the gradient norm over batches, how often clipping engaged. */
export interface TrainingSummary {
  readonly epochs: readonly {
    readonly epoch: number;
    readonly loss: number;
    readonly valLoss: number | null;
    readonly gradMin: number;
    readonly gradMedian: number;
    readonly gradMax: number;
    readonly clipped: number;
  }[];
  /** Why training ended early, or null. */
  readonly stop: string | null;
}

export interface ReportDocument {
  readonly title: string;
  /** The demo's pipeline id ('tutorial', 'recommended'); absent elsewhere. */
  readonly pipeline?: string;
  readonly data: DataSummary;
  /** The resolved configuration, with the model's input columns. */
  readonly config: Readonly<Record<string, unknown>>;
  /** The split and the window shapes (Forecaster.fitInfo); null for a loaded forecaster. */
  readonly split: FitInfo | null;
  /**
   * Scores on the test part in original units; baselines by plain name (`seasonalNaive`, not `…(12)`).
   * `model` and `baselines` are the overall scores (every horizon pooled; with horizon 1 the one-step
   * scores); `byHorizon` has the same scores at each horizon 1 … H.
   */
  readonly metrics: {
    readonly model: ScoreSet;
    readonly baselines: Readonly<Record<string, ScoreSet>>;
    readonly byHorizon: readonly {
      readonly horizon: number;
      readonly points: number;
      readonly model: ScoreSet;
      readonly baselines: Readonly<Record<string, ScoreSet>>;
    }[];
  };
  /** The horizons at which the model's RMSE is above the best baseline's there (empty with horizon 1). */
  readonly losesAtHorizons: readonly {
    readonly horizon: number;
    readonly baseline: string;
    readonly modelRmse: number;
    readonly baselineRmse: number;
  }[];
  /** Test origins scored, and those left out because they touch a missing value (a masked gap). */
  readonly origins: { readonly scored: number; readonly masked: number };
  /** What each baseline is, where its name does not say it all (autoETS: the model it chose). */
  readonly baselineModels: Readonly<Record<string, string>>;
  /** Against naive: "beats naive by 4.5 % RMSE" (Evaluation.verdict). */
  readonly verdict: string;
  /** Against naive and the best baseline, one line (Evaluation.comparison.summary). */
  readonly comparison: string;
  /** Forecasting past the data: the trained horizon, whether recursion beyond it is possible and why. */
  readonly forecastAhead: ForecastAhead;
  readonly warnings: readonly string[];
  readonly timings: Readonly<Record<string, number>>;
  /** null for a loaded forecaster (no training history). */
  readonly training: TrainingSummary | null;
  /** SVG file names in the report folder (a PNG of the same name sits beside each); empty elsewhere. */
  readonly plots: readonly string[];
  /** The report folder, or null when none was written. */
  readonly outDir: string | null;
  /**
   * The pipeline chosen on validation (`seqcast train`, recommend()): the candidates and their validation
   * scores, the winner and why, its test scores, its conformal intervals and its forecast with bands.
   * `metrics`, `verdict` and `comparison` above keep scoring the network refitted on the training part.
   */
  readonly recommended?: RecommendedSummary;
}

/** What a forecast past the data can be (Forecaster.recursion), and the one made, when one was. */
export interface ForecastAhead {
  readonly trainedHorizon: number;
  /** Whether steps beyond the trained horizon can be forecast (recursively). */
  readonly recursive: boolean;
  readonly reason: string;
  readonly calendar: readonly string[];
  readonly knownFuture: readonly string[];
  /** The forecast after the data's last row (`train --future`); null when none was made. */
  readonly forecast: {
    readonly labels: readonly string[];
    readonly values: readonly number[];
    readonly method: 'direct' | 'recursive';
  } | null;
}

export interface ReportInput {
  readonly title: string;
  readonly pipeline?: string;
  /** Where the data came from, as the report names it (a dataset, a file). */
  readonly source: string;
  readonly series: Series;
  readonly forecaster: Forecaster;
  readonly evaluation: Evaluation;
  /** The target the evaluation scored. Default: the forecaster's first target. */
  readonly target?: string;
  readonly timings: Readonly<Record<string, number>>;
  readonly plots?: readonly string[];
  readonly outDir?: string | null;
  /** A forecast after the data's last row, to show in the report (`train --future`). */
  readonly future?: FutureForecast;
  /** The validation search's result, when the forecaster came from recommend(). */
  readonly recommendation?: Recommendation;
}

/** The report document of a scored forecaster. */
export function buildReport(r: ReportInput): ReportDocument {
  const f = r.forecaster;
  const e = r.evaluation;
  const target = r.target ?? f.config.target[0];
  return {
    title: r.title,
    ...(r.pipeline !== undefined ? { pipeline: r.pipeline } : {}),
    data: dataSummary(r.source, r.series, target),
    config: { ...f.config, columns: f.columns },
    split: f.fitInfo === null ? null : { ...f.fitInfo },
    metrics: {
      model: e.metrics.model,
      baselines: plainNames(e.metrics.baselines),
      byHorizon: e.horizons.map((h) => ({
        horizon: h.horizon,
        points: h.points,
        model: h.model,
        baselines: plainNames(h.baselines),
      })),
    },
    losesAtHorizons: e.losses.map((l) => ({ ...l, baseline: baselineKey(l.baseline) })),
    origins: e.origins,
    baselineModels: plainNames(e.baselineModels),
    verdict: e.verdict,
    comparison: e.comparison.summary,
    forecastAhead: forecastAhead(f, r.future),
    warnings: e.warnings.map((w) => w.message),
    timings: r.timings,
    training: trainingSummary(f.history),
    plots: r.plots ?? [],
    outDir: r.outDir ?? null,
    ...(r.recommendation !== undefined ? { recommended: recommendedSummary(r.recommendation) } : {}),
  };
}

function forecastAhead(f: Forecaster, future: FutureForecast | undefined): ForecastAhead {
  const rec = f.recursion();
  return {
    trainedHorizon: rec.horizon,
    recursive: rec.allowed,
    reason: rec.reason,
    calendar: f.config.calendar,
    knownFuture: f.config.knownFuture,
    forecast:
      future === undefined
        ? null
        : { labels: future.labels, values: Array.from(future.values), method: future.method },
  };
}

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

/** Baseline names for JSON: `seasonalNaive(12)` → `seasonalNaive`. */
function baselineKey(name: string): string {
  return name.replace(/\(.*\)$/, '');
}

function plainNames<T>(byName: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(byName).map(([k, v]) => [baselineKey(k), v]));
}

function trainingSummary(h: History | null): TrainingSummary | null {
  if (h === null || h.epoch.length === 0) return null;
  return {
    epochs: h.epoch.map((epoch, i) => ({
      epoch: epoch + 1,
      loss: h.history.loss[i],
      valLoss: h.history.val_loss?.[i] ?? null,
      gradMin: h.gradientNorm[i].min,
      gradMedian: h.gradientNorm[i].median,
      gradMax: h.gradientNorm[i].max,
      clipped: h.clippedFraction[i],
    })),
    stop: h.stop?.message ?? null,
  };
}
