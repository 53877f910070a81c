/**
 * The time series that flows through seqcast: one index (dates or integer steps) and named float64 columns.
 */
import { SeqcastError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { Frequency, IndexKind } from './frequency.js';
import {
  dateIndex,
  formatIndexValue,
  inferFrequency,
  parseIndexValue,
  permute,
  sortOrder,
} from './frequency.js';
import type { GapReport, GapRule } from './gaps.js';
import { GAP_RULES, calendarColumns, findGaps, irregularMessage } from './gaps.js';
import type { ResampleHow, ResampleUnit } from './resample.js';
import { resampleColumns } from './resample.js';

export type MissingPolicy = 'drop' | 'ffill' | 'interpolate';
export const MISSING_POLICIES: readonly MissingPolicy[] = ['drop', 'ffill', 'interpolate'];

/** Everything a Series is made of; `frequency` is inferred from the index when absent. */
export interface SeriesParts {
  readonly kind: IndexKind;
  readonly index: Float64Array;
  readonly names: readonly string[];
  readonly columns: readonly Float64Array[];
  readonly frequency?: Frequency;
  readonly source?: string;
  /**
   * For a date index written with one UTC offset in every row (minutes east of UTC): the index holds the
   * wall-clock times there and labels carry the offset (see `dateIndex`). Absent: UTC.
   */
  readonly utcOffset?: number;
}

export interface MissingValue {
  /** Position in the series, 0-based. */
  readonly row: number;
  readonly column: string;
  readonly label: string;
}

let construct: (parts: SeriesParts) => Series;

/**
 * A time series: an index and named columns of float64 values.
 *
 * Invariants, checked when a Series is made (`Series.fromColumns`, `readCsv`) and kept by every method:
 * - it has at least one row and one column, and column names are unique and non-empty;
 * - the index is strictly increasing, so sorted and free of duplicates. Kind `'date'`: UTC milliseconds,
 *   the midnight of the day for a plain date (or the wall-clock times at `utcOffset`, when the data names one
 *   offset in every row). Kind `'integer'`: safe integers;
 * - every column holds exactly `length` values;
 * - values are finite, or NaN where a value is explicitly missing (an empty CSV field, a `null`) and no
 *   missing-value policy has been applied yet. ±Infinity is never stored.
 *
 * A Series is immutable: methods return new Series. `index` and `column()` hand out the stored arrays
 * without copying, so copy them (`.slice()`) before writing.
 */
export class Series {
  readonly kind: IndexKind;
  readonly index: Float64Array;
  readonly names: readonly string[];
  /** Inferred from the index when the series is read; kept by `slice`, `select` and `fillMissing`. */
  readonly frequency: Frequency;
  /** Where the data came from (a file name), for messages. */
  readonly source: string | undefined;
  /** The UTC offset (minutes) every date of the data named, whose wall clock the index holds; see SeriesParts. */
  readonly utcOffset: number | undefined;
  readonly #columns: readonly Float64Array[];

  static {
    construct = (parts) => new Series(parts);
  }

  private constructor(parts: SeriesParts) {
    checkInvariants(parts);
    this.kind = parts.kind;
    this.index = parts.index;
    this.names = Object.freeze([...parts.names]);
    this.#columns = [...parts.columns];
    this.source = parts.source;
    this.utcOffset = parts.utcOffset;
    this.frequency = parts.frequency ?? inferFrequency(parts.index, parts.kind);
  }

  /**
   * A Series from plain arrays. The index holds ISO dates (`'2020-01-31'`, or date-times such as
   * `'2020-01-31T12:00:00Z'`, kept to the millisecond) or integers; a column value is a number, or `null`
   * (or NaN) for a missing one. An unsorted index is sorted (the columns follow); duplicates are an error.
   */
  static fromColumns(input: {
    readonly index: readonly (string | number)[];
    readonly columns: Record<string, ArrayLike<number | null>>;
    readonly source?: string;
  }): Series {
    const what = input.source ?? 'Series.fromColumns()';
    const raw = input.index;
    if (!Array.isArray(raw) || raw.length === 0) {
      throw new SeqcastError('shape', `${what}: index must be a non-empty array of ISO dates or integers`);
    }
    const kind: IndexKind = typeof raw[0] === 'number' ? 'integer' : 'date';
    const badIndex = (i: number): SeqcastError =>
      new SeqcastError(
        'config',
        `${what}: index[${i}] is ${JSON.stringify(raw[i])}, but index[0] made this ` +
          (kind === 'date'
            ? `a date index: write every date as YYYY-MM-DD (or an ISO date-time such as 2020-01-31T12:00:00Z)`
            : `an integer index: every value must be a safe integer`),
      );
    let index: Float64Array;
    let utcOffset: number | undefined;
    if (kind === 'date') {
      for (let i = 0; i < raw.length; i++) if (typeof raw[i] !== 'string') throw badIndex(i);
      ({ index, utcOffset } = dateIndex(raw as readonly string[], badIndex));
    } else {
      index = new Float64Array(raw.length);
      for (let i = 0; i < raw.length; i++) {
        const v = parseIndexValue(raw[i], kind);
        if (v === undefined) throw badIndex(i);
        index[i] = v;
      }
    }
    const names = Object.keys(input.columns ?? {});
    if (names.length === 0) {
      throw new SeqcastError(
        'shape',
        `${what}: columns must name at least one column, such as { price: [...] }`,
      );
    }
    const columns = names.map((name) => {
      const given = input.columns[name];
      if (name.trim() === '') throw new SeqcastError('config', `${what}: a column name is empty`);
      if (given === null || typeof given !== 'object' || given.length !== raw.length) {
        throw new SeqcastError(
          'shape',
          `${what}: column '${name}' has ${given?.length ?? 'no'} values but the index has ${raw.length}`,
        );
      }
      const values = new Float64Array(raw.length);
      for (let i = 0; i < raw.length; i++) {
        const v = given[i];
        if (v === null || (typeof v === 'number' && Number.isNaN(v))) values[i] = Number.NaN;
        else if (typeof v === 'number' && Number.isFinite(v)) values[i] = v;
        else {
          throw new SeqcastError(
            'non-finite',
            `${what}: column '${name}' at index[${i}] is ${String(v)}; values must be finite numbers, or null for a missing value`,
          );
        }
      }
      return values;
    });
    const order = sortOrder(index, kind, (i) => `index[${i}]`, what, 'config');
    return construct({
      kind,
      index: permute(index, order),
      names,
      columns: columns.map((c) => permute(c, order)),
      source: input.source,
      ...(utcOffset !== undefined ? { utcOffset } : {}),
    });
  }

  get length(): number {
    return this.index.length;
  }

  /** The values of column `name` (the stored array: copy it before writing). */
  column(name: string): Float64Array {
    return this.#columns[this.#position(name, 'column()')];
  }

  /** `'YYYY-MM-DD'` (an ISO date-time when the value has a time of day), or the integer. */
  label(i: number): string {
    if (!Number.isInteger(i) || i < 0 || i >= this.length) {
      throw new SeqcastError(
        'config',
        `label(): i must be an integer from 0 to ${this.length - 1} (got ${String(i)})`,
      );
    }
    return formatIndexValue(this.index[i], this.kind, this.utcOffset);
  }

  labels(): string[] {
    return Array.from(this.index, (v) => formatIndexValue(v, this.kind, this.utcOffset));
  }

  /** The rows whose index lies in [from, to], both inclusive; bounds are ISO dates or integers. */
  slice(range: { readonly from?: string | number; readonly to?: string | number }): Series {
    checkOptions('slice()', range, ['from', 'to']);
    const lo = range.from === undefined ? -Infinity : this.#bound(range.from, 'from');
    const hi = range.to === undefined ? Infinity : this.#bound(range.to, 'to');
    if (lo > hi) {
      throw new SeqcastError(
        'config',
        `slice(): from (${String(range.from)}) is after to (${String(range.to)}); swap them`,
      );
    }
    let start = 0;
    while (start < this.length && this.index[start] < lo) start++;
    let end = start;
    while (end < this.length && this.index[end] <= hi) end++;
    if (end === start) {
      throw new SeqcastError(
        'config',
        `slice(): no rows from ${String(range.from ?? 'the start')} to ${String(range.to ?? 'the end')}; ` +
          `the series runs from ${this.label(0)} to ${this.label(this.length - 1)}`,
      );
    }
    return this.#derive(
      this.index.slice(start, end),
      this.names,
      this.#columns.map((c) => c.slice(start, end)),
    );
  }

  /**
   * How many rows lie before `value` (an ISO date or an integer, read like `slice`'s bounds): the position of
   * the first row at or after it, or `length` when there is none. Index values are compared, never labels
   * as text (as text, '850' < '86').
   */
  rowsBefore(value: string | number, what = 'rowsBefore()'): number {
    const v = this.#bound(value, 'value', what);
    let i = 0;
    while (i < this.length && this.index[i] < v) i++;
    return i;
  }

  /** How many rows lie at or before `value` (see `rowsBefore`): the position of the first row after it. */
  rowsThrough(value: string | number, what = 'rowsThrough()'): number {
    const v = this.#bound(value, 'value', what);
    let i = 0;
    while (i < this.length && this.index[i] <= v) i++;
    return i;
  }

  /** The named columns, in the order given. */
  select(names: readonly string[]): Series {
    if (!Array.isArray(names) || names.length === 0) {
      throw new SeqcastError(
        'config',
        `select(): names must list at least one column (available: ${this.names.join(', ')})`,
      );
    }
    const seen = new Set<string>();
    for (const name of names) {
      if (seen.has(name)) throw new SeqcastError('config', `select(): column '${name}' is listed twice`);
      seen.add(name);
    }
    const positions = names.map((name) => this.#position(name, 'select()'));
    return this.#derive(
      this.index,
      names,
      positions.map((p) => this.#columns[p]),
    );
  }

  /** Every missing value (NaN), row by row. */
  missing(): MissingValue[] {
    const out: MissingValue[] = [];
    for (let i = 0; i < this.length; i++) {
      for (let c = 0; c < this.names.length; c++) {
        if (Number.isNaN(this.#columns[c][i]))
          out.push({ row: i, column: this.names[c], label: this.label(i) });
      }
    }
    return out;
  }

  /**
   * A series without missing values: `'drop'` removes every row with a missing value, `'ffill'` carries the
   * previous value forward, `'interpolate'` draws a straight line in time between the two known neighbours:
   * `v = v0 + (v1 − v0) · (t − t0) / (t1 − t0)`. A missing first value (`'ffill'`), or first or last value
   * (`'interpolate'`), has nothing to fill from and is an error.
   */
  fillMissing(policy: MissingPolicy): Series {
    const filled = fillColumns(
      this.index,
      this.#columns,
      this.names,
      policy,
      (i) => this.label(i),
      'fillMissing()',
    );
    return this.#derive(filled.index, this.names, filled.columns);
  }

  /**
   * The periods of the series' calendar (its frequency, from the first row to the last) that have no row:
   * how many, the runs, the first few labels, and whether the series is irregular (see gaps.ts). A
   * business-day series does not miss its weekends.
   */
  gaps(): GapReport {
    return findGaps(this);
  }

  /**
   * The series on its full calendar: a row for every period from the first row to the last. The new rows,
   * and empty values already there, are filled by `rule`: `'interpolate'` (a straight line in time between
   * the known neighbours), `'ffill'` (the previous value carried forward), or `'mask'` (left missing, NaN:
   * the forecaster leaves every window that touches one out of training and scoring). An irregular series
   * (more of its calendar missing than present) is refused: aggregate it with `resample` first.
   */
  fillGaps(rule: GapRule): Series {
    if (!GAP_RULES.includes(rule)) {
      throw new SeqcastError(
        'config',
        `fillGaps(): rule must be one of ${GAP_RULES.map((r) => `'${r}'`).join(', ')} (got ${JSON.stringify(rule)})`,
      );
    }
    const gaps = findGaps(this);
    if (gaps.irregular) throw new SeqcastError('config', `fillGaps(): ${irregularMessage(this, gaps)}`);
    const full = calendarColumns(this, this.#columns);
    if (rule === 'mask') return this.#derive(full.index, this.names, full.columns);
    const filled = fillColumns(
      full.index,
      full.columns,
      this.names,
      rule,
      (i) => formatIndexValue(full.index[i], this.kind, this.utcOffset),
      'fillGaps()',
    );
    return this.#derive(filled.index, this.names, filled.columns);
  }

  /** Aggregates to a coarser calendar period (see resample.ts). */
  resample(unit: ResampleUnit, how: ResampleHow): Series {
    if (this.kind !== 'date') {
      throw new SeqcastError('config', `resample(): needs a date index, but this series has integer steps`);
    }
    const out = resampleColumns(this.index, this.#columns, this.frequency, unit, how);
    return construct({
      kind: 'date',
      index: out.index,
      names: this.names,
      columns: out.columns,
      frequency: { unit, step: 1 },
      source: this.source,
      ...(this.utcOffset !== undefined ? { utcOffset: this.utcOffset } : {}),
    });
  }

  #derive(index: Float64Array, names: readonly string[], columns: readonly Float64Array[]): Series {
    return construct({
      kind: this.kind,
      index,
      names,
      columns,
      frequency: this.frequency,
      source: this.source,
      ...(this.utcOffset !== undefined ? { utcOffset: this.utcOffset } : {}),
    });
  }

  #position(name: string, what: string): number {
    const p = this.names.indexOf(name);
    if (p < 0) {
      throw new SeqcastError(
        'config',
        `${what}: no column ${JSON.stringify(name)}${this.source === undefined ? '' : ` in ${this.source}`}; ` +
          `available: ${this.names.join(', ')}`,
      );
    }
    return p;
  }

  #bound(value: string | number, which: string, what = 'slice()'): number {
    // An integer index given as text ('850', from a command line or a label) is read as its number.
    const given =
      this.kind === 'integer' && typeof value === 'string' && /^[+-]?\d+$/.test(value)
        ? Number(value)
        : value;
    const v = parseIndexValue(given, this.kind, this.utcOffset);
    if (v === undefined) {
      throw new SeqcastError(
        'config',
        `${what}: ${which} must be ` +
          (this.kind === 'date' ? `an ISO date such as '1950-01-01'` : `an integer`) +
          ` for this ${this.kind} index (got ${JSON.stringify(value)})`,
      );
    }
    return v;
  }
}

/** Makes a Series from parts (checking the invariants, not the user-facing details). Not public API. */
export function seriesFromParts(parts: SeriesParts): Series {
  return construct(parts);
}

/** Applies a missing-value policy to sorted columns; `rowName(i)` names row `i` in messages. */
export function fillColumns(
  index: Float64Array,
  columns: readonly Float64Array[],
  names: readonly string[],
  policy: MissingPolicy,
  rowName: (i: number) => string,
  what: string,
): { index: Float64Array; columns: Float64Array[] } {
  if (!MISSING_POLICIES.includes(policy)) {
    throw new SeqcastError(
      'config',
      `${what}: the missing-value policy must be one of ${MISSING_POLICIES.map((p) => `'${p}'`).join(', ')} (got ${JSON.stringify(policy)})`,
    );
  }
  const n = index.length;
  if (policy === 'drop') {
    const keep: number[] = [];
    for (let i = 0; i < n; i++) if (columns.every((c) => !Number.isNaN(c[i]))) keep.push(i);
    if (keep.length === 0) {
      throw new SeqcastError(
        'non-finite',
        `${what}: every row has a missing value, so 'drop' would leave nothing`,
      );
    }
    return { index: permute(index, keep), columns: columns.map((c) => permute(c, keep)) };
  }
  const out = columns.map((values, c) => {
    const filled = values.slice();
    for (let i = 0; i < n; i++) {
      if (!Number.isNaN(filled[i])) continue;
      if (policy === 'ffill') {
        if (i === 0) {
          throw new SeqcastError(
            'non-finite',
            `${what}: column '${names[c]}' is empty at ${rowName(0)}, the first row, so 'ffill' has no earlier ` +
              `value to carry forward; use 'drop' or 'interpolate', fill it, or slice the series to start later`,
          );
        }
        filled[i] = filled[i - 1];
        continue;
      }
      let j = i;
      while (j < n && Number.isNaN(filled[j])) j++;
      if (i === 0 || j === n) {
        throw new SeqcastError(
          'non-finite',
          `${what}: column '${names[c]}' is empty at ${rowName(i)} with no known value ${i === 0 ? 'before' : 'after'} ` +
            `it, and 'interpolate' fills only between two known values; use 'drop', fill it, or slice the series`,
        );
      }
      const [t0, t1, v0, v1] = [index[i - 1], index[j], filled[i - 1], filled[j]];
      for (let k = i; k < j; k++) filled[k] = v0 + ((v1 - v0) * (index[k] - t0)) / (t1 - t0);
      i = j;
    }
    return filled;
  });
  return { index, columns: out };
}

function checkInvariants(parts: SeriesParts): void {
  const { index, names, columns } = parts;
  const n = index.length;
  if (n === 0) throw new SeqcastError('shape', 'Series: needs at least one row');
  if (names.length === 0 || names.length !== columns.length || new Set(names).size !== names.length) {
    throw new SeqcastError('shape', `Series: needs one column per unique name (names: ${names.join(', ')})`);
  }
  for (let i = 0; i < n; i++) {
    const v = index[i];
    if (
      !Number.isFinite(v) ||
      (parts.kind === 'integer' && !Number.isSafeInteger(v)) ||
      (i > 0 && v <= index[i - 1])
    ) {
      throw new SeqcastError(
        'config',
        `Series: the index must be strictly increasing ${parts.kind} values (row ${i})`,
      );
    }
  }
  columns.forEach((values, c) => {
    if (values.length !== n) {
      throw new SeqcastError(
        'shape',
        `Series: column '${names[c]}' has ${values.length} values, the index ${n}`,
      );
    }
    for (let i = 0; i < n; i++) {
      if (values[i] === Infinity || values[i] === -Infinity) {
        throw new SeqcastError('non-finite', `Series: column '${names[c]}' is ${values[i]} at row ${i}`);
      }
    }
  });
}
