import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SeqcastError } from '../src/errors.js';
import type { Series } from '../src/series/index.js';
import { readCsv } from '../src/series/index.js';
import { findDataFile } from '../src/series/dataset-files.js';
import { needs } from './helpers/shared-data.js';

/** A dataset file found by the library's resolver (bundled, SEQCAST_DATA_DIR, the shared data folder). */
const pathOf = (file: string): string => {
  const path = findDataFile(file);
  if (path === null) throw new Error(`${file} not found`);
  return path;
};
const text = (file: string): string => readFileSync(pathOf(file), 'utf8');
const load = (file: string, missing?: 'keep' | 'drop' | 'ffill' | 'interpolate'): Series =>
  readCsv(text(file), { source: file, missing });

function range(values: Float64Array): { min: number; max: number; missing: number } {
  let [min, max, missing] = [Infinity, -Infinity, 0];
  for (const v of values) {
    if (Number.isNaN(v)) missing++;
    else [min, max] = [Math.min(min, v), Math.max(max, v)];
  }
  return { min, max, missing };
}

function errorOf(f: () => unknown): SeqcastError {
  try {
    f();
  } catch (e) {
    if (e instanceof SeqcastError) return e;
    throw e;
  }
  throw new Error('expected a SeqcastError');
}

// Rows, ranges and hashes as stated in datasets/README.md.
const FILES = [
  {
    file: 'sp500_monthly.csv',
    rows: 1866,
    from: '1871-01-01',
    to: '2026-06-01',
    column: 'price',
    min: 2.73,
    max: 7450.03,
    sha: '634dd84ca8564f174a82c3dc1123eef10325f4ef7341c74a240f6f63873ea8de',
  },
  {
    file: 'sp500_monthly_full.csv',
    rows: 1866,
    from: '1871-01-01',
    to: '2026-06-01',
    column: 'price',
    min: 2.73,
    max: 7450.03,
    sha: '51f8cabd71af57a4d563f1a236b681114a161f8b0c595217eac9364e10e6bfb0',
  },
  {
    file: 'sunspots_monthly.csv',
    rows: 2820,
    from: '1749-01-01',
    to: '1983-12-01',
    column: 'sunspots',
    min: 0,
    max: 253.8,
    sha: '03e8fc2fa4e9860ff06068f4812341974ae3c4eac7b34af395a92cb2cc66b41c',
  },
  {
    file: 'sunspots_monthly_long.csv',
    rows: 3177,
    from: '1749-01-01',
    to: '2013-09-01',
    column: 'sunspots',
    min: 0,
    max: 253.8,
    sha: '4e44de773e5727a72c2c1872122ea5cfeaedd48ef19d7bea4122eebd0149cf83',
  },
  {
    file: 'air_passengers_monthly.csv',
    rows: 144,
    from: '1949-01-01',
    to: '1960-12-01',
    column: 'passengers',
    min: 104,
    max: 622,
    sha: '1e7bf30c0574d9a88a2bbd60c0528293f7a41c453b6da220669b2894f7114e65',
  },
  {
    file: 'melbourne_min_temp_daily.csv',
    rows: 3652,
    from: '1981-01-01',
    to: '1990-12-31',
    column: 'temp',
    min: 0,
    max: 26.3,
    sha: 'e4fec0dee87297af8051159f1264c7590eb6627eddefc122f601d2b5b8c0b922',
  },
  {
    file: 'natural_gas_daily.csv',
    rows: 7437,
    from: '1997-01-07',
    to: '2026-08-18',
    column: 'price',
    min: 1.05,
    max: 30.72,
    sha: '823db21bb10c2832cce638a6ee14095450f9b143b41709f484efffb236e74db6',
  },
  {
    file: 'uk_seatbelts_monthly.csv',
    rows: 192,
    from: '1969-01-01',
    to: '1984-12-01',
    column: 'drivers_killed',
    min: 60,
    max: 198,
    sha: 'd84fd6ab61d38487039a720cae5a98fca8eb67837515bae2fe1ed87006abd822',
  },
];

// The files that came from other public repositories: read in place from a data folder, never bundled.
const UNBUNDLED = [
  'sp500_monthly.csv',
  'sp500_monthly_full.csv',
  'melbourne_min_temp_daily.csv',
  'natural_gas_daily.csv',
];
const shared = needs(...UNBUNDLED.map((file) => `data/${file}`));

