/**
 * Covariates whose future values are known when a forecast is made: calendar features (derived from the
 * dates) and known-future columns (a planned promotion, a weather forecast) whose values the caller supplies
 * for the forecast period. Past-only features (`features`) are not here: they keep their meaning, values up
 * to the window's last row only.
 *
 * How they enter the model. A window's input row t (level row t, the last one the model reads being the
 * forecast origin's previous row r) holds, after its C transformed-and-scaled columns, the covariates of the
 * H rows that follow it, step-major:
 *
 *     input row t = [ z_t (C columns) | cov(t + 1) | cov(t + 2) | … | cov(t + H) ]      (C + H·F columns)
 *     cov(d)      = [ sin 2πp₁(d)/P₁, cos 2πp₁(d)/P₁, … (each calendar feature) | known columns at d ]
 *
 * so the last row r carries exactly the covariates of the H target dates r + 1 … r + H: the value for date d
 * is read when forecasting d (lead d − r on the last row), and no covariate of a date after the forecast's
 * last target date is ever read. Earlier rows of the window carry theirs the same way (at most H ahead of
 * the row), so training windows never read past their own targets, and nothing of the test part reaches a
 * training window.
 *
 * Encoding. A calendar feature is a position p in a cycle of length P (day of week 0 = Monday … 6, P = 7;
 * day of month 0 … days in that month − 1, P = days in that month; day of year 0 … 364/365, P = days in that
 * year; month 0 … 11, P = 12; quarter 0 … 3, P = 4), encoded as the pair (sin 2πp/P, cos 2πp/P): two
 * bounded inputs per feature, whatever the cycle's length, in which December sits next to January (one-hot
 * would need P inputs each and tells the network nothing about neighbours). The pairs are not scaled (they
 * lie in [−1, 1]). A known-future column enters as its level (not transformed: differencing an indicator
 * makes no sense), standardised by the mean and standard deviation of its training rows.
 *
 * Without calendar features and known-future columns nothing here runs and the input is the C columns
 * alone, exactly as before.
 */
import { SeqcastError } from '../errors.js';
import type { Frequency } from '../series/frequency.js';
import {
  DAY_MS,
  civilFromDays,
  describeFrequency,
  daysFromCivil,
  daysInMonth,
  nextLabels,
  parseIndexValue,
  weekday,
} from '../series/frequency.js';
import type { Series } from '../series/series.js';

export type CalendarFeature = 'dayOfWeek' | 'dayOfMonth' | 'dayOfYear' | 'month' | 'quarter';
export const CALENDAR_FEATURES: readonly CalendarFeature[] = [
  'dayOfWeek',
  'dayOfMonth',
  'dayOfYear',
  'month',
  'quarter',
];

/** The frequencies each calendar feature means something for (its cycle is longer than one step). */
const MEANINGFUL: Record<CalendarFeature, readonly Frequency['unit'][]> = {
  dayOfWeek: ['day', 'businessDay'],
  dayOfMonth: ['day', 'businessDay'],
  dayOfYear: ['day', 'businessDay', 'week'],
  month: ['day', 'businessDay', 'week', 'month'],
  quarter: ['day', 'businessDay', 'week', 'month'],
};

const UNIT_WORD: Record<Frequency['unit'], string> = {
  day: 'daily',
  businessDay: 'business-day',
  week: 'weekly',
  month: 'monthly',
  quarter: 'quarterly',
  year: 'yearly',
  step: 'integer-indexed',
};

