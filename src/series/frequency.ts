/**
 * The index of a series: calendar arithmetic, ISO dates, ordering, and the frequency.
 *
 * A date index holds UTC milliseconds; a plain date is the midnight of its day, so `ms / DAY_MS` is a whole
 * day number `d` (days since 1970-01-01, which was a Thursday). Months are counted with the proleptic
 * Gregorian calendar (civil ↔ day-number conversions after H. Hinnant's "chrono-compatible low-level date
 * algorithms"), never through `Date.UTC`, which reads years 0–99 as 1900–1999.
 *
 * The inferred frequency is the coarsest regular calendar grid every index value lies on. Gaps are allowed
 * (a month absent from a monthly series is a gap, not a different frequency), so the step is the greatest
 * common divisor of the gaps, counted in the unit.
 */
import { SeqcastError } from '../errors.js';
import type { Series } from './series.js';

export type FrequencyUnit = 'day' | 'businessDay' | 'week' | 'month' | 'quarter' | 'year' | 'step';

/**
 * The index advances by `step` units. `'step'` is an integer index (the step in its own units) or, for a
 * date index with times of day, a step in milliseconds.
 */
export interface Frequency {
  readonly unit: FrequencyUnit;
  readonly step: number;
}

export type IndexKind = 'date' | 'integer';

export const DAY_MS = 86_400_000;

