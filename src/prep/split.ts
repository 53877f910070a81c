/**
 * Chronological splits. Rows [0, splitIndex) are the training part; the test part is rows
 * [splitIndex − window, length): it starts `window` rows early so that its first window is complete, and
 * every test TARGET lies at or after splitIndex — no test target ever reaches training.
 *
 *     splitIndex = floor(trainFraction · length)     (the product in float64: 0.8 · 917 = 733.6 → 733)
 *
 * A Split is the only thing scalers fit from (see scalers.ts): they take the rows it calls training.
 */
import { SeqcastError } from '../errors.js';
import { parseIsoDate } from '../series/frequency.js';

export interface Split {
  /** Rows in the whole series. */
  readonly length: number;
  /** The first row that is not training data. */
  readonly splitIndex: number;
  /** How many rows a window holds; the test part starts this many rows before splitIndex. */
  readonly window: number;
  /** The first row of the test part: splitIndex − window. */
  readonly testStart: number;
}

export type SplitOptions =
  | { readonly window: number; readonly trainFraction: number }
  | { readonly window: number; readonly splitIndex: number };

export function chronologicalSplit(length: number, options: SplitOptions): Split {
  const { window } = options;
  if (!Number.isInteger(window) || window < 1) {
    throw new SeqcastError('config', `split: window must be an integer ≥ 1 (got ${window})`);
  }
  let splitIndex: number;
  if ('trainFraction' in options) {
    const f = options.trainFraction;
    if (!(f > 0 && f < 1))
      throw new SeqcastError('config', `split: trainFraction must be in (0, 1) (got ${f})`);
    splitIndex = Math.floor(f * length);
  } else {
    splitIndex = options.splitIndex;
    if (!Number.isInteger(splitIndex)) {
      throw new SeqcastError('config', `split: splitIndex must be an integer (got ${splitIndex})`);
    }
  }
  if (splitIndex < window + 1) {
    throw new SeqcastError(
      'config',
      `split: the training part has ${splitIndex} rows but a window of ${window} needs at least ${window + 1} ` +
        `to make one training example; use a longer series, a larger training fraction or a smaller window`,
    );
  }
  if (splitIndex >= length) {
    throw new SeqcastError(
      'config',
      `split: the split at row ${splitIndex} leaves no test rows in a series of ${length}; use a smaller training fraction or an earlier date`,
    );
  }
  return { length, splitIndex, window, testStart: splitIndex - window };
}

/**
 * The index of the first label ≥ `date`, as a split point. Integer labels ('50' … '1049') are compared as
 * numbers, ISO dates by time; a Series' `rowsBefore(date)` does the same from its index.
 */
export function splitIndexAtLabel(labels: readonly string[], date: string): number {
  const integers = /^[+-]?\d+$/;
  const numeric = integers.test(date) && labels.every((l) => integers.test(l));
  const i = numeric
    ? labels.findIndex((l) => Number(l) >= Number(date))
    : labels.findIndex((l) => compareIso(l, date) >= 0);
  if (i < 0) {
    throw new SeqcastError(
      'config',
      `split: no row on or after ${date}; the series runs ${labels[0]} .. ${labels[labels.length - 1]}`,
    );
  }
  return i;
}

/** ISO dates and date-times by the instant they name (plain dates at midnight UTC); text order otherwise. */
function compareIso(a: string, b: string): number {
  const [x, y] = [parseIsoDate(a), parseIsoDate(b)];
  if (x !== undefined && y !== undefined) return x - y;
  return a < b ? -1 : a > b ? 1 : 0;
}
