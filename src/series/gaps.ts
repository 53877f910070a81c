/**
 * Gaps: periods of a series' calendar that have no row.
 *
 * The frequency (frequency.ts) is the coarsest regular grid every index value lies on, so each row has a
 * whole-number position on that grid, counted from the first row:
 *
 *     day, week, step        (v − v₀) / (step · unit length)
 *     businessDay            (b(v) − b(v₀)) / step, b = the business-day number (Saturdays and Sundays are
 *                            not on the grid, so a business-day series does not "miss" its weekends)
 *     month, quarter, year   (months(v) − months(v₀)) / (step · months per unit)
 *
 * The calendar runs from the first row's position 0 to the last row's position P; the gaps are the positions
 * 0 … P without a row. A series is irregular when more of its calendar is missing than present: the grid
 * is then a common divisor of scattered dates (trades at random times, visits on random days), not a
 * calendar the data keep, and filling it would invent most of the series.
 */
import { SeqcastError } from '../errors.js';
import type { Frequency } from './frequency.js';
import {
  DAY_MS,
  allMonthEnds,
  businessDayNumber,
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  describeFrequency,
  formatIndexValue,
} from './frequency.js';
import type { Series } from './series.js';

/** A run of consecutive missing periods, by label. */
export interface GapRun {
  readonly from: string;
  readonly to: string;
  readonly count: number;
}

export interface GapReport {
  readonly frequency: Frequency;
  /** Periods on the calendar from the first row to the last, both included. */
  readonly expected: number;
  /** How many of them have no row. */
  readonly count: number;
  /** Consecutive missing periods, in order. */
  readonly runs: readonly GapRun[];
  /** The first missing periods' labels (at most SHOWN_GAPS). */
  readonly first: readonly string[];
  /** More of the calendar is missing than present (see the file comment). */
  readonly irregular: boolean;
}

/** How many missing dates a message lists. */
export const SHOWN_GAPS = 5;

const MONTHS_PER: Partial<Record<Frequency['unit'], number>> = { month: 1, quarter: 3, year: 12 };

function monthCount(day: number): number {
  const [y, m] = civilFromDays(day);
  return y * 12 + (m - 1);
}

/** The grid of a series: the position of an index value, and the index value of a position. */
function grid(series: Series): {
  position: (v: number) => number;
  value: (p: number) => number;
} {
  const { unit, step } = series.frequency;
  const v0 = series.index[0];
  if (unit === 'step') return { position: (v) => (v - v0) / step, value: (p) => v0 + p * step };
  const d0 = v0 / DAY_MS;
  if (unit === 'day' || unit === 'week') {
    const days = unit === 'week' ? 7 * step : step;
    return { position: (v) => (v / DAY_MS - d0) / days, value: (p) => (d0 + p * days) * DAY_MS };
  }
  if (unit === 'businessDay') {
    const b0 = businessDayNumber(d0);
    return {
      position: (v) => (businessDayNumber(v / DAY_MS) - b0) / step,
      value: (p) => {
        // business-day number n is weekday n mod 5 of week floor(n / 5); the Monday of week 0 is day 4
        const n = b0 + p * step;
        const week = Math.floor(n / 5);
        return (7 * week + 4 + (n - 5 * week)) * DAY_MS;
      },
    };
  }
  const months = step * MONTHS_PER[unit]!;
  const m0 = monthCount(d0);
  const monthEnd = allMonthEnds(Array.from(series.index, (ms) => ms / DAY_MS));
  const dayOfMonth = civilFromDays(d0)[2];
  return {
    position: (v) => (monthCount(v / DAY_MS) - m0) / months,
    value: (p) => {
      const total = m0 + p * months;
      const [y, m] = [Math.floor(total / 12), (total % 12) + 1];
      const length = daysInMonth(y, m);
      return daysFromCivil(y, m, monthEnd ? length : Math.min(dayOfMonth, length)) * DAY_MS;
    },
  };
}

