/**
 * Forecast accuracy metrics: pure functions over `actual` a and `forecast` f of the same length n ≥ 1, all in
 * the series' original units unless a doc comment says percent. Every value must be finite; a mismatch in
 * length, an empty input or a non-finite value is a SeqcastError that names the argument and the index.
 *
 * Two traps are closed on purpose:
 * - MAPE is undefined where a = 0. It throws there by default instead of silently averaging over the other
 *   points; `{ zeros: 'skip' }` leaves those points out and `mapeReport` says how many.
 * - MASE is scaled by the in-sample error of the seasonal naive forecast on the TRAINING series, never on the
 *   test series it is evaluating.
 */
import { SeqcastError } from '../errors.js';

/** What MAPE does where the actual value is exactly 0: throw (default) or leave the point out. */
export interface MapeOptions {
  readonly zeros?: 'error' | 'skip';
}

/** MAPE with the number of points left out because their actual value was 0. */
export interface MapeReport {
  /** MAPE in percent over the kept points; null when every point was skipped. */
  readonly value: number | null;
  readonly skipped: number;
}

/** All metrics of one forecast, as `scoreAll` returns them. */
export interface ScoreSet {
  readonly rmse: number;
  readonly mae: number;
  /** MAPE in percent over the points whose actual value is not 0; null when all of them are 0. */
  readonly mape: number | null;
  /** How many points MAPE left out because their actual value was 0. */
  readonly mapeSkipped: number;
  readonly smape: number;
  /** null when the training part repeats itself exactly at lag m, so MASE's scale is 0 (see mase()). */
  readonly mase: number | null;
}

/** Throws unless `values` is non-empty and every entry is finite. */
function checkFinite(fn: string, arg: string, values: ArrayLike<number>): void {
  if (values.length === 0) {
    throw new SeqcastError('shape', `${fn}: ${arg} is empty; pass at least one value`);
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new SeqcastError(
        'non-finite',
        `${fn}: ${arg}[${i}] is ${values[i]}; every value must be a finite number (drop or fill missing points first)`,
      );
    }
  }
}

/** Throws unless actual and forecast have the same length ≥ 1 and hold only finite numbers. */
function checkPair(fn: string, actual: ArrayLike<number>, forecast: ArrayLike<number>): void {
  if (actual.length !== forecast.length) {
    throw new SeqcastError(
      'shape',
      `${fn}: actual and forecast must have the same length (got ${actual.length} and ${forecast.length}); ` +
        `pass one forecast per actual value`,
    );
  }
  checkFinite(fn, 'actual', actual);
  checkFinite(fn, 'forecast', forecast);
}

/** Root mean squared error: sqrt( 1/n Σ (a_i − f_i)² ). */
export function rmse(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  checkPair('rmse()', actual, forecast);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = actual[i] - forecast[i];
    sum += e * e;
  }
  return Math.sqrt(sum / actual.length);
}

/** Mean absolute error: 1/n Σ |a_i − f_i|. */
export function mae(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  checkPair('mae()', actual, forecast);
  return meanAbsError(actual, forecast);
}

function meanAbsError(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i] - forecast[i]);
  return sum / actual.length;
}

function mapeCore(
  fn: string,
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  options: MapeOptions,
): MapeReport {
  checkPair(fn, actual, forecast);
  const zeros = options.zeros ?? 'error';
  if (zeros !== 'error' && zeros !== 'skip') {
    throw new SeqcastError('config', `${fn}: zeros must be 'error' or 'skip' (got ${JSON.stringify(zeros)})`);
  }
  let sum = 0;
  let kept = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    if (a === 0) {
      if (zeros === 'error') {
        throw new SeqcastError(
          'config',
          `${fn}: actual[${i}] is 0, where the percentage error is undefined; use smape() or mase() for ` +
            `series that reach 0, or pass { zeros: 'skip' } to leave such points out`,
        );
      }
      continue;
    }
    sum += Math.abs((a - forecast[i]) / a);
    kept++;
  }
  return { value: kept === 0 ? null : (100 * sum) / kept, skipped: actual.length - kept };
}

/**
 * Mean absolute percentage error, in percent: 100/n Σ |a_i − f_i| / |a_i|.
 *
 * Undefined where a_i = 0. By default (`zeros: 'error'`) such a point throws, naming its index; with
 * `zeros: 'skip'` those points are left out and n counts only the rest (see `mapeReport` for how many were
 * left out). If every point is skipped this throws too, because there is nothing to average.
 */
export function mape(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  options: MapeOptions = {},
): number {
  const r = mapeCore('mape()', actual, forecast, options);
  if (r.value === null) {
    throw new SeqcastError(
      'config',
      `mape(): every actual value is 0, so no point is left to average; use smape() or mase() instead`,
    );
  }
  return r.value;
}

/**
 * MAPE in percent, as `mape`, together with how many points were skipped because a_i = 0. `value` is null
 * when every point was skipped. With the default `zeros: 'error'` a zero still throws.
 */
export function mapeReport(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  options: MapeOptions = {},
): MapeReport {
  return mapeCore('mapeReport()', actual, forecast, options);
}

/**
 * Symmetric MAPE, in percent, between 0 and 200: 200/n Σ |f_i − a_i| / (|a_i| + |f_i|).
 *
 * A term with a_i = f_i = 0 is 0/0; it counts as 0 (the forecast is exact there) and still counts in n.
 */
