/**
 * Scoring a model's one-step forecasts in original units: beside the baselines fitted on the same training
 * rows, with a verdict, warnings and (with horizon > 1) the error per step ahead.
 */
import { SeqcastError } from '../errors.js';
import { defaultBaselines } from '../baselines/baselines.js';
import type { ScoreSet } from '../metrics/metrics.js';
import { rmse, scoreAll } from '../metrics/metrics.js';
import type { BaselineComparison } from '../metrics/verdict.js';
import { compareToBaselines } from '../metrics/verdict.js';
import type { FloatArray } from '../tensor.js';
import type { Warning } from './guards.js';
import { extrapolationWarning, lagWarning } from './guards.js';
import { canPredict } from './pipeline.js';
import type { FittedPipeline, PreparedInput, TestWindows } from './prepare.js';

export interface Evaluation {
  /** Labels (dates) of the scored rows. */
  readonly labels: readonly string[];
  readonly actual: Float64Array;
  /** The model's one-step forecasts, in original units. */
  readonly forecast: Float64Array;
  /** Each baseline's one-step forecasts. */
  readonly baselineForecasts: Readonly<Record<string, Float64Array>>;
  readonly metrics: { readonly model: ScoreSet; readonly baselines: Readonly<Record<string, ScoreSet>> };
  readonly comparison: BaselineComparison;
  /** e.g. "beats naive by 5.1 % RMSE". */
  readonly verdict: string;
  readonly warnings: readonly Warning[];
  /** With horizon > 1: RMSE per step ahead, the model's and naive's. */
  readonly byHorizon: readonly { readonly step: number; readonly rmse: number; readonly naiveRmse: number }[];
}

/** Scaled values of target k back to transformed units. */
export function unscale(pipeline: FittedPipeline, values: ArrayLike<number>, k: number): Float64Array {
  return pipeline.scaler === null ? Float64Array.from(values) : pipeline.scaler.inverseColumn(values, k);
}

/**
 * Scores `out`, the model's predictions for the test windows ([N, horizon · targets], step-major, scaled),
 * for target k.
 */
export function scoreEvaluation(
  pipeline: FittedPipeline,
  input: PreparedInput,
  test: TestWindows,
  out: FloatArray,
  k: number,
): Evaluation {
  const { config: cfg, transform } = pipeline;
  const { levels, labels, scaled } = input;
  const { testStart, rows: N } = test;
  const lag = transform.lag;
  const C = pipeline.columns.length;
  const H = cfg.horizon;
  const K = cfg.target.length;
  const level = levels[k];
  const at = (i: number, h: number): number => out[(i * H + h) * K + k];
  const rows = Int32Array.from({ length: N }, (_, i) => testStart + i);
  const previous = Float64Array.from(rows, (t) => level[t - 1]);
  const actual = Float64Array.from(rows, (t) => level[t]);
  const first = unscale(
    pipeline,
    Float64Array.from({ length: N }, (_, i) => at(i, 0)),
    k,
  );
  const forecast = transform.inverseEach(first, previous);
  const bad = forecast.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw nonFinite('evaluate()', forecast[bad], labels[rows[bad]], N);

  const train = level.subarray(0, testStart);
  const m = cfg.seasonalPeriod;
  const baselines = defaultBaselines(m).filter((b) => canPredict(b, testStart, m));
  const baselineForecasts: Record<string, Float64Array> = {};
  const baselineScores: Record<string, ScoreSet> = {};
  for (const b of baselines) {
    b.fit(train);
    const p = b.predict(level, rows, 1);
    baselineForecasts[b.name] = p;
    baselineScores[b.name] = scoreAll(actual, p, train, m);
  }
  const scores = scoreAll(actual, forecast, train, m);
  const comparison = compareToBaselines(scores, baselineScores);

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

  const byHorizon: { step: number; rmse: number; naiveRmse: number }[] = [];
  if (H > 1) {
    for (let h = 1; h <= H; h++) {
      const a: number[] = [];
      const f: number[] = [];
      const n: number[] = [];
      for (let i = 0; i + h - 1 < N; i++) {
        const path = transform.inversePath(
          unscale(
            pipeline,
            Array.from({ length: H }, (_, j) => at(i, j)),
            k,
          ),
          level[rows[i] - 1],
        );
        a.push(level[rows[i] + h - 1]);
        f.push(path[h - 1]);
        n.push(level[rows[i] - 1]);
      }
      byHorizon.push({ step: h, rmse: rmse(a, f), naiveRmse: rmse(a, n) });
    }
  }
  return {
    labels: Array.from(rows, (t) => labels[t]),
    actual,
    forecast,
    baselineForecasts,
    metrics: { model: scores, baselines: baselineScores },
    comparison,
    verdict: comparison.versusNaive,
    warnings,
    byHorizon,
  };
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