function describeFiles(files: typeof FILES): void {
  it.each(files)('$file holds the exact bytes datasets/README.md states (sha256)', ({ file, sha }) => {
    expect(
      createHash('sha256')
        .update(readFileSync(pathOf(file)))
        .digest('hex'),
    ).toBe(sha);
  });

  it.each(files)(
    'readCsv($file) gives $rows rows from $from to $to, $column from $min to $max',
    ({ file, rows, from, to, column, min, max }) => {
      // The daily files have empty fields (tested below): 'ffill' keeps every row and the min and max.
      const daily = file === 'melbourne_min_temp_daily.csv' || file === 'natural_gas_daily.csv';
      const s = readCsv(
        text(file),
        daily ? { source: file, missing: 'ffill' } : { source: file, columns: [column] },
      );
      expect(s.length).toBe(rows);
      expect(s.label(0)).toBe(from);
      expect(s.label(s.length - 1)).toBe(to);
      expect(range(s.column(column))).toEqual({ min, max, missing: 0 });
    },
  );
}

describe('the bundled datasets', () => {
  describeFiles(FILES.filter(({ file }) => !UNBUNDLED.includes(file)));
  it('readCsv(uk_seatbelts_monthly.csv) reads 8 value columns; law switches to 1 in 1983-02', () => {
    const s = load('uk_seatbelts_monthly.csv');
    expect(s.names).toEqual([
      'drivers_killed',
      'drivers',
      'front',
      'rear',
      'kms',
      'petrol_price',
      'van_killed',
      'law',
    ]);
    const law = s.column('law');
    expect(s.label(law.indexOf(1))).toBe('1983-02-01');
    expect(s.missing()).toEqual([]);
  });

  it('the two sunspot files differ in 143 of the 2820 overlapping months, as the README says', () => {
    const short = load('sunspots_monthly.csv').column('sunspots');
    const long = load('sunspots_monthly_long.csv').slice({ to: '1983-12-01' }).column('sunspots');
    expect(long.length).toBe(2820);
    expect(short.filter((v, i) => v !== long[i]).length).toBe(143);
  });
});

describe.skipIf(!shared.available)(`the datasets read from a data folder${shared.note}`, () => {
  describeFiles(FILES.filter(({ file }) => UNBUNDLED.includes(file)));

  it('readCsv(sp500_monthly_full.csv) fails by default and, with missing: keep, has the empty fields the README lists', () => {
    expect(() => load('sp500_monthly_full.csv')).toThrow(
      /^sp500_monthly_full\.csv: row 2 \(1871-01-01\), column 'pe10' is empty \(395 more: row 3 \(1871-02-01\), column 'pe10'; .*; and 391 more\); pass missing/,
    );
    const s = load('sp500_monthly_full.csv', 'keep');
    expect(s.names).toEqual([
      'price',
      'dividend',
      'earnings',
      'cpi',
      'long_rate',
      'real_price',
      'real_dividend',
      'real_earnings',
      'pe10',
    ]);
    const counts = Object.fromEntries(s.names.map((name) => [name, range(s.column(name)).missing]));
    expect(counts).toEqual({
      price: 0,
      dividend: 36,
      earnings: 36,
      cpi: 33,
      long_rate: 33,
      real_price: 33,
      real_dividend: 36,
      real_earnings: 36,
      pe10: 153,
    });
    expect([range(s.column('cpi')).min, range(s.column('cpi')).max]).toEqual([6.28, 306.13]);
    expect([range(s.column('pe10')).min, range(s.column('pe10')).max]).toEqual([4.78, 44.2]);
    const dropped = s.fillMissing('drop');
    expect([dropped.length, dropped.label(0), dropped.label(dropped.length - 1)]).toEqual([
      1710,
      '1881-01-01',
      '2023-06-01',
    ]);
  });

  it('sp500 sliced to 1950-01-01..2026-05-01 has 917 rows from 16.88 to 7412.55', () => {
    const s = load('sp500_monthly.csv').slice({ from: '1950-01-01', to: '2026-05-01' });
    expect(s.length).toBe(917);
    expect(range(s.column('price'))).toEqual({ min: 16.88, max: 7412.55, missing: 0 });
  });
});

