/**
 * Resampling a date index to a coarser calendar period.
 *
 * A period is labelled by its first day: weeks start on Monday, quarters on 1 January, 1 April, 1 July and
 * 1 October, years on 1 January. The result has one row for every period from the first to the last, so it
 * is regular: a value missing inside a period is skipped, and a period with no value (no row at all, or only
 * missing values) stays missing (NaN) for `fillMissing` to deal with explicitly.
 *
 *   mean: Σ values / count    sum: Σ values    last: the latest value in the period
 */
import { SeqcastError } from '../errors.js';
import type { Frequency } from './frequency.js';
import {
  DAY_MS,
  approximateDays,
  civilFromDays,
  daysFromCivil,
  describeFrequency,
  weekday,
} from './frequency.js';

export type ResampleUnit = 'week' | 'month' | 'quarter' | 'year';
export type ResampleHow = 'mean' | 'last' | 'sum';

const UNITS: readonly ResampleUnit[] = ['week', 'month', 'quarter', 'year'];
const HOWS: readonly ResampleHow[] = ['mean', 'last', 'sum'];

/** Day number of the first day of the period holding day number `day`. */
export function periodStart(day: number, unit: ResampleUnit): number {
  if (unit === 'week') return day - weekday(day);
  const [y, m] = civilFromDays(day);
  if (unit === 'month') return daysFromCivil(y, m, 1);
  if (unit === 'quarter') return daysFromCivil(y, m - ((m - 1) % 3), 1);
  return daysFromCivil(y, 1, 1);
}

/** Day number of the first day of the period after the one starting on day number `start`. */
function nextPeriod(start: number, unit: ResampleUnit): number {
  if (unit === 'week') return start + 7;
  const [y, m] = civilFromDays(start);
  const months = unit === 'month' ? 1 : unit === 'quarter' ? 3 : 12;
  const total = y * 12 + (m - 1) + months;
  return daysFromCivil(Math.floor(total / 12), (total % 12) + 1, 1);
}

/**
 * Aggregates each column over calendar periods. `index` is a strictly increasing date index (UTC ms) at
 * frequency `frequency`; the target must not be finer than it.
 */
export function resampleColumns(
  index: Float64Array,
  columns: readonly Float64Array[],
  frequency: Frequency,
  unit: ResampleUnit,
  how: ResampleHow,
): { index: Float64Array; columns: Float64Array[] } {
  if (!UNITS.includes(unit)) {
    throw new SeqcastError(
      'config',
      `resample(): unit must be one of ${UNITS.map((u) => `'${u}'`).join(', ')} (got ${JSON.stringify(unit)})`,
    );
  }
  if (!HOWS.includes(how)) {
    throw new SeqcastError(
      'config',
      `resample(): how must be one of ${HOWS.map((h) => `'${h}'`).join(', ')} (got ${JSON.stringify(how)})`,
    );
  }
  const target: Frequency = { unit, step: 1 };
  if (approximateDays(target, 'date') < approximateDays(frequency, 'date')) {
    throw new SeqcastError(
      'config',
      `resample(): the series is ${describeFrequency(frequency)}, so '${unit}' would be finer; ` +
        `resample only aggregates to a coarser (or equal) period`,
    );
  }
  const n = index.length;
  const periodOf = new Float64Array(n);
  for (let i = 0; i < n; i++) periodOf[i] = periodStart(Math.floor(index[i] / DAY_MS), unit);
  const starts: number[] = [];
  for (let p = periodOf[0]; p <= periodOf[n - 1]; p = nextPeriod(p, unit)) starts.push(p);

  const outColumns = columns.map((values) => {
    const out = new Float64Array(starts.length).fill(Number.NaN);
    let row = 0;
    for (let k = 0; k < starts.length; k++) {
      let sum = 0;
      let count = 0;
      let last = Number.NaN;
      while (row < n && periodOf[row] === starts[k]) {
        const v = values[row];
        if (!Number.isNaN(v)) {
          sum += v;
          count += 1;
          last = v;
        }
        row += 1;
      }
      if (count > 0) out[k] = how === 'mean' ? sum / count : how === 'sum' ? sum : last;
    }
    return out;
  });
  return { index: Float64Array.from(starts, (d) => d * DAY_MS), columns: outColumns };
}
