/**
 * The one parser of the command line's numeric flags, with the bounds every one of them has. A value outside
 * them is refused at once, with the range, before anything is read, allocated or trained: `--units 1e12`,
 * `--epochs 1e12` or `--seed 1e300` must not run for minutes or die of heap exhaustion.
 *
 * The bounds are generous for this library's scope (CPU training of small recurrent networks) and are listed
 * in the README; the library itself accepts larger values where they make sense.
 */
import { SeqcastError } from '../errors.js';

export interface FlagBound {
  /** Whole numbers only. */
  readonly integer: boolean;
  readonly min: number;
  readonly max: number;
  /** The minimum itself is not allowed (a learning rate of 0). */
  readonly minExclusive?: boolean;
  /** The maximum itself is not allowed (a split fraction of 1). */
  readonly maxExclusive?: boolean;
}

const int = (min: number, max: number): FlagBound => ({ integer: true, min, max });

/** Every numeric flag of every command, by name. */
export const FLAG_BOUNDS = {
  units: int(1, 4096),
  layers: int(1, 16),
  window: int(1, 100_000),
  horizon: int(1, 10_000),
  stride: int(1, 100_000),
  epochs: int(1, 100_000),
  'batch-size': int(1, 1_000_000),
  'learning-rate': { integer: false, min: 0, max: 10, minExclusive: true },
  clipnorm: { integer: false, min: 0, max: 1e6, minExclusive: true },
  patience: int(0, 100_000),
  'validation-split': { integer: false, min: 0, max: 1, maxExclusive: true },
  split: { integer: false, min: 0, max: 1, minExclusive: true, maxExclusive: true },
  seed: int(0, 2 ** 32 - 1),
  steps: int(1, 100_000),
  intervals: { integer: false, min: 0, max: 1, minExclusive: true, maxExclusive: true },
  'explain-steps': int(2, 10_000),
  every: int(1, 100_000),
  initial: int(1, 100_000_000),
  'refit-every': int(1, 100_000),
  folds: int(1, 10_000),
  'window-index': int(-100_000_000, 100_000_000),
  // seqcast classify
  'embedding-dim': int(1, 4096),
  'max-tokens': int(3, 10_000_000),
  'sequence-length': int(1, 100_000),
  dropout: { integer: false, min: 0, max: 1, maxExclusive: true },
  'test-split': { integer: false, min: 0, max: 1, minExclusive: true, maxExclusive: true },
} as const satisfies Record<string, FlagBound>;

export type NumericFlag = keyof typeof FLAG_BOUNDS;

/** `[1, 4096]`, `(0, 10]`, … */
export function describeBound(b: FlagBound): string {
  const lo = `${b.minExclusive === true ? '(' : '['}${b.min}`;
  const hi = `${b.max}${b.maxExclusive === true ? ')' : ']'}`;
  return `${b.integer ? 'an integer' : 'a number'} in ${lo}, ${hi}`;
}

/**
 * The value of `--flag text`, checked against its bound (`FLAG_BOUNDS[bound]`, by default the flag's own);
 * `undefined` when the flag was not given.
 */
export function flagNumber(
  flag: string,
  text: string | undefined,
  bound: NumericFlag = flag as NumericFlag,
): number | undefined {
  if (text === undefined) return undefined;
  const b: FlagBound = FLAG_BOUNDS[bound];
  const v = text.trim() === '' ? Number.NaN : Number(text);
  const ok =
    Number.isFinite(v) &&
    (!b.integer || Number.isInteger(v)) &&
    (b.minExclusive === true ? v > b.min : v >= b.min) &&
    (b.maxExclusive === true ? v < b.max : v <= b.max);
  if (!ok) {
    const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
    throw new SeqcastError('config', `--${flag} must be ${describeBound(b)} (got '${shown}')`);
  }
  return v;
}
