/**
 * Forecast combinations: a weighted mean of two forecast paths, ŷ = w · ŷ_network + (1 − w) · ŷ_baseline.
 * seqcast's recommended pipeline uses the equal-weight mean (w = 1/2) of the best network and the best
 * baseline on the validation part: simple averages are hard to beat (the M4 competition's lesson, where
 * combinations took most of the top places; Makridakis et al. 2020), and a weight fitted on a short
 * validation part mostly fits its noise.
 */
import { SeqcastError } from '../errors.js';
import type { ScoreSet } from '../metrics/metrics.js';
import { scoreScaled } from '../metrics/metrics.js';

/** The weight of the network in the recommended combination. */
export const COMBINATION_WEIGHT = 0.5;

/** w · a + (1 − w) · b elementwise (NaN where either is NaN). */
export function combinePaths(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  w = COMBINATION_WEIGHT,
): Float64Array {
  if (a.length !== b.length) {
    throw new SeqcastError(
      'shape',
      `combinePaths(): the paths differ in length (${a.length} and ${b.length})`,
    );
  }
  if (!(w >= 0 && w <= 1)) {
    throw new SeqcastError('config', `combinePaths(): the weight must be in [0, 1] (got ${w})`);
  }
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = w * a[i] + (1 - w) * b[i];
  return out;
}

/** Scores of paths [origins, H] row-major: overall (every point pooled) and at each horizon h = 1 … H. */
export function pathScores(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  horizon: number,
  scale: number,
): { readonly overall: ScoreSet; readonly horizons: readonly ScoreSet[] } {
  const rows = actual.length / horizon;
  const horizons: ScoreSet[] = [];
  for (let h = 0; h < horizon; h++) {
    const a = Float64Array.from({ length: rows }, (_, i) => actual[i * horizon + h]);
    const f = Float64Array.from({ length: rows }, (_, i) => forecast[i * horizon + h]);
    horizons.push(scoreScaled(a, f, scale));
  }
  return { overall: scoreScaled(actual, forecast, scale), horizons };
}