/** The known-future columns' scale: the mean and standard deviation of their training rows. */
export interface KnownScale {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** What a fitted pipeline needs of its covariates. */
export interface CovariateSpec {
  readonly calendar: readonly CalendarFeature[];
  readonly knownFuture: readonly string[];
  readonly horizon: number;
}

/** Covariate values per date: F = 2 · calendar features + known-future columns. */
export function covariateWidth(spec: CovariateSpec): number {
  return 2 * spec.calendar.length + spec.knownFuture.length;
}

/** The columns the model reads besides the C transformed columns: H · F. */
export function covariateChannels(spec: CovariateSpec): number {
  return spec.horizon * covariateWidth(spec);
}

/** Checks a configuration's calendar list: known names, each once. */
export function checkCalendarNames(list: unknown): readonly CalendarFeature[] {
  if (!Array.isArray(list) || !list.every((n) => typeof n === 'string')) {
    throw new SeqcastError(
      'config',
      `forecaster: calendar must be a list of calendar features such as ['dayOfWeek', 'month'] (got ${JSON.stringify(list)})`,
    );
  }
  for (const n of list) {
    if (!(CALENDAR_FEATURES as readonly string[]).includes(n)) {
      throw new SeqcastError(
        'config',
        `forecaster: '${n}' is not a calendar feature; the calendar features are ${CALENDAR_FEATURES.map((f) => `'${f}'`).join(', ')}`,
      );
    }
  }
  if (new Set(list).size !== list.length)
    throw new SeqcastError('config', `forecaster: calendar names a feature twice ([${list.join(', ')}])`);
  return list as CalendarFeature[];
}

/** Refuses a calendar feature that makes no sense for the series' frequency, in one line. */
export function checkCalendarForSeries(features: readonly CalendarFeature[], series: Series): void {
  if (features.length === 0) return;
  const f = series.frequency;
  if (series.kind === 'integer' || f.unit === 'step') {
    throw new SeqcastError(
      'config',
      `forecaster: calendar features (${features.join(', ')}) need dates, but this series has an integer index; drop calendar or give the data with a date column`,
    );
  }
  for (const c of features) {
    if (!MEANINGFUL[c].includes(f.unit)) {
      const fits = CALENDAR_FEATURES.filter((k) => MEANINGFUL[k].includes(f.unit));
      throw new SeqcastError(
        'config',
        `forecaster: calendar feature '${c}' makes no sense for ${UNIT_WORD[f.unit]} data (every row has the same ${c}, or it changes by less than a step); ` +
          (fits.length > 0
            ? `for ${UNIT_WORD[f.unit]} data use ${fits.map((k) => `'${k}'`).join(', ')}`
            : `${UNIT_WORD[f.unit]} data has no calendar feature; drop calendar`),
      );
    }
    // a step that is a whole cycle (every 7 days, every 12 months) leaves the feature constant
    const first = position(c, Math.floor(series.index[0] / DAY_MS))[0];
    let varies = false;
    for (let i = 1; i < series.length && !varies; i++)
      varies = position(c, Math.floor(series.index[i] / DAY_MS))[0] !== first;
    if (!varies) {
      throw new SeqcastError(
        'config',
        `forecaster: calendar feature '${c}' is the same on every row of this ${describeFrequency(f)} series, so it carries nothing; drop it from calendar`,
      );
    }
  }
}

/** The cyclical position (p, P) of a calendar feature on day number `day`. */
function position(feature: CalendarFeature, day: number): [number, number] {
  const [y, m, d] = civilFromDays(day);
  switch (feature) {
    case 'dayOfWeek':
      return [weekday(day), 7];
    case 'dayOfMonth':
      return [d - 1, daysInMonth(y, m)];
    case 'dayOfYear': {
      const first = day - daysFromCivil(y, 1, 1);
      const leap = daysInMonth(y, 2) === 29;
      return [first, leap ? 366 : 365];
    }
    case 'month':
      return [m - 1, 12];
    case 'quarter':
      return [Math.floor((m - 1) / 3), 4];
  }
}

/**
 * Calendar values of the dates `index` (UTC milliseconds of the wall clock, as a Series' date index holds):
 * [n, 2 · features], each feature as (sin 2πp/P, cos 2πp/P).
 */
export function calendarValues(index: ArrayLike<number>, features: readonly CalendarFeature[]): Float64Array {
  const F = 2 * features.length;
  const out = new Float64Array(index.length * F);
  for (let i = 0; i < index.length; i++) {
    const day = Math.floor(index[i] / DAY_MS);
    features.forEach((c, j) => {
      const [p, P] = position(c, day);
      out[i * F + 2 * j] = Math.sin((2 * Math.PI * p) / P);
      out[i * F + 2 * j + 1] = Math.cos((2 * Math.PI * p) / P);
    });
  }
  return out;
}

/** The mean and standard deviation of the known-future columns over level rows [0, rows) (NaN left out). */
export function fitKnownScale(series: Series, columns: readonly string[], rows: number): KnownScale {
  const mean: number[] = [];
  const std: number[] = [];
  for (const name of columns) {
    const v = series.column(name).subarray(0, rows);
    let n = 0;
    let s = 0;
    for (const x of v) {
      if (Number.isNaN(x)) continue;
      n += 1;
      s += x;
    }
    const mu = n > 0 ? s / n : 0;
    let ss = 0;
    for (const x of v) if (!Number.isNaN(x)) ss += (x - mu) ** 2;
    const sd = n > 0 ? Math.sqrt(ss / n) : 0;
    mean.push(mu);
    std.push(sd > 0 ? sd : 1); // a constant column: centred, not divided by 0
  }
  return { mean, std };
}

/**
 * Per level row of the history and then of the future rows: the covariate values [rows, F] (calendar pairs,
 * then the known-future columns standardised). `future` holds the known-future columns' values of the
 * future rows (one array per column); `futureIndex` their dates.
 */
export function covariateRows(
  series: Series,
  spec: CovariateSpec,
  scale: KnownScale | null,
  futureIndex: ArrayLike<number> = [],
  future: readonly ArrayLike<number>[] = [],
): { values: Float64Array; rows: number } {
  const F = covariateWidth(spec);
  const L = series.length;
  const rows = L + futureIndex.length;
  const values = new Float64Array(rows * F);
  const nc = 2 * spec.calendar.length;
  if (nc > 0) {
    const index = new Float64Array(rows);
    index.set(series.index);
    index.set(Float64Array.from(futureIndex), L);
    const cal = calendarValues(index, spec.calendar);
    for (let r = 0; r < rows; r++) values.set(cal.subarray(r * nc, (r + 1) * nc), r * F);
  }
  spec.knownFuture.forEach((name, j) => {
    const past = series.column(name);
    const mu = scale!.mean[j];
    const sd = scale!.std[j];
    for (let r = 0; r < rows; r++) {
      const x = r < L ? past[r] : (future[j]?.[r - L] ?? Number.NaN); // not supplied: unknown
      values[r * F + nc + j] = (x - mu) / sd;
    }
  });
  return { values, rows };
}

/**
 * The model's input matrix: [Lz, C + H·F] from the scaled columns [Lz, C] (z row r belonging to level row
 * r + lag) and the covariate rows (level rows 0 … rows − 1): input row r carries cov(r + lag + 1) …
 * cov(r + lag + H), NaN where a date has no covariate row (after the known future).
 */
export function withCovariates(
  scaled: Float64Array,
  C: number,
  lag: number,
  spec: CovariateSpec,
  cov: { values: Float64Array; rows: number },
): Float64Array {
  const HF = covariateChannels(spec);
  const I = C + HF;
  const Lz = scaled.length / C;
  const out = new Float64Array(Lz * I);
  for (let r = 0; r < Lz; r++) {
    out.set(scaled.subarray(r * C, (r + 1) * C), r * I);
    writeLeads(cov, spec, r + lag, out, r * I + C);
  }
  return out;
}

/**
 * Writes the covariates of level rows d + 1 … d + H (step-major, H · F values) into `out` at `at`; NaN for a
 * row after the last covariate row.
 */
export function writeLeads(
  cov: { values: Float64Array; rows: number },
  spec: CovariateSpec,
  d: number,
  out: Float64Array | Float32Array,
  at: number,
): void {
  const F = covariateWidth(spec);
  for (let h = 1; h <= spec.horizon; h++) {
    const row = d + h;
    const to = at + (h - 1) * F;
    if (row < cov.rows) out.set(cov.values.subarray(row * F, (row + 1) * F), to);
    else out.fill(Number.NaN, to, to + F);
  }
}

/**
 * The known-future columns' values for the `needed` dates after the series' last row, from `future` (a
 * series holding those columns; its rows on or before the series' last date are ignored). Every one of the
 * dates must be there, in order, at the series' frequency, with a value in every column; otherwise one line
 * names the file, row, column and the fix.
 */
export function futureValues(
  series: Series,
  future: Series | undefined,
  columns: readonly string[],
  needed: number,
  why: string,
): { index: Float64Array; values: Float64Array[] } {
  const labels = nextLabels(series, needed);
  const last = series.label(series.length - 1);
  if (columns.length === 0) {
    return { index: Float64Array.from(labels, (l) => indexOf(series, l)), values: [] };
  }
  const name = future?.source ?? 'the future data';
  const fix = `give ${name} a row for each of the ${needed} dates ${labels[0]} .. ${labels[needed - 1]} with every column (${columns.join(', ')}) filled`;
  if (future === undefined) {
    throw new SeqcastError(
      'config',
      `forecast(): the model reads the known-future column${columns.length > 1 ? 's' : ''} ${columns.map((c) => `'${c}'`).join(', ')} ` +
        `of the ${needed} dates after ${last} (${why}), but no future values were given; pass them (--future FILE, or { future } in the API): a CSV with the date and ${columns.join(', ')} for ${labels[0]} .. ${labels[needed - 1]}`,
    );
  }
  const lacking = columns.filter((c) => !future.names.includes(c));
  if (lacking.length > 0) {
    throw new SeqcastError(
      'config',
      `${name}: it has no column ${lacking.map((c) => `'${c}'`).join(', ')} (it has ${future.names.map((c) => `'${c}'`).join(', ')}); ${fix}`,
    );
  }
  if (future.kind !== series.kind) {
    throw new SeqcastError(
      'config',
      `${name}: its index is ${future.kind === 'date' ? 'dates' : 'integers'} but the series' is ${series.kind === 'date' ? 'dates' : 'integers'}; ${fix}`,
    );
  }
  const first = future.rowsThrough(last, name); // rows on or before the last date are history: skipped
  const rowOf = (i: number): string =>
    future.source !== undefined ? `row ${i + 2} (${future.label(i)})` : `row ${i} (${future.label(i)})`;
  const values = columns.map(() => new Float64Array(needed));
  for (let k = 0; k < needed; k++) {
    const i = first + k;
    if (i >= future.length || future.label(i) !== labels[k]) {
      const found =
        i >= future.length
          ? `it ends at ${future.label(future.length - 1)}`
          : `${rowOf(i)} is dated ${future.label(i)}`;
      throw new SeqcastError(
        'config',
        `${name}: the date ${labels[k]} (step ${k + 1} of the ${needed} the forecast reads: ${why}) is missing — ${found}; the dates must continue the series after ${last} at its frequency; ${fix}`,
      );
    }
    columns.forEach((c, j) => {
      const v = future.column(c)[i];
      if (!Number.isFinite(v)) {
        throw new SeqcastError(
          'non-finite',
          `${name}: ${rowOf(i)}, column '${c}' has no value; a known-future covariate must be known for every forecast date; ${fix}`,
        );
      }
      values[j][k] = v;
    });
  }
  return { index: Float64Array.from(labels, (l) => indexOf(series, l)), values };
}

/** A label at the series' frequency as an index value (in the series' own offset). */
function indexOf(series: Series, label: string): number {
  const v = series.kind === 'integer' ? Number(label) : parseIndexValue(label, 'date', series.utcOffset);
  if (v === undefined) throw new SeqcastError('config', `forecast(): cannot read the date ${label}`);
  return v;
}