/** Day number (days since 1970-01-01) of year `y`, month `m` (1–12), day `d`. */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** `[year, month (1–12), day]` of day number `z`. */
export function civilFromDays(z: number): [number, number, number] {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Day of the week of day number `d`: Monday 0 … Sunday 6. */
export function weekday(d: number): number {
  return (((d + 3) % 7) + 7) % 7;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/** An ISO date or date-time read as written: its wall-clock time, and its UTC offset when it names one. */
export interface IsoDateTime {
  /** The wall-clock time in milliseconds, counted as if it were UTC (a plain date is its midnight). */
  readonly wallClock: number;
  /** The offset it names, in minutes east of UTC (`Z` is 0); `undefined` when it names none. */
  readonly offset: number | undefined;
}

/**
 * An ISO date `YYYY-MM-DD` or date-time `YYYY-MM-DDTHH:MM[:SS[.sss]]` with an optional `Z` or `±HH:MM`
 * offset, as written; `undefined` when the text is not one, or names a day that does not exist (2023-02-30).
 */
export function parseIsoDateTime(text: string): IsoDateTime | undefined {
  const m = ISO.exec(text);
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  let ms = daysFromCivil(y, mo, d) * DAY_MS;
  if (m[4] === undefined) return { wallClock: ms, offset: undefined };
  const [h, min, s] = [Number(m[4]), Number(m[5]), m[6] === undefined ? 0 : Number(m[6])];
  if (h > 23 || min > 59 || s > 59) return undefined;
  const fraction = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  ms += ((h * 60 + min) * 60 + s) * 1000 + fraction;
  if (m[8] === undefined) return { wallClock: ms, offset: undefined };
  if (m[8] === 'Z') return { wallClock: ms, offset: 0 };
  const sign = m[8][0] === '-' ? -1 : 1;
  const [oh, om] = [Number(m[8].slice(1, 3)), Number(m[8].slice(4, 6))];
  if (oh > 23 || om > 59) return undefined;
  return { wallClock: ms, offset: sign * (oh * 60 + om) };
}

/**
 * UTC milliseconds of an ISO date or date-time (see `parseIsoDateTime`); no offset means UTC, so a file means
 * the same on every machine. `undefined` when the text is not one.
 */
export function parseIsoDate(text: string): number | undefined {
  const t = parseIsoDateTime(text);
  return t === undefined ? undefined : t.wallClock - (t.offset ?? 0) * 60_000;
}

/**
 * The index of a date column: when every value names the same non-zero UTC offset (a monthly series written
 * as `1949-01-01T00:00:00+05:00`, …), the wall-clock times, with that offset kept for the labels, so the
 * calendar (months, days) is read where the data was written, as pandas does for a fixed-offset time zone.
 * Otherwise (no offsets, `Z`, or offsets that differ, as across a daylight-saving change) the UTC instants.
 * `rowName(i)` names value `i` in messages; `bad(i)` is the error for a value that is not an ISO date.
 */
export function dateIndex(
  texts: readonly string[],
  bad: (i: number) => SeqcastError,
): { index: Float64Array; utcOffset: number | undefined } {
  const parsed = texts.map((text, i) => {
    const t = parseIsoDateTime(text);
    if (t === undefined) throw bad(i);
    return t;
  });
  const first = parsed[0].offset;
  const shared =
    first !== undefined && first !== 0 && parsed.every((t) => t.offset === first) ? first : undefined;
  const index = new Float64Array(parsed.length);
  for (let i = 0; i < parsed.length; i++) {
    const t = parsed[i];
    index[i] = shared !== undefined ? t.wallClock : t.wallClock - (t.offset ?? 0) * 60_000;
  }
  return { index, utcOffset: shared };
}

/**
 * `YYYY-MM-DD` for a midnight, the full ISO date-time otherwise; integers as themselves. With a UTC offset
 * (minutes; see `dateIndex`) the value is a wall-clock time there, written as a date-time with the offset,
 * `1949-01-01T00:00:00+05:00`, so the label reads back to the same instant.
 */
export function formatIndexValue(value: number, kind: IndexKind, utcOffset?: number): string {
  if (kind === 'integer') return String(value);
  if (utcOffset !== undefined) {
    const iso = new Date(value).toISOString(); // the wall-clock time, written as if it were UTC
    const ms = value % 1000 === 0 ? iso.slice(0, 19) : iso.slice(0, 23);
    const a = Math.abs(utcOffset);
    const hhmm = `${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
    return `${ms}${utcOffset < 0 ? '-' : '+'}${hhmm}`;
  }
  if (value % DAY_MS !== 0) return new Date(value).toISOString();
  const [y, m, d] = civilFromDays(value / DAY_MS);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Business-day number of weekday `d` (Monday of week 0 … ), so that a gap between weekdays skips weekends. */
export function businessDayNumber(d: number): number {
  const dow = weekday(d);
  return Math.floor((d - dow) / 7) * 5 + dow;
}

/** True when every day number is the last day of its month (an end-of-month series). */
export function allMonthEnds(days: ArrayLike<number>): boolean {
  for (let i = 0; i < days.length; i++) {
    const [y, m, d] = civilFromDays(days[i]);
    if (d !== daysInMonth(y, m)) return false;
  }
  return true;
}

/**
 * The frequency of a strictly increasing index. With fewer than two values there are no gaps to read it
 * from: a date index is then called daily, an integer index `step` 1.
 */
export function inferFrequency(index: ArrayLike<number>, kind: IndexKind): Frequency {
  const n = index.length;
  if (kind === 'integer' || n < 2) {
    if (n < 2) return kind === 'integer' ? { unit: 'step', step: 1 } : { unit: 'day', step: 1 };
    return { unit: 'step', step: commonGap(index) };
  }
  for (let i = 0; i < n; i++) {
    if (index[i] % DAY_MS !== 0) return { unit: 'step', step: commonGap(index) };
  }
  const days = Array.from(index, (ms) => ms / DAY_MS);
  const civil = days.map(civilFromDays);
  const sameDayOfMonth = civil.every((c) => c[2] === civil[0][2]);
  if (sameDayOfMonth || allMonthEnds(days)) {
    let g = 0;
    for (let i = 1; i < n; i++) {
      g = gcd(g, (civil[i][0] - civil[i - 1][0]) * 12 + civil[i][1] - civil[i - 1][1]);
    }
    if (g % 12 === 0) return { unit: 'year', step: g / 12 };
    if (g % 3 === 0) return { unit: 'quarter', step: g / 3 };
    return { unit: 'month', step: g };
  }
  const g = commonGap(days);
  if (g % 7 === 0) return { unit: 'week', step: g / 7 };
  if (days.every((d) => weekday(d) < 5)) {
    let b = 0;
    for (let i = 1; i < n; i++) b = gcd(b, businessDayNumber(days[i]) - businessDayNumber(days[i - 1]));
    return { unit: 'businessDay', step: b };
  }
  return { unit: 'day', step: g };
}

function commonGap(values: ArrayLike<number>): number {
  let g = 0;
  for (let i = 1; i < values.length; i++) g = gcd(g, values[i] - values[i - 1]);
  return g;
}

/** Day number `months` months after day number `day`, keeping the day of the month (clamped to the month's length). */
function addMonths(day: number, months: number, monthEnd: boolean): number {
  const [y, m, d] = civilFromDays(day);
  const total = y * 12 + (m - 1) + months;
  const [ny, nm] = [Math.floor(total / 12), (total % 12) + 1];
  const length = daysInMonth(ny, nm);
  return daysFromCivil(ny, nm, monthEnd ? length : Math.min(d, length));
}

const MONTHS_PER: Partial<Record<FrequencyUnit, number>> = { month: 1, quarter: 3, year: 12 };

/**
 * The `n` labels that follow the last one at the series' frequency: months, quarters and years keep the
 * day of the month (an end-of-month series stays at month ends), business days skip Saturdays and Sundays
 * (holidays are not known, so they are not skipped).
 */
export function nextLabels(series: Series, n: number): string[] {
  if (!Number.isInteger(n) || n < 0) {
    throw new SeqcastError('config', `nextLabels(): n must be an integer ≥ 0 (got ${String(n)})`);
  }
  const { unit, step } = series.frequency;
  const last = series.index[series.length - 1];
  const out: string[] = [];
  if (unit === 'step') {
    for (let k = 1; k <= n; k++) out.push(formatIndexValue(last + k * step, series.kind, series.utcOffset));
    return out;
  }
  const lastDay = last / DAY_MS;
  const months = MONTHS_PER[unit];
  if (months !== undefined) {
    const monthEnd = allMonthEnds(Array.from(series.index, (ms) => ms / DAY_MS));
    for (let k = 1; k <= n; k++)
      out.push(
        formatIndexValue(addMonths(lastDay, k * step * months, monthEnd) * DAY_MS, 'date', series.utcOffset),
      );
    return out;
  }
  let day = lastDay;
  for (let k = 1; k <= n; k++) {
    if (unit === 'businessDay') {
      for (let s = 0; s < step; s++) {
        day += 1;
        while (weekday(day) >= 5) day += 1;
      }
    } else {
      day += unit === 'week' ? 7 * step : step;
    }
    out.push(formatIndexValue(day * DAY_MS, 'date', series.utcOffset));
  }
  return out;
}

const ADJECTIVE: Record<FrequencyUnit, string> = {
  day: 'daily',
  businessDay: 'business-daily',
  week: 'weekly',
  month: 'monthly',
  quarter: 'quarterly',
  year: 'yearly',
  step: 'every step',
};

const PLURAL: Record<FrequencyUnit, string> = {
  day: 'days',
  businessDay: 'business days',
  week: 'weeks',
  month: 'months',
  quarter: 'quarters',
  year: 'years',
  step: 'steps',
};

/** 'monthly', 'business-daily', 'every 2 weeks', 'every 5 steps', … */
export function describeFrequency(f: Frequency): string {
  return f.step === 1 ? ADJECTIVE[f.unit] : `every ${f.step} ${PLURAL[f.unit]}`;
}

/** Approximate length of one step in days, to tell a coarser frequency from a finer one. */
export function approximateDays(f: Frequency, kind: IndexKind): number {
  const perUnit: Record<FrequencyUnit, number> = {
    day: 1,
    businessDay: 7 / 5,
    week: 7,
    month: 365.2425 / 12,
    quarter: 365.2425 / 4,
    year: 365.2425,
    step: kind === 'date' ? 1 / DAY_MS : Number.NaN,
  };
  return perUnit[f.unit] * f.step;
}

/**
 * The index value of an ISO date string or a safe integer, per `kind`; `undefined` when it is not one. For a
 * series on wall-clock times at `utcOffset` (see `dateIndex`), a date-time with another offset is moved to
 * that offset's wall clock, and one without an offset is read as wall-clock time there.
 */
export function parseIndexValue(value: unknown, kind: IndexKind, utcOffset?: number): number | undefined {
  if (kind === 'integer') return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  if (utcOffset === undefined) return parseIsoDate(value);
  const t = parseIsoDateTime(value);
  if (t === undefined) return undefined;
  return t.offset === undefined ? t.wallClock : t.wallClock + (utcOffset - t.offset) * 60_000;
}

/**
 * The permutation that sorts `index` ascending (stable), checking that no value repeats. `rowName(i)`
 * names input row `i` in messages (`index[3]`, `row 5`).
 */
export function sortOrder(
  index: Float64Array,
  kind: IndexKind,
  rowName: (i: number) => string,
  what: string,
  code: 'config' | 'io',
): number[] {
  const order = Array.from(index, (_, i) => i);
  let sorted = true;
  for (let i = 1; i < index.length && sorted; i++) sorted = index[i] > index[i - 1];
  if (!sorted) order.sort((a, b) => index[a] - index[b] || a - b);
  for (let k = 1; k < order.length; k++) {
    const [a, b] = [order[k - 1], order[k]];
    if (index[a] === index[b]) {
      throw new SeqcastError(
        code,
        `${what}: ${rowName(a)} and ${rowName(b)} both have the ${kind === 'date' ? 'date' : 'index value'} ` +
          `${formatIndexValue(index[a], kind)}; each may appear only once: remove or merge one of them`,
      );
    }
  }
  return order;
}

export function permute(values: Float64Array, order: readonly number[]): Float64Array {
  const out = new Float64Array(order.length);
  for (let k = 0; k < order.length; k++) out[k] = values[order[k]];
  return out;
}
