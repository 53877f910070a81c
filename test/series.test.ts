import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DatasetName, Frequency } from '../src/series/index.js';
import { loadDataset } from '../src/series/dataset-files.js';
import { needs } from './helpers/shared-data.js';
import {
  DATASETS,
  Series,
  datasetInfo,
  describeFrequency,
  inferFrequency,
  nextLabels,
} from '../src/series/index.js';

const DATASETS_DIR = new URL('../datasets/', import.meta.url);
// The datasets that are not bundled come from the shared data folder (or SEQCAST_DATA_DIR).
const UNBUNDLED = Object.values(DATASETS).filter((info) => !info.bundled);
const shared = needs(...UNBUNDLED.map((info) => `data/${info.file}`));
/** The datasets whose files are here: all of them with the shared data folder, else the bundled ones. */
const HERE = (Object.keys(DATASETS) as DatasetName[]).filter(
  (name) => DATASETS[name].bundled || shared.available,
);
const dates = (...labels: string[]): Series =>
  Series.fromColumns({ index: labels, columns: { y: labels.map((_, i) => i + 1) } });
const values = (s: Series, name = 'y'): number[] => Array.from(s.column(name));

describe('Series.fromColumns', () => {
  it('Series.fromColumns sorts an unsorted index and keeps each value with its date', () => {
    const s = Series.fromColumns({
      index: ['2020-03-01', '2020-01-01', '2020-02-01'],
      columns: { a: [3, 1, 2], b: [30, null, 20] },
    });
    expect(s.kind).toBe('date');
    expect(s.labels()).toEqual(['2020-01-01', '2020-02-01', '2020-03-01']);
    expect(values(s, 'a')).toEqual([1, 2, 3]);
    expect(values(s, 'b')).toEqual([NaN, 20, 30]);
    expect(s.names).toEqual(['a', 'b']);
    expect(s.length).toBe(3);
    expect(s.frequency).toEqual({ unit: 'month', step: 1 });
    expect(s.index[0]).toBe(Date.UTC(2020, 0, 1));
  });

  it('Series.fromColumns reads integer indexes and ISO date-times (midnight becomes a plain date)', () => {
    const steps = Series.fromColumns({ index: [10, 0, 5], columns: { y: [3, 1, 2] } });
    expect([steps.kind, ...steps.labels()]).toEqual(['integer', '0', '5', '10']);
    expect(steps.frequency).toEqual({ unit: 'step', step: 5 });
    const times = Series.fromColumns({
      index: ['2020-01-01T00:00:00Z', '2020-01-01T06:00:00.250Z', '0099-12-31'],
      columns: { y: [1, 2, 3] },
    });
    expect(times.labels()).toEqual(['0099-12-31', '2020-01-01', '2020-01-01T06:00:00.250Z']);
    expect(times.index[0]).toBe(new Date('0099-12-31T00:00:00Z').getTime());
  });

  it('Series.fromColumns rejects what would break an invariant, naming the value', () => {
    expect(() => Series.fromColumns({ index: [], columns: { y: [] } })).toThrow(
      /index must be a non-empty array of ISO dates or integers/,
    );
    expect(() => Series.fromColumns({ index: ['2020-01-01', '2020-02-30'], columns: { y: [1, 2] } })).toThrow(
      /^Series\.fromColumns\(\): index\[1\] is "2020-02-30", but index\[0\] made this a date index: write every date as YYYY-MM-DD/,
    );
    expect(() => Series.fromColumns({ index: [1, 2.5], columns: { y: [1, 2] } })).toThrow(
      /index\[1\] is 2\.5, but index\[0\] made this an integer index: every value must be a safe integer/,
    );
    expect(() => Series.fromColumns({ index: [1, 2 ** 53], columns: { y: [1, 2] } })).toThrow(/safe integer/);
    expect(() => Series.fromColumns({ index: [1, '2020-01-01'], columns: { y: [1, 2] } })).toThrow(
      /index\[1\]/,
    );
    expect(() =>
      Series.fromColumns({ index: ['2020-01-01', '2020-02-01', '2020-01-01'], columns: { y: [1, 2, 3] } }),
    ).toThrow(
      /^Series\.fromColumns\(\): index\[0\] and index\[2\] both have the date 2020-01-01; each may appear only once/,
    );
    expect(() => Series.fromColumns({ index: [1, 2], columns: {} })).toThrow(
      /columns must name at least one column/,
    );
    expect(() => Series.fromColumns({ index: [1, 2], columns: { y: [1] } })).toThrow(
      /column 'y' has 1 values but the index has 2/,
    );
    expect(() =>
      Series.fromColumns({ index: [1, 2], columns: { y: [1, Infinity] }, source: 'mine' }),
    ).toThrow(
      /^mine: column 'y' at index\[1\] is Infinity; values must be finite numbers, or null for a missing value$/,
    );
  });
});

