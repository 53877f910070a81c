/**
 * The checks seqcast makes on every evaluation, because the tutorials' pipelines fall into them silently.
 *
 * - Extrapolation: the model only saw scaled training inputs within [lo, hi]; test inputs far outside that
 *   range ask it to extrapolate, which recurrent nets do badly (on the tutorial's S&P split the test data
 *   reach about 4.8 on the 0–1 training scale).
 * - Lag: a forecast that matches the PREVIOUS actual value better than the actual, and does no better than
 *   the naive baseline, is a shifted copy of the series — it looks good on a plot and adds nothing. (A
 *   forecast of changes always sits near the previous value; that alone is no fault when it beats naive.)
 * (Leakage cannot happen: scalers only fit on a Split's training rows, and transforms fit nothing.)
 */
import { rmse } from '../metrics/metrics.js';

export interface Warning {
  readonly kind: 'extrapolation' | 'lag' | 'unscored' | 'validation';
  readonly message: string;
}

/** Warns when test inputs leave the training range by more than 25 % of its width. */
export function extrapolationWarning(
  trainScaled: ArrayLike<number>,
  testScaled: ArrayLike<number>,
  transform: string,
): Warning | null {
  let lo = Infinity;
  let hi = -Infinity;
  // missing values (masked gaps) are NaN: left out
  for (let i = 0; i < trainScaled.length; i++) {
    if (Number.isNaN(trainScaled[i])) continue;
    lo = Math.min(lo, trainScaled[i]);
    hi = Math.max(hi, trainScaled[i]);
  }
  let tlo = Infinity;
  let thi = -Infinity;
  for (let i = 0; i < testScaled.length; i++) {
    if (Number.isNaN(testScaled[i])) continue;
    tlo = Math.min(tlo, testScaled[i]);
    thi = Math.max(thi, testScaled[i]);
  }
  const width = hi - lo || 1;
  const above = (thi - hi) / width;
  const below = (lo - tlo) / width;
  if (above <= 0.25 && below <= 0.25) return null;
  const far = above >= below ? `reach ${fmt(thi)}` : `fall to ${fmt(tlo)}`;
  const advice =
    transform === 'none' || transform === 'log'
      ? "; forecast changes instead of levels (transform 'logDiff' or 'diff') so the test data look like the training data"
      : '';
  return {
    kind: 'extrapolation',
    message:
      `the scaled test data ${far} while the training data span ${fmt(lo)} .. ${fmt(hi)}: ` +
      `the model has to extrapolate, which recurrent networks do badly${advice}`,
  };
}

/**
 * Warns when the one-step forecast is closer to the previous actual value than to the actual value and no
 * better than naive (whose forecast IS the previous value). actual[i] is the value at the forecast's date,
 * previous[i] the one before it.
 */
export function lagWarning(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  previous: ArrayLike<number>,
): Warning | null {
  const toActual = rmse(actual, forecast);
  const toPrevious = rmse(previous, forecast);
  if (!(toPrevious < toActual) || toActual < rmse(actual, previous)) return null;
  return {
    kind: 'lag',
    message:
      `the forecast is closer to the previous value (RMSE ${fmt(toPrevious)}) than to the actual one ` +
      `(RMSE ${fmt(toActual)}) and no better than the naive forecast: it is mostly a shifted copy of the series, ` +
      `which a plot hides`,
  };
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toPrecision(3);
}