describe.skipIf(!shared.available)(`missing values in the daily datasets${shared.note}`, () => {
  it('readCsv(melbourne) fails by default, naming both empty rows and the fix', () => {
    const e = errorOf(() => load('melbourne_min_temp_daily.csv'));
    expect(e.code).toBe('non-finite');
    expect(e.message).toMatch(
      /^melbourne_min_temp_daily\.csv: row 1462 \(1984-12-31\), column 'temp' is empty \(1 more: row 2923 \(1988-12-31\), column 'temp'\); pass missing: 'drop' \| 'ffill' \| 'interpolate' or fill them$/,
    );
  });

  it('readCsv(natural gas) fails by default, naming row 5286', () => {
    expect(() => load('natural_gas_daily.csv')).toThrow(
      /^natural_gas_daily\.csv: row 5286 \(2018-01-05\), column 'price' is empty; pass missing: 'drop' \| 'ffill' \| 'interpolate' or fill it$/,
    );
  });

  it('readCsv(melbourne) loads with each policy', () => {
    const drop = load('melbourne_min_temp_daily.csv', 'drop');
    expect(drop.length).toBe(3650);
    expect(drop.labels()).not.toContain('1984-12-31');
    const ffill = load('melbourne_min_temp_daily.csv', 'ffill');
    const at = (s: Series, label: string): number => s.column('temp')[s.labels().indexOf(label)];
    expect([at(ffill, '1984-12-31'), at(ffill, '1988-12-31')]).toEqual([16.4, 14.1]);
    const lerp = load('melbourne_min_temp_daily.csv', 'interpolate');
    expect(at(lerp, '1984-12-31')).toBeCloseTo((16.4 + 13.3) / 2, 12);
    expect(at(lerp, '1988-12-31')).toBeCloseTo((14.1 + 14.3) / 2, 12);
    for (const s of [drop, ffill, lerp]) expect(s.missing()).toEqual([]);
  });

  it('readCsv(natural gas) loads with each policy; interpolate is linear in time across the weekend', () => {
    const at = (s: Series, label: string): number => s.column('price')[s.labels().indexOf(label)];
    expect(load('natural_gas_daily.csv', 'drop').length).toBe(7436);
    expect(at(load('natural_gas_daily.csv', 'ffill'), '2018-01-05')).toBe(4.65);
    // 2018-01-04 (Thu) 4.65 … 2018-01-08 (Mon) 2.89: Friday is 1 of the 4 calendar days along.
    expect(at(load('natural_gas_daily.csv', 'interpolate'), '2018-01-05')).toBeCloseTo(
      4.65 + (2.89 - 4.65) / 4,
      12,
    );
  });
});

