/**
 * Scoring a model's forecasts of the test part in original units, at every horizon, beside the baselines
 * fitted on the same training rows, with a verdict and warnings.
 *
 * An origin is a test row t: the model reads the window that ends at row t − 1 and forecasts rows
 * t … t + H − 1 (horizon h = 1 … H; with a transform, the path is rebuilt from level t − 1). Every baseline
 * forecasts the same rows from the same history y_0 … y_{t−1}. The origins scored are those whose whole
 * path lies in the data (t ≤ L − H) and touches no missing value — neither in the model's window, nor in
 * the targets, nor in what a baseline reads (a masked gap). Then:
 *
 *     at horizon h:  the errors of the pairs (t, t + h − 1) over the scored origins
 *     overall:       the errors of every horizon pooled, so RMSE² = the mean over h of RMSE_h²
 *
 * With H = 1 this is the one-step score of every test row. MASE divides by the in-sample seasonal-naive MAE
 * of the training part (pairs with a missing value left out). `labels`, `actual` and `forecast` hold the
 * one-step forecasts (h = 1) of every row that has one, for the plots and the lag check.
 */
import { SeqcastError } from '../errors.js';
import type { Baseline } from '../baselines/baselines.js';
import type { ScoreSet } from '../metrics/metrics.js';
import { maskedNaiveScale, scoreScaled } from '../metrics/metrics.js';
import type { BaselineComparison } from '../metrics/verdict.js';
import { compareToBaselines } from '../metrics/verdict.js';
import type { FloatArray } from '../tensor.js';
import type { Warning } from './guards.js';
import { extrapolationWarning, lagWarning } from './guards.js';
import { canPredict, forecastBaselines } from './baseline-set.js';
import type { FittedPipeline, PreparedInput, TestWindows } from './prepare.js';

/** The scores at one horizon h: the h-step forecasts from every scored origin. */
export interface HorizonScores {
  readonly horizon: number;
  /** Forecast points scored at this horizon (one per scored origin). */
  readonly points: number;
  readonly model: ScoreSet;
  /** By the baselines' full names ('seasonalNaive(12)'). */
  readonly baselines: Readonly<Record<string, ScoreSet>>;
  /** The baseline with the lowest RMSE at this horizon. */
  readonly bestBaseline: string;
}

/** A horizon at which the model's RMSE is above the best baseline's there. */
export interface HorizonLoss {
  readonly horizon: number;
  readonly baseline: string;
  readonly modelRmse: number;
  readonly baselineRmse: number;
}

export interface Evaluation {
  /** Labels (dates) of the rows with a one-step forecast. */
  readonly labels: readonly string[];
  readonly actual: Float64Array;
  /** The model's one-step forecasts, in original units. */
  readonly forecast: Float64Array;
  /** Each baseline's one-step forecasts of the same rows. */
  readonly baselineForecasts: Readonly<Record<string, Float64Array>>;
  /** What a fitted baseline is, for those whose name does not say it all (autoETS: the model chosen). */
  readonly baselineModels: Readonly<Record<string, string>>;
  /** Overall scores: every horizon pooled over the scored origins (with horizon 1: the one-step scores). */
  readonly metrics: { readonly model: ScoreSet; readonly baselines: Readonly<Record<string, ScoreSet>> };
  /** The scores at each horizon 1 … H. */
  readonly horizons: readonly HorizonScores[];
  /** The horizons at which the model loses to the best baseline there (empty with horizon 1). */
  readonly losses: readonly HorizonLoss[];
  /** How many origins were scored, and how many were left out because they touch a missing value. */
  readonly origins: { readonly scored: number; readonly masked: number };
  /** Overall, against naive and the best baseline; its summary adds the horizons the model loses at. */
  readonly comparison: BaselineComparison;
  /** e.g. "beats naive by 5.1 % RMSE" (overall). */
  readonly verdict: string;
  readonly warnings: readonly Warning[];
  /** With horizon > 1: RMSE per step ahead, the model's and naive's (kept for the playground). */
  readonly byHorizon: readonly { readonly step: number; readonly rmse: number; readonly naiveRmse: number }[];
  /** Every forecast path of the scored origins, in original units (what combinations and intervals use). */
  readonly paths: EvaluationPaths;
}

/** The H-step paths from the scored origins, each [origins, H] row-major, in original units. */
export interface EvaluationPaths {
  /** The first forecast level row of each scored origin (an index into the series evaluated). */
  readonly origins: Int32Array;
  readonly horizon: number;
  readonly actual: Float64Array;
  readonly model: Float64Array;
  readonly baselines: Readonly<Record<string, Float64Array>>;
  /** MASE's scale: the in-sample seasonal-naive MAE of the training part. */
  readonly scale: number;
}

/** Scaled values of target k back to transformed units. */
export function unscale(pipeline: FittedPipeline, values: ArrayLike<number>, k: number): Float64Array {
  return pipeline.scaler === null ? Float64Array.from(values) : pipeline.scaler.inverseColumn(values, k);
}

