/**
 * Split-conformal prediction intervals, their empirical coverage and the interval score, as pure functions.
 *
 * Calibration: n residuals e_i = y_i − ŷ_i of forecasts the model did NOT train on (seqcast uses the
 * validation part: the chosen pipeline fitted on the training part minus its last rows, forecasting those
 * rows), taken separately at each horizon h. The nonconformity score is |e_i|. For a miscoverage α
 * (level 1 − α), the conformal quantile is the k-th smallest score,
 *
 *     k = ⌈(n + 1)(1 − α)⌉          q̂ = |e|_(k)      (q̂ = +∞ when k > n: too few residuals for that level)
 *
 * and the interval of a new forecast ŷ is [ŷ − q̂, ŷ + q̂]. When the new error is exchangeable with the
 * calibration errors, P(y ∈ [ŷ − q̂, ŷ + q̂]) ≥ 1 − α, and ≤ 1 − α + 1/(n + 1) without ties (Vovk et al. 2005;
 * Angelopoulos & Bates 2021, "A gentle introduction to conformal prediction", eq. 1).
 *
 * On a positive series modelled in logarithms (transform log or logDiff) the errors grow with the level, so the
 * score is taken on the log scale instead — e_i = log y_i − log ŷ_i, interval [ŷ·e^(−q̂), ŷ·e^(q̂)] — which
 * keeps the same guarantee (any score function does) and gives bands that widen with the level.
 *
 * The interval score of a central (1 − α) interval [l, u] for an outcome y (Gneiting & Raftery 2007, eq. 43),
 * lower is better, in the units of y:
 *
 *     IS_α(l, u; y) = (u − l) + (2/α)(l − y)·[y < l] + (2/α)(y − u)·[y > u]
 */
import { SeqcastError } from '../errors.js';

/** The default interval levels: 80 % and 95 %. */
export const DEFAULT_LEVELS: readonly number[] = [0.8, 0.95];

/** Checks interval levels: each in (0, 1), no repeats. Returns them sorted. */
export function checkLevels(levels: readonly number[], what = 'intervals'): number[] {
  if (!Array.isArray(levels) || levels.length === 0) {
    throw new SeqcastError('config', `${what}: levels must be a non-empty list such as [0.8, 0.95]`);
  }
  for (const l of levels) {
    if (typeof l !== 'number' || !(l > 0 && l < 1)) {
      throw new SeqcastError(
        'config',
        `${what}: a level must be a number in (0, 1), e.g. 0.8 for 80 % (got ${JSON.stringify(l)})`,
      );
    }
  }
  if (new Set(levels).size !== levels.length) {
    throw new SeqcastError('config', `${what}: levels repeat (${levels.join(', ')}); give each once`);
  }
  return [...levels].sort((a, b) => a - b);
}

/** k = ⌈(n + 1) · level⌉: the rank of the conformal quantile among n scores (may exceed n). */
export function conformalRank(n: number, level: number): number {
  // level · (n + 1) in floating point can land a hair above an integer (0.8 · 30 = 24.000000000000004)
  const x = (n + 1) * level;
  const r = Math.round(x);
  return Math.abs(x - r) < 1e-9 ? r : Math.ceil(x);
}

/**
 * The split-conformal quantile of |residuals| at `level` = 1 − α: the ⌈(n + 1)(1 − α)⌉-th smallest absolute
 * residual, or +∞ when that rank exceeds n. NaN residuals (unscored points) are left out.
 */
export function conformalQuantile(residuals: ArrayLike<number>, level: number): number {
  const scores: number[] = [];
  for (let i = 0; i < residuals.length; i++) {
    if (!Number.isNaN(residuals[i])) scores.push(Math.abs(residuals[i]));
  }
  const n = scores.length;
  if (n === 0) return Number.POSITIVE_INFINITY;
  const k = conformalRank(n, level);
  if (k > n) return Number.POSITIVE_INFINITY;
  scores.sort((a, b) => a - b);
  return scores[k - 1];
}

/** The fewest calibration residuals that give a finite quantile at `level`: the n with ⌈(n+1)·level⌉ ≤ n. */
export function minimumResiduals(level: number): number {
  let n = 1;
  while (conformalRank(n, level) > n) n += 1;
  return n;
}