describe('Series methods', () => {
  const s = Series.fromColumns({
    index: ['2020-01-01', '2020-02-01', '2020-03-01', '2020-04-01'],
    columns: { a: [1, NaN, 3, 4], b: [10, 20, 30, null] },
    source: 'demo.csv',
  });

  it('column(name) names the available columns when the name is unknown', () => {
    expect(() => s.column('c')).toThrow(/^column\(\): no column "c" in demo\.csv; available: a, b$/);
  });

  it('label(i) checks i', () => {
    expect(s.label(3)).toBe('2020-04-01');
    expect(() => s.label(4)).toThrow(/label\(\): i must be an integer from 0 to 3 \(got 4\)/);
  });

  it('slice({from, to}) is inclusive and works with bounds that are not in the index', () => {
    expect(s.slice({ from: '2020-02-01', to: '2020-03-01' }).labels()).toEqual(['2020-02-01', '2020-03-01']);
    expect(s.slice({ from: '2020-01-15' }).labels()).toEqual(['2020-02-01', '2020-03-01', '2020-04-01']);
    expect(s.slice({ to: '2020-01-01' }).frequency).toEqual({ unit: 'month', step: 1 });
    const steps = Series.fromColumns({ index: [1, 2, 3, 4], columns: { y: [1, 2, 3, 4] } });
    expect(steps.slice({ from: 2, to: 3 }).labels()).toEqual(['2', '3']);
  });

  it('slice({from, to}) rejects empty, reversed and mistyped ranges', () => {
    expect(() => s.slice({ from: '2021-01-01' })).toThrow(
      /^slice\(\): no rows from 2021-01-01 to the end; the series runs from 2020-01-01 to 2020-04-01$/,
    );
    expect(() => s.slice({ from: '2020-03-01', to: '2020-02-01' })).toThrow(
      /from \(2020-03-01\) is after to/,
    );
    expect(() => s.slice({ from: 3 })).toThrow(
      /from must be an ISO date such as '1950-01-01' for this date index \(got 3\)/,
    );
    expect(() => s.slice({ start: '2020-01-01' } as never)).toThrow(
      /unknown option 'start'; the options are 'from', 'to'/,
    );
  });

  it('select(names) reorders and checks the names', () => {
    expect(s.select(['b', 'a']).names).toEqual(['b', 'a']);
    expect(() => s.select(['a', 'x'])).toThrow(/select\(\): no column "x" in demo\.csv; available: a, b/);
    expect(() => s.select(['a', 'a'])).toThrow(/column 'a' is listed twice/);
    expect(() => s.select([])).toThrow(/must list at least one column \(available: a, b\)/);
  });

  it('missing() lists every missing value with its row, column and label', () => {
    expect(s.missing()).toEqual([
      { row: 1, column: 'a', label: '2020-02-01' },
      { row: 3, column: 'b', label: '2020-04-01' },
    ]);
  });
});