/** Makes the baselines every score is shown beside, for season length m. */
export type BaselineFactory = (m: number) => Baseline[];

/**
 * Scores `out`, the model's predictions for the test windows ([N, horizon · targets], step-major, scaled),
 * for target k. `baselines` makes the baselines (default: forecastBaselines).
 */
export function scoreEvaluation(
  pipeline: FittedPipeline,
  input: PreparedInput,
  test: TestWindows,
  out: FloatArray,
  k: number,
  baselines: BaselineFactory = forecastBaselines,
): Evaluation {
  const { config: cfg, transform } = pipeline;
  const { levels, labels, scaled } = input;
  const { testStart, rows: N, known } = test;
  const lag = transform.lag;
  const C = pipeline.columns.length;
  const H = cfg.horizon;
  const K = cfg.target.length;
  const m = cfg.seasonalPeriod;
  const level = levels[k];
  const L = level.length;

  // the model's path from every origin, in original units
  const paths = new Float64Array(N * H);
  const z = new Float64Array(H);
  for (let i = 0; i < N; i++) {
    if (known[i] === 0) {
      paths.fill(Number.NaN, i * H, (i + 1) * H);
      continue;
    }
    for (let h = 0; h < H; h++) z[h] = out[(i * H + h) * K + k];
    const path = transform.inversePath(unscale(pipeline, z, k), level[testStart + i - 1]);
    const bad = path.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0 && Number.isFinite(level[testStart + i - 1])) {
      throw nonFinite('evaluate()', path[bad], labels[testStart + i + bad] ?? 'a future row', N);
    }
    paths.set(path, i * H);
  }

  const train = level.subarray(0, testStart);
  const scale = maskedNaiveScale(train, m);
  const origins = Int32Array.from({ length: N }, (_, i) => testStart + i);
  const baselinePaths: Record<string, Float64Array> = {};
  const unfitted: string[] = [];
  const fitted: Baseline[] = [];
  for (const b of baselines(m)) {
    if (!canPredict(b, testStart, m)) continue;
    try {
      b.fit(train);
    } catch (err) {
      // naive is the verdict's reference: its errors are the caller's; another baseline is left out, said so
      if (b.name === 'naive') throw err;
      unfitted.push(`${b.name} (${err instanceof Error ? err.message : String(err)})`);
      continue;
    }
    fitted.push(b);
    baselinePaths[b.name] = b.predict(level, origins, H);
  }
  const names = fitted.map((b) => b.name);
  const baselineModels: Record<string, string> = {};
  for (const b of fitted) if (b.describe !== undefined) baselineModels[b.name] = b.describe();

  // an origin's h-step pair is usable when the target, the model's path and every baseline's are known
  const usable = (i: number, h: number): boolean => {
    const t = testStart + i + h - 1;
    if (t >= L || Number.isNaN(level[t]) || Number.isNaN(paths[i * H + h - 1])) return false;
    return names.every((n) => !Number.isNaN(baselinePaths[n][i * H + h - 1]));
  };

  // one-step forecasts of every row that has one (the plots, the lag check)
  const oneStep: number[] = [];
  for (let i = 0; i < N; i++) if (usable(i, 1)) oneStep.push(i);
  if (oneStep.length === 0) {
    throw new SeqcastError(
      'non-finite',
      `evaluate(): every test row touches a missing value (a masked gap), so none can be scored; fill the gaps (interpolate, ffill)`,
    );
  }
  const actual = Float64Array.from(oneStep, (i) => level[testStart + i]);
  const forecast = Float64Array.from(oneStep, (i) => paths[i * H]);
  const previous = Float64Array.from(oneStep, (i) => level[testStart + i - 1]);
  const baselineForecasts: Record<string, Float64Array> = {};
  for (const n of names) baselineForecasts[n] = Float64Array.from(oneStep, (i) => baselinePaths[n][i * H]);

  // the scored origins: a whole path inside the data, every step usable
  const scored: number[] = [];
  let masked = 0;
  for (let i = 0; i + H - 1 < N; i++) {
    let ok = true;
    for (let h = 1; h <= H && ok; h++) ok = usable(i, h);
    if (ok) scored.push(i);
    else masked += 1;
  }
  if (scored.length === 0) {
    throw new SeqcastError(
      'config',
      `evaluate(): no origin of the test part (${labels[testStart]} on) has all ${H} horizons inside the data ` +
        `and clear of missing values; give a longer test part or a shorter horizon`,
    );
  }
  const pick = (source: Float64Array, h: number): Float64Array =>
    Float64Array.from(scored, (i) => source[i * H + h - 1]);
  const actualPaths = new Float64Array(N * H).fill(Number.NaN);
  for (const i of scored) for (let h = 0; h < H; h++) actualPaths[i * H + h] = level[testStart + i + h];
  const horizons: HorizonScores[] = [];
  for (let h = 1; h <= H; h++) {
    const a = pick(actualPaths, h);
    const bs: Record<string, ScoreSet> = {};
    for (const n of names) bs[n] = scoreScaled(a, pick(baselinePaths[n], h), scale);
    horizons.push({
      horizon: h,
      points: scored.length,
      model: scoreScaled(a, pick(paths, h), scale),
      baselines: bs,
      bestBaseline: bestOf(bs),
    });
  }
  const pooled = (source: Float64Array): Float64Array => {
    const v = new Float64Array(scored.length * H);
    scored.forEach((i, j) => v.set(source.subarray(i * H, (i + 1) * H), j * H));
    return v;
  };
  const all = pooled(actualPaths);
  const scoredPaths: EvaluationPaths = {
    origins: Int32Array.from(scored, (i) => testStart + i),
    horizon: H,
    actual: all,
    model: pooled(paths),
    baselines: Object.fromEntries(names.map((n) => [n, pooled(baselinePaths[n])])),
    scale,
  };
  const scores = scoreScaled(all, pooled(paths), scale);
  const baselineScores: Record<string, ScoreSet> = {};
  for (const n of names) baselineScores[n] = scoreScaled(all, pooled(baselinePaths[n]), scale);
  const overall = compareToBaselines(scores, baselineScores);
  const losses: HorizonLoss[] =
    H === 1
      ? []
      : horizons
          .filter((s) => s.model.rmse > s.baselines[s.bestBaseline].rmse)
          .map((s) => ({
            horizon: s.horizon,
            baseline: s.bestBaseline,
            modelRmse: s.model.rmse,
            baselineRmse: s.baselines[s.bestBaseline].rmse,
          }));
  const comparison: BaselineComparison =
    H === 1 ? overall : { ...overall, summary: `${overall.summary}; ${horizonSentence(H, losses)}` };

  const warnings: Warning[] = [];
  const ex = extrapolationWarning(
    scaled.subarray(0, (testStart - lag) * C),
    scaled.subarray((testStart - lag) * C),
    cfg.transform,
  );
  if (ex !== null) warnings.push(ex);
  const lw = lagWarning(actual, forecast, previous);
  if (lw !== null) warnings.push(lw);
  if (scores.mase === null) {
    warnings.push({
      kind: 'unscored',
      message:
        `MASE is not given: the training part repeats itself exactly at lag ${m} (seasonal naive makes no error ` +
        `there), so the scale MASE divides by is 0; RMSE and MAE are the scores to read`,
    });
  }
  if (unfitted.length > 0) {
    warnings.push({
      kind: 'unscored',
      message: `left out of the baselines because they could not be fitted: ${unfitted.join('; ')}`,
    });
  }
  if (masked > 0) {
    warnings.push({
      kind: 'unscored',
      message: `${masked} of the ${N - H + 1} test origins were left out because their window, their targets or a baseline's inputs touch a missing value (a masked gap)`,
    });
  }
  return {
    labels: oneStep.map((i) => labels[testStart + i]),
    actual,
    forecast,
    baselineForecasts,
    baselineModels,
    metrics: { model: scores, baselines: baselineScores },
    horizons,
    losses,
    origins: { scored: scored.length, masked },
    comparison,
    verdict: comparison.versusNaive,
    warnings,
    byHorizon:
      H === 1
        ? []
        : horizons.map((s) => ({
            step: s.horizon,
            rmse: s.model.rmse,
            naiveRmse: s.baselines['naive'].rmse,
          })),
    paths: scoredPaths,
  };
}