export function smape(actual: ArrayLike<number>, forecast: ArrayLike<number>): number {
  checkPair('smape()', actual, forecast);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const denominator = Math.abs(actual[i]) + Math.abs(forecast[i]);
    if (denominator !== 0) sum += Math.abs(forecast[i] - actual[i]) / denominator;
  }
  return (200 * sum) / actual.length;
}

/**
 * In-sample MAE of the seasonal naive forecast on the training series y (length L):
 * 1/(L − m) Σ_{t=m}^{L−1} |y_t − y_{t−m}|. This is MASE's denominator.
 */
function seasonalNaiveScale(fn: string, train: ArrayLike<number>, m: number): number {
  if (!Number.isInteger(m) || m < 1) {
    throw new SeqcastError(
      'config',
      `${fn}: m must be an integer ≥ 1, the seasonal period (1 for non-seasonal data) (got ${m})`,
    );
  }
  checkFinite(fn, 'train', train);
  if (train.length < m + 1) {
    throw new SeqcastError(
      'shape',
      `${fn}: train has ${train.length} values but the seasonal naive scale with m = ${m} needs at least ` +
        `m + 1 = ${m + 1}; pass the whole training series, or a smaller m`,
    );
  }
  let sum = 0;
  for (let t = m; t < train.length; t++) sum += Math.abs(train[t] - train[t - m]);
  return sum / (train.length - m);
}

/**
 * Mean absolute scaled error: MAE(actual, forecast) / scale, where
 * scale = 1/(L − m) Σ_{t=m}^{L−1} |train_t − train_{t−m}| is the in-sample MAE of the seasonal naive forecast
 * (period m; m = 1 is the plain naive forecast) on the TRAINING series of length L, never the test series.
 * Below 1: better than that in-sample naive forecast.
 *
 * Throws if train is shorter than m + 1, or if the scale is 0 (train repeats itself exactly at lag m, so
 * every forecast would be divided by zero).
 */
export function mase(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  train: ArrayLike<number>,
  m = 1,
): number {
  checkPair('mase()', actual, forecast);
  const scale = seasonalNaiveScale('mase()', train, m);
  if (scale === 0) {
    throw new SeqcastError(
      'config',
      `mase(): the scale is 0 because train repeats itself exactly at lag m = ${m} (every |train_t − ` +
        `train_{t−m}| is 0), so MASE would divide by zero; use mae() or rmse() for this series`,
    );
  }
  return meanAbsError(actual, forecast) / scale;
}

/**
 * Skill score of a model against a baseline on any error metric (lower is better): 1 − model / baseline.
 * 0 = as good as the baseline, 1 = perfect, negative = worse than the baseline.
 */
export function skill(modelScore: number, baselineScore: number): number {
  if (!Number.isFinite(modelScore)) {
    throw new SeqcastError('non-finite', `skill(): modelScore must be a finite number (got ${modelScore})`);
  }
  if (!Number.isFinite(baselineScore) || baselineScore === 0) {
    throw new SeqcastError(
      baselineScore === 0 ? 'config' : 'non-finite',
      `skill(): baselineScore must be a finite number other than 0 (got ${baselineScore}); a baseline with ` +
        `zero error leaves nothing to compare a model against`,
    );
  }
  return 1 - modelScore / baselineScore;
}

/**
 * Every metric of one forecast at once: RMSE, MAE, MAPE (points with actual = 0 skipped and counted in
 * `mapeSkipped`; null when all are skipped), sMAPE and MASE (scaled on `train` with period m).
 */
export function scoreAll(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  train: ArrayLike<number>,
  m = 1,
): ScoreSet {
  const mapeResult = mapeCore('scoreAll()', actual, forecast, { zeros: 'skip' });
  return {
    rmse: rmse(actual, forecast),
    mae: mae(actual, forecast),
    mape: mapeResult.value,
    mapeSkipped: mapeResult.skipped,
    smape: smape(actual, forecast),
    mase: seasonalNaiveScale('scoreAll()', train, m) === 0 ? null : mase(actual, forecast, train, m),
  };
}

/**
 * MASE's scale for a training series that may hold missing values (NaN, a masked gap):
 * the mean of |y_t − y_{t−m}| over the pairs t = m … L−1 where both are known. 0 when every known pair
 * repeats itself exactly; NaN when no pair is known.
 */
export function maskedNaiveScale(train: ArrayLike<number>, m = 1): number {
  if (!Number.isInteger(m) || m < 1) {
    throw new SeqcastError(
      'config',
      `maskedNaiveScale(): m must be an integer ≥ 1, the seasonal period (got ${m})`,
    );
  }
  let sum = 0;
  let pairs = 0;
  for (let t = m; t < train.length; t++) {
    const d = Math.abs(train[t] - train[t - m]);
    if (Number.isNaN(d)) continue;
    sum += d;
    pairs += 1;
  }
  return pairs === 0 ? Number.NaN : sum / pairs;
}

/**
 * Every metric of one forecast (as `scoreAll`) with MASE's scale given: MASE = MAE / scale, null when the
 * scale is 0 or not a number (see `maskedNaiveScale`).
 */
export function scoreScaled(actual: ArrayLike<number>, forecast: ArrayLike<number>, scale: number): ScoreSet {
  const mapeResult = mapeCore('scoreScaled()', actual, forecast, { zeros: 'skip' });
  const absolute = mae(actual, forecast);
  return {
    rmse: rmse(actual, forecast),
    mae: absolute,
    mape: mapeResult.value,
    mapeSkipped: mapeResult.skipped,
    smape: smape(actual, forecast),
    mase: scale > 0 ? absolute / scale : null,
  };
}