describe('fillMissing(policy)', () => {
  // Unequal spacing (10, 20 and 30 days) so that interpolation in time differs from interpolation by row.
  const s = Series.fromColumns({
    index: ['2020-01-01', '2020-01-11', '2020-01-31', '2020-03-01'],
    columns: { a: [1, null, null, 7], b: [2, 4, null, 8] },
  });

  it("fillMissing('drop') removes every row with a missing value and keeps the frequency", () => {
    const d = s.fillMissing('drop');
    expect(d.labels()).toEqual(['2020-01-01', '2020-03-01']);
    expect([values(d, 'a'), values(d, 'b')]).toEqual([
      [1, 7],
      [2, 8],
    ]);
    expect(d.frequency).toEqual(s.frequency);
  });

  it("fillMissing('ffill') carries the previous value forward", () => {
    const f = s.fillMissing('ffill');
    expect([values(f, 'a'), values(f, 'b')]).toEqual([
      [1, 1, 1, 7],
      [2, 4, 4, 8],
    ]);
  });

  it("fillMissing('interpolate') is linear in time, not in row number", () => {
    const f = s.fillMissing('interpolate');
    // a: 1 → 7 over 60 days: +10 days → 2, +30 days → 4. b: 4 → 8 over 50 days: +20 days → 5.6.
    expect(values(f, 'a')).toEqual([1, 2, 4, 7]);
    expect(values(f, 'b')[2]).toBeCloseTo(5.6, 12);
    expect(f.missing()).toEqual([]);
  });

  it('fillMissing(policy) fails where there is nothing to fill from, naming the row', () => {
    const first = Series.fromColumns({ index: [1, 2, 3], columns: { y: [null, 2, null] } });
    expect(() => first.fillMissing('ffill')).toThrow(
      /^fillMissing\(\): column 'y' is empty at 1, the first row, so 'ffill' has no earlier value to carry forward/,
    );
    expect(() => first.fillMissing('interpolate')).toThrow(
      /^fillMissing\(\): column 'y' is empty at 1 with no known value before it, and 'interpolate' fills only between two known values/,
    );
    const last = Series.fromColumns({ index: [1, 2, 3], columns: { y: [1, 2, null] } });
    expect(() => last.fillMissing('interpolate')).toThrow(/empty at 3 with no known value after it/);
    expect(() => Series.fromColumns({ index: [1], columns: { y: [null] } }).fillMissing('drop')).toThrow(
      /every row has a missing value, so 'drop' would leave nothing/,
    );
    expect(() => s.fillMissing('zero' as never)).toThrow(
      /policy must be one of 'drop', 'ffill', 'interpolate' \(got "zero"\)/,
    );
  });

  it.skipIf(!shared.available)(
    `fillMissing on sp500_monthly_full: 'interpolate' and 'ffill' stop at pe10's empty start${shared.note}`,
    () => {
      const full = loadDataset('sp500-full');
      expect(() => full.fillMissing('ffill')).toThrow(/column 'pe10' is empty at 1871-01-01, the first row/);
      expect(() => full.fillMissing('interpolate')).toThrow(
        /column 'dividend' is empty at 2023-07-01 with no known value after it/,
      );
    },
  );
});

describe('resample(unit, how)', () => {
  // Thu 2020-01-02 … Tue 2020-01-14, with a missing value on Tue 2020-01-07 and no rows in the week of 01-20.
  const daily = Series.fromColumns({
    index: ['2020-01-02', '2020-01-03', '2020-01-06', '2020-01-07', '2020-01-08', '2020-01-14', '2020-01-27'],
    columns: { y: [1, 2, 3, null, 5, 6, 7] },
  });

  it('resample(week) labels weeks by their Monday, skips missing values and leaves an empty week missing', () => {
    const mean = daily.resample('week', 'mean');
    expect(mean.labels()).toEqual(['2019-12-30', '2020-01-06', '2020-01-13', '2020-01-20', '2020-01-27']);
    expect(values(mean)).toEqual([1.5, 4, 6, NaN, 7]);
    expect(values(daily.resample('week', 'sum'))).toEqual([3, 8, 6, NaN, 7]);
    expect(values(daily.resample('week', 'last'))).toEqual([2, 5, 6, NaN, 7]);
    expect(mean.frequency).toEqual({ unit: 'week', step: 1 });
  });

  it('resample(month | quarter | year) labels each period by its first day', () => {
    const monthly = Series.fromColumns({
      index: ['2019-11-01', '2019-12-01', '2020-01-01', '2020-02-01', '2020-04-01'],
      columns: { y: [1, 2, 3, 4, 5] },
    });
    const q = monthly.resample('quarter', 'sum');
    expect(q.labels()).toEqual(['2019-10-01', '2020-01-01', '2020-04-01']);
    expect(values(q)).toEqual([3, 7, 5]);
    const y = monthly.resample('year', 'mean');
    expect([y.labels(), values(y)]).toEqual([
      ['2019-01-01', '2020-01-01'],
      [1.5, 4],
    ]);
    expect(y.frequency).toEqual({ unit: 'year', step: 1 });
    const m = Series.fromColumns({ index: ['2020-01-31', '2020-02-29'], columns: { y: [1, 2] } }).resample(
      'month',
      'last',
    );
    expect(m.labels()).toEqual(['2020-01-01', '2020-02-01']);
  });

  it.skipIf(!shared.available)(
    `resample(year, mean) of sp500 gives 18.4 for 1950, as the tutorial exercise expects (high teens)${shared.note}`,
    () => {
      const yearly = loadDataset('sp500').resample('year', 'mean');
      expect(yearly.length).toBe(2026 - 1871 + 1);
      expect(yearly.column('price')[yearly.labels().indexOf('1950-01-01')]).toBeCloseTo(18.4, 10);
    },
  );

  it('resample rejects a finer period, an integer index and unknown arguments', () => {
    const monthly = dates('2020-01-01', '2020-02-01');
    expect(() => monthly.resample('week', 'mean')).toThrow(
      /^resample\(\): the series is monthly, so 'week' would be finer; resample only aggregates to a coarser \(or equal\) period$/,
    );
    expect(() =>
      Series.fromColumns({ index: [1, 2], columns: { y: [1, 2] } }).resample('year', 'mean'),
    ).toThrow(/resample\(\): needs a date index, but this series has integer steps/);
    expect(() => monthly.resample('day' as never, 'mean')).toThrow(
      /unit must be one of 'week', 'month', 'quarter', 'year' \(got "day"\)/,
    );
    expect(() => monthly.resample('year', 'max' as never)).toThrow(
      /how must be one of 'mean', 'last', 'sum' \(got "max"\)/,
    );
  });
});