describe('readCsv(text, options)', () => {
  it('readCsv accepts a BOM and CRLF line ends, skips blank lines and trims spaces', () => {
    const s = readCsv('\ufeffdate,price\r\n2020-01-01, 1.5\r\n\r\n2020-02-01,2\r\n');
    expect(s.names).toEqual(['price']);
    expect(s.labels()).toEqual(['2020-01-01', '2020-02-01']);
    expect(Array.from(s.column('price'))).toEqual([1.5, 2]);
    expect(s.frequency).toEqual({ unit: 'month', step: 1 });
  });

  it('readCsv sorts unsorted rows and reads integer indexes and date-times', () => {
    const s = readCsv('t,y\n3,30\n1,10\n2,20\n');
    expect([s.kind, ...s.labels()]).toEqual(['integer', '1', '2', '3']);
    expect(Array.from(s.column('y'))).toEqual([10, 20, 30]);
    const times = readCsv(
      'when,y\n2020-01-01T00:00:00Z,1\n2020-01-01T12:30:00Z,2\n2020-01-02T00:00:00+01:00,3\n',
    );
    expect(times.labels()).toEqual(['2020-01-01', '2020-01-01T12:30:00.000Z', '2020-01-01T23:00:00.000Z']);
  });

  it('readCsv honours dateColumn and columns (in the order given)', () => {
    const s = readCsv('a,when,b\n1,2020-01-01,2\n3,2020-01-02,4\n', {
      dateColumn: 'when',
      columns: ['b', 'a'],
    });
    expect(s.names).toEqual(['b', 'a']);
    expect(Array.from(s.column('a'))).toEqual([1, 3]);
  });

  it('readCsv rejects a bad file with one line naming source, row, column, text and fix', () => {
    const read =
      (csv: string, options = {}) =>
      () =>
        readCsv(csv, { source: 'prices.csv', ...options });
    expect(read('')).toThrow(/^prices\.csv: the file is empty; expected a header row such as 'date,price'/);
    expect(read('\ufeff \n')).toThrow(/the file is empty/);
    expect(read('date,price\n')).toThrow(/^prices\.csv: there is a header row but no data rows/);
    expect(read('date,price\n2020-01-01,1\n2020-13-01,2\n')).toThrow(
      /^prices\.csv: row 3, column 'date': '2020-13-01' is not an ISO date; write dates as YYYY-MM-DD/,
    );
    expect(read('date,price\n2020-01-01,"1,234"\n')).toThrow(
      /^prices\.csv: row 2, column 'price': '1,234' is not a number; it has thousands separators: write 1234$/,
    );
    expect(read('date,price\n2020-01-01,n/a\n')).toThrow(
      /^prices\.csv: row 2, column 'price': 'n\/a' is not a number; write a plain decimal such as 12\.5, or leave the field empty for a missing value$/,
    );
    expect(read('date,price\n2020-01-01,"1,5"\n')).toThrow(
      /'1,5' is not a number; it has a decimal comma: write 1\.5/,
    );
    expect(read('date,price\n2020-01-01,1e999\n')).toThrow(
      /'1e999' is not a number; it is too large for a float64/,
    );
    expect(read('date,price\n2020-01-01,1\n2020-02-01,2,3\n')).toThrow(
      /^prices\.csv: row 3 has 3 fields but the header \(row 1\) has 2; every row needs one field per column/,
    );
    expect(read('date,price\n2020-01-01,1\n', { columns: ['close'] })).toThrow(
      /^prices\.csv: no column "close"; available: price$/,
    );
    expect(read('date,price\n2020-01-01,1\n', { dateColumn: 'day' })).toThrow(
      /^prices\.csv: no column 'day' for the dates \(dateColumn\); available: date, price$/,
    );
    expect(read('date,price\n2020-01-01,1\n2020-01-02,\n')).toThrow(
      /^prices\.csv: row 3 \(2020-01-02\), column 'price' is empty; pass missing: 'drop' \| 'ffill' \| 'interpolate' or fill it$/,
    );
    expect(read('date,price\n01/31/1950,1\n')).toThrow(
      /^prices\.csv: column 'date' holds neither ISO dates nor integers \(row 2 is '01\/31\/1950'\); write dates as YYYY-MM-DD/,
    );
    expect(read('step,price\n1,1\n2.5,2\n')).toThrow(
      /^prices\.csv: row 3, column 'step': '2\.5' is not a safe integer, but row 2 made this an integer index/,
    );
    expect(read('date,price\n2020-01-01,1\n2020-02-01,2\n2020-01-01,3\n')).toThrow(
      /^prices\.csv: row 2 and row 4 both have the date 2020-01-01; each may appear only once/,
    );
    expect(read('date,price\n,1\n')).toThrow(
      /^prices\.csv: row 2, column 'date' is empty; every row needs a date/,
    );
    expect(read('date,price\n2020-01-01,"1\n')).toThrow(/^prices\.csv: row 2: Quoted field unterminated/);
    expect(read('date;price\n2020-01-01;1\n')).toThrow(
      /^prices\.csv: the header \(row 1\) has one column, 'date;price'; .*this file seems to use ";": save it as comma-separated/,
    );
    expect(read('date,price,price\n2020-01-01,1,2\n')).toThrow(/names column 'price' twice/);
    expect(read('date,,x\n2020-01-01,1,2\n')).toThrow(/column 2 of the header \(row 1\) has no name/);
  });

  it('readCsv rejects bad options, naming the option', () => {
    const csv = 'date,price\n2020-01-01,1\n';
    expect(() => readCsv(csv, { delimiter: ';' } as never)).toThrow(
      /^readCsv\(\): unknown option 'delimiter'; the options are 'source', 'dateColumn', 'columns', 'missing'$/,
    );
    expect(() => readCsv(csv, { missing: 'zero' } as never)).toThrow(
      /^readCsv\(\): missing must be 'error', 'keep', 'drop', 'ffill', 'interpolate' \(got "zero"\)$/,
    );
    expect(() => readCsv(csv, { columns: [] })).toThrow(
      /columns must list at least one column \(available: price\)/,
    );
    expect(() => readCsv(csv, { columns: ['date'] })).toThrow(
      /columns lists 'date', which is the date column/,
    );
    expect(() => readCsv(csv, { columns: ['price', 'price'] })).toThrow(/columns lists 'price' twice/);
  });

  it('readCsv names the CSV row when a missing-value policy has nothing to fill from', () => {
    const csv = 'date,price\n2020-01-01,\n2020-02-01,2\n2020-03-01,\n';
    expect(() => readCsv(csv, { source: 'p.csv', missing: 'ffill' })).toThrow(
      /^p\.csv: column 'price' is empty at row 2 \(2020-01-01\), the first row, so 'ffill' has no earlier value/,
    );
    expect(() => readCsv(csv, { source: 'p.csv', missing: 'interpolate' })).toThrow(
      /^p\.csv: column 'price' is empty at row 2 \(2020-01-01\) with no known value before it/,
    );
    expect(readCsv(csv, { missing: 'drop' }).labels()).toEqual(['2020-02-01']);
  });
});
