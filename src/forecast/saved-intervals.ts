/**
 * Conformal intervals kept with a saved forecaster: the network's own half-widths per level and horizon
 * (intervals.ts), so `seqcast forecast` can put bands around the saved model's forecasts. Browser-safe.
 */
import { SeqcastError } from '../errors.js';
import type { IntervalCalibration } from './select.js';

export interface SavedIntervals {
  readonly levels: readonly number[];
  /** halfWidths[level index][h − 1]; null where too few residuals gave no finite quantile. */
  readonly halfWidths: readonly (readonly (number | null)[])[];
  readonly scale: 'absolute' | 'log';
  readonly method: string;
}

export function savedIntervals(c: IntervalCalibration): SavedIntervals {
  return {
    levels: c.levels,
    halfWidths: c.halfWidths.map((hs) => hs.map((q) => (Number.isFinite(q) ? q : null))),
    scale: c.scale,
    method: c.method,
  };
}

export function checkSavedIntervals(v: unknown): SavedIntervals {
  const o = v as Partial<SavedIntervals> | null;
  const ok =
    o !== null &&
    typeof o === 'object' &&
    Array.isArray(o.levels) &&
    o.levels.every((l) => typeof l === 'number' && l > 0 && l < 1) &&
    Array.isArray(o.halfWidths) &&
    o.halfWidths.length === o.levels.length &&
    o.halfWidths.every(
      (hs) => Array.isArray(hs) && hs.every((q) => q === null || (typeof q === 'number' && q >= 0)),
    ) &&
    (o.scale === 'absolute' || o.scale === 'log') &&
    typeof o.method === 'string';
  if (!ok) {
    throw new SeqcastError(
      'config',
      'the saved model’s intervals (userDefinedMetadata.seqcast.intervals) are damaged; retrain it with seqcast train, or delete that entry',
    );
  }
  return o as SavedIntervals;
}

/** Bands for a forecast path from saved intervals; steps past the calibrated horizons get none (NaN). */
export function savedBands(
  values: ArrayLike<number>,
  s: SavedIntervals,
): { level: number; lower: Float64Array; upper: Float64Array }[] {
  return s.levels.map((level, j) => {
    const lower = new Float64Array(values.length).fill(Number.NaN);
    const upper = new Float64Array(values.length).fill(Number.NaN);
    for (let h = 0; h < values.length && h < s.halfWidths[j].length; h++) {
      const q = s.halfWidths[j][h];
      if (q === null) continue;
      lower[h] = s.scale === 'log' ? values[h] * Math.exp(-q) : values[h] - q;
      upper[h] = s.scale === 'log' ? values[h] * Math.exp(q) : values[h] + q;
    }
    return { level, lower, upper };
  });
}