describe('frequency', () => {
  const EXPECTED: Record<DatasetName, Frequency> = {
    sp500: { unit: 'month', step: 1 },
    'sp500-full': { unit: 'month', step: 1 },
    sunspots: { unit: 'month', step: 1 },
    'sunspots-long': { unit: 'month', step: 1 },
    'air-passengers': { unit: 'month', step: 1 },
    'melbourne-temp': { unit: 'day', step: 1 },
    'natural-gas': { unit: 'businessDay', step: 1 },
    'uk-seatbelts': { unit: 'month', step: 1 },
  };

  it.each(HERE)('inferFrequency(%s) matches the catalogue', (name) => {
    const s = loadDataset(name);
    expect(inferFrequency(s.index, s.kind)).toEqual(EXPECTED[name]);
    expect(s.frequency).toEqual(EXPECTED[name]);
    expect(DATASETS[name].frequency).toEqual(EXPECTED[name]);
  });

  it.skipIf(!shared.available)(
    `inferFrequency keeps the frequency through gaps (melbourne without its 2 empty days, natural gas around 2005)${shared.note}`,
    () => {
      const melbourne = loadDataset('melbourne-temp').fillMissing('drop');
      expect(inferFrequency(melbourne.index, 'date')).toEqual({ unit: 'day', step: 1 });
      const gas = loadDataset('natural-gas').slice({ from: '2005-09-01', to: '2005-10-31' });
      expect(inferFrequency(gas.index, 'date')).toEqual({ unit: 'businessDay', step: 1 });
    },
  );

  it('inferFrequency reads quarters, years, weeks, month ends, steps and date-times', () => {
    const infer = (...labels: string[]): Frequency => dates(...labels).frequency;
    expect(infer('2020-01-01', '2020-04-01', '2020-10-01')).toEqual({ unit: 'quarter', step: 1 });
    expect(infer('2000-01-01', '2001-01-01', '2003-01-01')).toEqual({ unit: 'year', step: 1 });
    expect(infer('2000-01-01', '2002-01-01', '2006-01-01')).toEqual({ unit: 'year', step: 2 });
    expect(infer('2020-01-31', '2020-02-29', '2020-03-31')).toEqual({ unit: 'month', step: 1 });
    expect(infer('2020-01-06', '2020-01-13', '2020-01-27')).toEqual({ unit: 'week', step: 1 });
    expect(infer('2020-01-01', '2020-01-03', '2020-01-05')).toEqual({ unit: 'day', step: 2 });
    expect(infer('2020-01-02', '2020-01-03', '2020-01-06')).toEqual({ unit: 'businessDay', step: 1 });
    expect(infer('2020-01-01')).toEqual({ unit: 'day', step: 1 });
    expect(infer('2020-01-01T00:00:00Z', '2020-01-01T06:00:00Z')).toEqual({
      unit: 'step',
      step: 6 * 3_600_000,
    });
    expect(inferFrequency(new Float64Array([1749, 1750, 1752]), 'integer')).toEqual({
      unit: 'step',
      step: 1,
    });
  });

  it('nextLabels(series, n) continues each dataset at its frequency', () => {
    expect(nextLabels(loadDataset('air-passengers'), 2)).toEqual(['1961-01-01', '1961-02-01']);
    for (const name of HERE) {
      const s = loadDataset(name);
      const next = nextLabels(s, 2);
      expect(next).toHaveLength(2);
      expect(next[0] > s.label(s.length - 1) && next[1] > next[0]).toBe(true);
    }
  });

  it.skipIf(!shared.available)(
    `nextLabels continues the monthly S&P 500, daily Melbourne and business-daily gas files${shared.note}`,
    () => {
      expect(nextLabels(loadDataset('sp500'), 3)).toEqual(['2026-07-01', '2026-08-01', '2026-09-01']);
      expect(nextLabels(loadDataset('melbourne-temp'), 2)).toEqual(['1991-01-01', '1991-01-02']);
      // 2026-08-18 is a Tuesday: Wed, Thu, Fri, then Monday.
      expect(nextLabels(loadDataset('natural-gas'), 4)).toEqual([
        '2026-08-19',
        '2026-08-20',
        '2026-08-21',
        '2026-08-24',
      ]);
    },
  );

  it('nextLabels keeps the day of the month, month ends, quarters, years, weeks and integer steps', () => {
    expect(nextLabels(dates('2020-11-15', '2020-12-15'), 3)).toEqual([
      '2021-01-15',
      '2021-02-15',
      '2021-03-15',
    ]);
    expect(nextLabels(dates('2019-12-31', '2020-01-31'), 2)).toEqual(['2020-02-29', '2020-03-31']);
    expect(nextLabels(dates('2020-04-01', '2020-07-01'), 2)).toEqual(['2020-10-01', '2021-01-01']);
    expect(nextLabels(dates('2019-02-28', '2020-02-29'), 1)).toEqual(['2021-02-28']);
    expect(nextLabels(dates('2020-01-06', '2020-01-20'), 1)).toEqual(['2020-02-03']);
    expect(nextLabels(dates('2020-01-03'), 1)).toEqual(['2020-01-04']);
    expect(nextLabels(Series.fromColumns({ index: [0, 5], columns: { y: [1, 2] } }), 2)).toEqual([
      '10',
      '15',
    ]);
    expect(nextLabels(dates('2020-01-01'), 0)).toEqual([]);
    expect(() => nextLabels(dates('2020-01-01'), 1.5)).toThrow(/n must be an integer ≥ 0 \(got 1\.5\)/);
  });

  it('describeFrequency(f) names the frequency', () => {
    expect(describeFrequency({ unit: 'month', step: 1 })).toBe('monthly');
    expect(describeFrequency({ unit: 'day', step: 1 })).toBe('daily');
    expect(describeFrequency({ unit: 'businessDay', step: 1 })).toBe('business-daily');
    expect(describeFrequency({ unit: 'week', step: 2 })).toBe('every 2 weeks');
    expect(describeFrequency({ unit: 'step', step: 5 })).toBe('every 5 steps');
  });
});

describe('the dataset catalogue', () => {
  it.each(Object.values(DATASETS))(
    'DATASETS[$name] says whether its file is bundled, and datasets/README.md describes it',
    (info) => {
      expect(existsSync(new URL(info.file, DATASETS_DIR))).toBe(info.bundled);
      expect(readFileSync(new URL('README.md', DATASETS_DIR), 'utf8')).toContain(`## ${info.file}`);
    },
  );

  it.each(HERE)('DATASETS[%s].valueColumn is a column of its file', (name) => {
    expect(loadDataset(name).names).toContain(DATASETS[name].valueColumn);
  });

  it('datasetInfo(name) lists the names when it does not know one', () => {
    expect(datasetInfo('sp500').file).toBe('sp500_monthly.csv');
    expect(Object.keys(DATASETS)).toEqual([
      'sp500',
      'sp500-full',
      'sunspots',
      'sunspots-long',
      'air-passengers',
      'melbourne-temp',
      'natural-gas',
      'uk-seatbelts',
    ]);
    expect(() => datasetInfo('sp400')).toThrow(
      /no bundled dataset "sp400"; available: sp500, sp500-full, sunspots/,
    );
  });
});