/** The baseline with the lowest RMSE (the first listed, on a tie). */
function bestOf(scores: Readonly<Record<string, ScoreSet>>): string {
  const names = Object.keys(scores);
  let best = names[0];
  for (const n of names) if (scores[n].rmse < scores[best].rmse) best = n;
  return best;
}

/** "at every horizon 1–7 it beats the best baseline there", or the horizons where it loses, and to what. */
export function horizonSentence(H: number, losses: readonly HorizonLoss[]): string {
  if (losses.length === 0) return `at every horizon 1–${H} it beats the best baseline there`;
  const by = new Map<string, number[]>();
  for (const l of losses) by.set(l.baseline, [...(by.get(l.baseline) ?? []), l.horizon]);
  const parts = [...by].map(([name, hs]) => `${name} at ${hs.join(', ')}`);
  return (
    `it loses at horizon${losses.length === 1 ? '' : 's'} ${losses.map((l) => l.horizon).join(', ')} of 1–${H} ` +
    `(to ${parts.join('; ')})`
  );
}

/** A forecast that is not a finite number: the model (its weights, or training that diverged) is at fault. */
export function nonFinite(
  what: string,
  value: number,
  label: string | undefined,
  count: number,
): SeqcastError {
  return new SeqcastError(
    'non-finite',
    `${what}: the model forecasts ${value} for ${label ?? 'a row'} (one of ${count}); its weights produce ` +
      `non-finite values, so it diverged in training or its weights file is damaged — retrain it (a lower ` +
      `learning rate, or clipnorm), or restore the model`,
  );
}