/** The periods of `series`' calendar that have no row (see the file comment). */
export function findGaps(series: Series): GapReport {
  const { position, value } = grid(series);
  const n = series.length;
  const label = (p: number): string => formatIndexValue(value(p), series.kind, series.utcOffset);
  const runs: GapRun[] = [];
  const first: string[] = [];
  let count = 0;
  let previous = 0;
  for (let i = 1; i < n; i++) {
    const p = position(series.index[i]);
    const missing = p - previous - 1;
    if (missing > 0) {
      runs.push({ from: label(previous + 1), to: label(p - 1), count: missing });
      for (let q = previous + 1; q < p && first.length < SHOWN_GAPS; q++) first.push(label(q));
      count += missing;
    }
    previous = p;
  }
  return {
    frequency: series.frequency,
    expected: previous + 1,
    count,
    runs,
    first,
    irregular: count > n,
  };
}

export type GapRule = 'interpolate' | 'ffill' | 'mask';
export const GAP_RULES: readonly GapRule[] = ['interpolate', 'ffill', 'mask'];

/**
 * The full calendar of `series`: one row per period from the first row to the last, the rows it lacks
 * holding NaN (missing) in every column. `columns` are the series' columns, in order.
 */
export function calendarColumns(
  series: Series,
  columns: readonly Float64Array[],
): { index: Float64Array; columns: Float64Array[] } {
  const { position, value } = grid(series);
  const expected = position(series.index[series.length - 1]) + 1;
  const index = Float64Array.from({ length: expected }, (_, p) => value(p));
  const out = columns.map(() => new Float64Array(expected).fill(Number.NaN));
  for (let i = 0; i < series.length; i++) {
    const p = position(series.index[i]);
    if (!Number.isInteger(p) || index[p] !== series.index[i]) {
      throw new SeqcastError(
        'config',
        `fillGaps(): ${series.label(i)} is not on the ${describeFrequency(series.frequency)} calendar of the ` +
          `series; resample it to a regular period first`,
      );
    }
    columns.forEach((c, k) => (out[k][p] = c[i]));
  }
  return { index, columns: out };
}

/** "17 daily dates are missing (2021-03-04, …)": how a message names the gaps. */
export function describeGaps(series: Series, gaps: GapReport): string {
  const what = series.source ?? 'the series';
  const freq = describeFrequency(gaps.frequency);
  const more = gaps.count > gaps.first.length ? `, … ${gaps.count - gaps.first.length} more` : '';
  const business =
    gaps.frequency.unit === 'businessDay'
      ? ' (a business-day series: weekends are not counted; these are weekdays without a row, such as holidays)'
      : '';
  return (
    `${what}: ${gaps.count} of the ${gaps.expected} periods of this ${freq} series from ${series.label(0)} to ` +
    `${series.label(series.length - 1)} have no row (${gaps.first.join(', ')}${more}) in ${gaps.runs.length} ` +
    `gap${gaps.runs.length === 1 ? '' : 's'}${business}`
  );
}

/** The statement for an irregular series: what its dates are, and what to do. */
export function irregularMessage(series: Series, gaps: GapReport): string {
  const what = series.source ?? 'the series';
  return (
    `${what} is irregular: its ${series.length} rows lie on a ${describeFrequency(gaps.frequency)} grid of ` +
    `${gaps.expected} periods, ${gaps.count} of which have no row, so it has no calendar to forecast along; ` +
    `aggregate it to a regular period first (series.resample('week' | 'month' | …, 'mean'))`
  );
}

/**
 * Refuses a series whose calendar has gaps (or that is irregular), with the fix: the check every
 * forecasting entry point makes, so differences, windows and seasonal lags never run across a gap.
 */
export function checkNoGaps(series: Series, where: string): void {
  const gaps = findGaps(series);
  if (gaps.count === 0) return;
  if (gaps.irregular) throw new SeqcastError('config', `${where}: ${irregularMessage(series, gaps)}`);
  throw new SeqcastError(
    'config',
    `${where}: ${describeGaps(series, gaps)}; differences, windows and seasonal lags would run across them. ` +
      `Fill them: --missing interpolate | ffill, or --missing mask to leave them out of every window ` +
      `(API: series.fillGaps('interpolate' | 'ffill' | 'mask'))`,
  );
}