/** Half-widths q̂ per horizon (index h − 1) for one level, from residuals [origins, H] row-major. */
export function conformalHalfWidths(residuals: ArrayLike<number>, horizons: number, level: number): number[] {
  if (residuals.length % horizons !== 0) {
    throw new SeqcastError(
      'shape',
      `conformalHalfWidths(): ${residuals.length} residuals do not make rows of ${horizons} horizons`,
    );
  }
  const rows = residuals.length / horizons;
  const out: number[] = [];
  for (let h = 0; h < horizons; h++) {
    const column = new Float64Array(rows);
    for (let i = 0; i < rows; i++) column[i] = residuals[i * horizons + h];
    out.push(conformalQuantile(column, level));
  }
  return out;
}

/** The interval score IS_α(l, u; y) of one central interval at level 1 − α (Gneiting & Raftery 2007). */
export function intervalScore(lower: number, upper: number, actual: number, level: number): number {
  const alpha = 1 - level;
  let s = upper - lower;
  if (actual < lower) s += (2 / alpha) * (lower - actual);
  if (actual > upper) s += (2 / alpha) * (actual - upper);
  return s;
}

/** Coverage and mean interval score of intervals [lower_i, upper_i] for outcomes actual_i at `level`. */
export interface IntervalQuality {
  readonly level: number;
  /** Points scored (pairs with a NaN left out). */
  readonly points: number;
  /** The share of outcomes inside their interval (ends included), in [0, 1]. */
  readonly coverage: number;
  /** The mean interval score (Infinity when an interval is unbounded). */
  readonly intervalScore: number;
  /** The mean width u − l. */
  readonly meanWidth: number;
}

export function intervalQuality(
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
  actual: ArrayLike<number>,
  level: number,
): IntervalQuality {
  let inside = 0;
  let score = 0;
  let width = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i];
    if (Number.isNaN(y) || Number.isNaN(lower[i]) || Number.isNaN(upper[i])) continue;
    n += 1;
    if (y >= lower[i] && y <= upper[i]) inside += 1;
    score += intervalScore(lower[i], upper[i], y, level);
    width += upper[i] - lower[i];
  }
  return {
    level,
    points: n,
    coverage: n === 0 ? Number.NaN : inside / n,
    intervalScore: n === 0 ? Number.NaN : score / n,
    meanWidth: n === 0 ? Number.NaN : width / n,
  };
}

/** The scale the conformal scores are taken on: |y − ŷ|, or |log y − log ŷ| for a positive series. */
export type IntervalScale = 'absolute' | 'log';

/** Residuals on `scale`: y − ŷ, or log y − log ŷ (NaN where a value is not positive). */
export function scaledResiduals(
  actual: ArrayLike<number>,
  forecast: ArrayLike<number>,
  scale: IntervalScale,
): Float64Array {
  return Float64Array.from({ length: actual.length }, (_, i) =>
    scale === 'absolute'
      ? actual[i] - forecast[i]
      : actual[i] > 0 && forecast[i] > 0
        ? Math.log(actual[i]) - Math.log(forecast[i])
        : Number.NaN,
  );
}

/** One level's bands around a forecast path: ŷ_h ± q̂_h (or ŷ_h·e^(±q̂_h) on the log scale). */
export interface Band {
  readonly level: number;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
}

/**
 * Bands around forecasts `values` laid out [origins, H] row-major (a single path is one origin), from the
 * half-widths q̂_h of each level (`halfWidths[level index][h − 1]`).
 */
export function bands(
  values: ArrayLike<number>,
  horizons: number,
  levels: readonly number[],
  halfWidths: readonly (readonly number[])[],
  scale: IntervalScale = 'absolute',
): Band[] {
  return levels.map((level, j) => {
    const lower = new Float64Array(values.length);
    const upper = new Float64Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const q = halfWidths[j][i % horizons];
      lower[i] = scale === 'absolute' ? values[i] - q : values[i] * Math.exp(-q);
      upper[i] = scale === 'absolute' ? values[i] + q : values[i] * Math.exp(q);
    }
    return { level, lower, upper };
  });
}
