/**
 * Reversible transforms of one column's levels `y`, applied before scaling and undone after prediction.
 *
 *   name        forward                        inverse (from the previous level)
 *   none        z_t = y_t                      y_t = z_t
 *   log         z_t = ln y_t                   y_t = exp z_t
 *   diff        z_t = y_t − y_{t−1}            y_t = y_{t−1} + z_t
 *   logDiff     z_t = ln y_t − ln y_{t−1}      y_t = y_{t−1} · exp z_t
 *   pctChange   z_t = y_t / y_{t−1} − 1        y_t = y_{t−1} · (1 + z_t)
 *
 * `lag` is the number of levels lost at the start: `forward` of L levels gives L − lag values, and `z[k]`
 * belongs to level `k + lag`. Two inverses, because forecasts come in two kinds:
 * - `inverseEach(z, previousLevels)`: one-step forecasts; each `z[k]` is undone from the ACTUAL level before
 *   it, `previousLevels[k]` (ignored when lag is 0);
 * - `inversePath(z, lastLevel)`: a multi-step forecast after the last known level; each level is built on the
 *   previous forecast level, so the path is cumulative (`lastLevel` is ignored when lag is 0).
 * log, logDiff and pctChange need positive levels.
 */
import { SeqcastError } from '../errors.js';
import type { Series } from './series.js';
import { seriesFromParts } from './series.js';

export type TransformName = 'none' | 'log' | 'diff' | 'logDiff' | 'pctChange';

export const TRANSFORM_NAMES: readonly TransformName[] = ['none', 'log', 'diff', 'logDiff', 'pctChange'];

export interface Transform {
  readonly name: TransformName;
  /** Levels lost at the start: 0 or 1. */
  readonly lag: 0 | 1;
  /** Length L − lag. */
  forward(levels: Float64Array): Float64Array;
  /** Level t from z_t and the actual previous level (one-step forecasts); same length as z. */
  inverseEach(z: Float64Array, previousLevels: Float64Array): Float64Array;
  /** Levels after `lastLevel`, each built on the one before (multi-step forecasts); same length as z. */
  inversePath(z: Float64Array, lastLevel: number): Float64Array;
}

interface Rule {
  readonly lag: 0 | 1;
  readonly positive: boolean;
  /** z from the level and the previous level (unused when lag is 0). */
  readonly forward: (level: number, previous: number) => number;
  /** The level from z and the previous level (unused when lag is 0). */
  readonly inverse: (z: number, previous: number) => number;
}

const RULES: Record<TransformName, Rule> = {
  none: { lag: 0, positive: false, forward: (y) => y, inverse: (z) => z },
  log: { lag: 0, positive: true, forward: (y) => Math.log(y), inverse: (z) => Math.exp(z) },
  diff: { lag: 1, positive: false, forward: (y, p) => y - p, inverse: (z, p) => p + z },
  logDiff: {
    lag: 1,
    positive: true,
    forward: (y, p) => Math.log(y) - Math.log(p),
    inverse: (z, p) => p * Math.exp(z),
  },
  pctChange: { lag: 1, positive: true, forward: (y, p) => y / p - 1, inverse: (z, p) => p * (1 + z) },
};

/** The transform called `name`. */
export function getTransform(name: TransformName): Transform {
  if (!TRANSFORM_NAMES.includes(name)) {
    throw new SeqcastError(
      'config',
      `getTransform(): unknown transform ${JSON.stringify(name)}; use one of ${TRANSFORM_NAMES.map((t) => `'${t}'`).join(', ')}`,
    );
  }
  const rule = RULES[name];
  const what = `'${name}' transform`;
  return {
    name,
    lag: rule.lag,
    forward(levels) {
      checkLevels(levels, name, (i) => `row ${i}`, what);
      const out = new Float64Array(levels.length - rule.lag);
      for (let k = 0; k < out.length; k++) out[k] = rule.forward(levels[k + rule.lag], levels[k]);
      return out;
    },
    inverseEach(z, previousLevels) {
      checkFinite(z, 'z', `${what}: inverseEach()`);
      if (rule.lag === 0) return Float64Array.from(z, (v) => rule.inverse(v, Number.NaN));
      if (previousLevels.length !== z.length) {
        throw new SeqcastError(
          'shape',
          `${what}: inverseEach() needs one previous level per value of z (z has ${z.length}, previousLevels ${previousLevels.length})`,
        );
      }
      checkFinite(previousLevels, 'previousLevels', `${what}: inverseEach()`);
      return Float64Array.from(z, (v, k) => rule.inverse(v, previousLevels[k]));
    },
    inversePath(z, lastLevel) {
      checkFinite(z, 'z', `${what}: inversePath()`);
      if (rule.lag === 0) return Float64Array.from(z, (v) => rule.inverse(v, Number.NaN));
      if (!Number.isFinite(lastLevel)) {
        throw new SeqcastError(
          'non-finite',
          `${what}: inversePath() needs a finite lastLevel (got ${lastLevel})`,
        );
      }
      const out = new Float64Array(z.length);
      let previous = lastLevel;
      for (let k = 0; k < z.length; k++) {
        previous = rule.inverse(z[k], previous);
        out[k] = previous;
      }
      return out;
    },
  };
}

/**
 * The percentage change of one column, `z_t = y_t / y_{t−1} − 1`, as a one-column Series of the same name.
 * The first row has no previous level and is left out (not set to NaN).
 */
export function pctChange(series: Series, column: string): Series {
  const levels = series.column(column);
  checkLevels(
    levels,
    'pctChange',
    (i) => `the value at ${series.label(i)}`,
    `pctChange(): column '${column}'`,
  );
  return seriesFromParts({
    kind: series.kind,
    index: series.index.slice(1),
    names: [column],
    columns: [getTransform('pctChange').forward(levels)],
    frequency: series.frequency,
    source: series.source,
    ...(series.utcOffset !== undefined ? { utcOffset: series.utcOffset } : {}),
  });
}

function checkLevels(
  levels: Float64Array,
  name: TransformName,
  rowName: (i: number) => string,
  what: string,
): void {
  const rule = RULES[name];
  if (!(levels instanceof Float64Array)) {
    throw new SeqcastError(
      'config',
      `${what}: levels must be a Float64Array (use Float64Array.from(values))`,
    );
  }
  if (levels.length <= rule.lag) {
    throw new SeqcastError(
      'shape',
      `${what}: needs at least ${rule.lag + 1} level${rule.lag === 0 ? '' : 's'} (got ${levels.length})`,
    );
  }
  for (let i = 0; i < levels.length; i++) {
    const v = levels[i];
    if (!Number.isFinite(v)) {
      throw new SeqcastError(
        'non-finite',
        `${what}: ${rowName(i)} is ${v}; fill missing values first (series.fillMissing('drop' | 'ffill' | 'interpolate'))`,
      );
    }
    if (rule.positive && v <= 0) {
      throw new SeqcastError(
        'config',
        `${what}: needs positive levels, but ${rowName(i)} is ${v}; use 'diff' for a series that reaches zero or below`,
      );
    }
  }
}

function checkFinite(values: Float64Array, argument: string, what: string): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new SeqcastError(
        'non-finite',
        `${what}: ${argument}[${i}] is ${values[i]}; expected finite numbers`,
      );
    }
  }
}
