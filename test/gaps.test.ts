import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Forecaster } from '../src/forecast/forecaster.js';
import { prepare } from '../src/forecast/prepare.js';
import { readCsv } from '../src/series/csv.js';
import { Series } from '../src/series/series.js';

/** Consecutive ISO days from `start` (a UTC date), `n` of them. */
function days(start: string, n: number): string[] {
  const t0 = Date.parse(`${start}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => new Date(t0 + i * 86_400_000).toISOString().slice(0, 10));
}

const without = <T>(values: readonly T[], drop: readonly number[]): T[] =>
  values.filter((_, i) => !drop.includes(i));

describe('gap detection', () => {
  it('series.gaps() counts the missing days of a daily series, with their runs and the first few dates', () => {
    const all = days('2021-01-01', 40);
    const drop = [3, 4, 5, 20, 30, 31];
    const s = Series.fromColumns({
      index: without(all, drop),
      columns: { v: without(all, drop).map((_, i) => i) },
    });
    const g = s.gaps();
    expect(s.frequency).toEqual({ unit: 'day', step: 1 });
    expect(g.expected).toBe(40);
    expect(g.count).toBe(6);
    expect(g.irregular).toBe(false);
    expect(g.runs).toEqual([
      { from: '2021-01-04', to: '2021-01-06', count: 3 },
      { from: '2021-01-21', to: '2021-01-21', count: 1 },
      { from: '2021-01-31', to: '2021-02-01', count: 2 },
    ]);
    expect(g.first).toEqual(['2021-01-04', '2021-01-05', '2021-01-06', '2021-01-21', '2021-01-31']);
  });

  it('a business-day series (Mon–Fri) does not miss its weekends; a missing weekday is a gap', () => {
    const weekdays = days('2024-01-01', 28).filter((d) => {
      const dow = new Date(`${d}T00:00:00Z`).getUTCDay();
      return dow !== 0 && dow !== 6;
    });
    expect(weekdays).toHaveLength(20);
    const full = Series.fromColumns({ index: weekdays, columns: { v: weekdays.map((_, i) => i) } });
    expect(full.frequency).toEqual({ unit: 'businessDay', step: 1 });
    expect(full.gaps().count).toBe(0);
    // 2024-01-15 (a Monday) is a holiday: one gap, and the message says what a business-day gap is
    const holiday = weekdays.filter((d) => d !== '2024-01-15');
    const s = Series.fromColumns({
      index: holiday,
      columns: { v: holiday.map((_, i) => i) },
      source: 'b.csv',
    });
    expect(s.gaps()).toMatchObject({ count: 1, expected: 20, first: ['2024-01-15'] });
    expect(() => prepare(s, { window: 3 })).toThrow(
      /b\.csv: 1 of the 20 periods of this business-daily series .* \(2024-01-15\) in 1 gap \(a business-day series: weekends are not counted/,
    );
  });

  it('a monthly series with three months removed has three gaps; an end-of-month series stays at month ends', () => {
    const months = Array.from(
      { length: 24 },
      (_, i) => `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`,
    );
    const s = Series.fromColumns({
      index: without(months, [5, 6, 7]),
      columns: { v: new Array(21).fill(1) },
    });
    expect(s.gaps()).toMatchObject({
      count: 3,
      expected: 24,
      first: ['2000-06-01', '2000-07-01', '2000-08-01'],
    });
    const ends = ['2001-01-31', '2001-02-28', '2001-04-30', '2001-05-31'];
    const e = Series.fromColumns({ index: ends, columns: { v: [1, 2, 4, 5] } });
    expect(e.gaps().first).toEqual(['2001-03-31']);
    expect(e.fillGaps('interpolate').labels()).toEqual([
      '2001-01-31',
      '2001-02-28',
      '2001-03-31',
      '2001-04-30',
      '2001-05-31',
    ]);
  });

  it('an integer index with a step of 5 misses the values between its rows', () => {
    const s = Series.fromColumns({ index: [0, 5, 10, 25, 30], columns: { v: [1, 2, 3, 6, 7] } });
    expect(s.frequency).toEqual({ unit: 'step', step: 5 });
    expect(s.gaps()).toMatchObject({ count: 2, first: ['15', '20'] });
  });

  it('an irregular series (more of its calendar missing than present) gets a statement, not a fill', () => {
    const scattered = ['2020-01-01', '2020-01-04', '2020-01-09', '2020-01-10', '2020-01-20'];
    const s = Series.fromColumns({ index: scattered, columns: { v: [1, 2, 3, 4, 5] }, source: 'visits.csv' });
    expect(s.gaps()).toMatchObject({ count: 15, expected: 20, irregular: true });
    expect(() => prepare(s, { window: 2 })).toThrow(
      /visits\.csv is irregular: its 5 rows lie on a daily grid of 20 periods, 15 of which have no row.*resample/,
    );
    expect(() => s.fillGaps('interpolate')).toThrow(/fillGaps\(\): visits\.csv is irregular/);
  });

  it('forecasting refuses a series with gaps, naming how many, the first dates and the fix', async () => {
    const all = days('2021-01-01', 60);
    const s = Series.fromColumns({
      index: without(all, [10, 11]),
      columns: { v: without(all, [10, 11]).map((_, i) => 100 + i) },
      source: 'sales.csv',
    });
    await expect(Forecaster.fit(s, { window: 3, training: { epochs: 1 } })).rejects.toThrow(
      /sales\.csv: 2 of the 60 periods of this daily series from 2021-01-01 to 2021-03-01 have no row \(2021-01-11, 2021-01-12\) in 1 gap; .*--missing interpolate \| ffill, or --missing mask/,
    );
  });
});

describe('filling gaps', () => {
  // 2021-01-01 .. 2021-01-08 with 01-03, 01-04 and 01-07 absent
  const all = days('2021-01-01', 8);
  const drop = [2, 3, 6];
  const given = [10, 20, 50, 60, 80]; // on 01-01, 01-02, 01-05, 01-06, 01-08
  const s = Series.fromColumns({ index: without(all, drop), columns: { v: given } });

  it("fillGaps('interpolate') draws a straight line in time between the known neighbours", () => {
    const f = s.fillGaps('interpolate');
    expect(f.labels()).toEqual(all);
    // 01-03, 01-04 between 20 (01-02) and 50 (01-05): 20 + 30 · 1/3, 20 + 30 · 2/3; 01-07 between 60 and 80
    expect(Array.from(f.column('v'))).toEqual([10, 20, 30, 40, 50, 60, 70, 80]);
    expect(f.gaps().count).toBe(0);
  });

  it("fillGaps('ffill') carries the previous value forward", () => {
    expect(Array.from(s.fillGaps('ffill').column('v'))).toEqual([10, 20, 20, 20, 50, 60, 60, 80]);
  });

  it("fillGaps('mask') puts the missing days on the calendar as missing values (NaN)", () => {
    const f = s.fillGaps('mask');
    expect(f.labels()).toEqual(all);
    expect(Array.from(f.column('v'))).toEqual([10, 20, NaN, NaN, 50, 60, NaN, 80]);
    expect(f.missing().map((m) => m.label)).toEqual(['2021-01-03', '2021-01-04', '2021-01-07']);
  });

  it('fillGaps on a business-day series inserts the missing weekday only', () => {
    // Thu 2024-01-04, Fri 01-05, (Mon 01-08 missing), Tue 01-09
    const b = Series.fromColumns({
      index: ['2024-01-04', '2024-01-05', '2024-01-09'],
      columns: { v: [1, 2, 4] },
    });
    expect(b.frequency.unit).toBe('businessDay');
    const f = b.fillGaps('interpolate');
    expect(f.labels()).toEqual(['2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09']);
    // interpolation is linear in time: Monday is 3 of the 4 days from Friday to Tuesday
    expect(Array.from(f.column('v'))).toEqual([1, 2, 2 + (2 * 3) / 4, 4]);
  });

  it('fillGaps rejects an unknown rule, listing the rules', () => {
    expect(() => s.fillGaps('zero' as never)).toThrow(/rule must be one of 'interpolate', 'ffill', 'mask'/);
  });
});

describe('masked gaps: the windows that touch one are left out', () => {
  // 40 integer steps, level row 20 missing; values v_t = 100 + t + (t mod 3)
  const index = Array.from({ length: 40 }, (_, t) => t);
  const values = index.map((t) => (t === 20 ? null : 100 + t + (t % 3)));
  const masked = Series.fromColumns({ index, columns: { v: values } });

  it('prepare(): with no transform, the training windows whose inputs or target read row 20 are dropped', () => {
    const p = prepare(masked, { window: 3, transform: 'none', trainFraction: 0.75 });
    // training level rows 0..29, windows start at s = 0..26 (rows s..s+2 → target s+3); s = 17..20 read row 20
    const starts = Array.from(p.train.starts);
    expect(starts).toEqual([...Array.from({ length: 17 }, (_, s) => s), 21, 22, 23, 24, 25, 26]);
    expect(p.train.x.shape).toEqual([23, 3, 1]);
  });

  it("prepare(): with 'diff', both changes that read row 20 are missing, so one more window goes", () => {
    const p = prepare(masked, { window: 3, transform: 'diff', trainFraction: 0.75 });
    // change row k = level k+1 − level k: rows 19 and 20 are missing; windows s..s+2 → s+3 over 29 changes
    // (s = 0..25); s = 16..20 touch rows 19 or 20
    expect(Array.from(p.train.starts)).toEqual([
      ...Array.from({ length: 16 }, (_, s) => s),
      21,
      22,
      23,
      24,
      25,
    ]);
  });

  it('the scaler is fitted on the known training rows only', () => {
    const p = prepare(masked, { window: 3, transform: 'none', trainFraction: 0.75 });
    const known = values.slice(0, 30).filter((v): v is number => v !== null);
    const mean = known.reduce((a, b) => a + b, 0) / known.length;
    expect(p.scaler!.state()).toMatchObject({ kind: 'standard' });
    expect((p.scaler!.state() as { readonly mean: readonly number[] }).mean[0]).toBeCloseTo(mean, 12);
  });

  it('evaluate(): the test rows whose window, target or baselines touch the gap are not scored', async () => {
    // the gap at row 32, inside the test part (rows 30..39): a window of 3 levels reads rows t−3..t−1
    const v = index.map((t) => (t === 32 ? null : 100 + t + (t % 3)));
    const s = Series.fromColumns({ index, columns: { v } });
    const f = await Forecaster.fit(s, {
      window: 3,
      transform: 'none',
      trainFraction: 0.75,
      seasonalPeriod: 1,
      training: { epochs: 1 },
    });
    const e = f.evaluate(s);
    // rows 32 (its own value), 33, 34, 35 (windows reading row 32) are left out; naive at 33 reads row 32 too
    expect(e.labels).toEqual(['30', '31', '36', '37', '38', '39']);
    expect(e.origins).toEqual({ scored: 6, masked: 4 });
    // naive repeats level t − 1 = 100 + (t − 1) + ((t − 1) mod 3)
    expect(Array.from(e.baselineForecasts['naive'])).toEqual([131, 130, 137, 136, 138, 140]);
    expect(Array.from(e.actual)).toEqual([130, 132, 136, 138, 140, 139]); // 100 + t + (t mod 3)
    expect(e.warnings.map((w) => w.message).join(' ')).toMatch(/4 of the 10 test origins were left out/);
  });
});

describe('the CLI and gaps', () => {
  const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
  const run = (args: string[]) =>
    spawnSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  const dir = mkdtempSync(join(tmpdir(), 'seqcast-gaps-'));
  const csv = join(dir, 'daily.csv');
  const all = days('2022-01-01', 120);
  const drop = [40, 41, 42, 90];
  writeFileSync(
    csv,
    `date,sales\n${without(all, drop)
      .map((d) => `${d},${(200 + 10 * Math.sin(all.indexOf(d) / 3)).toFixed(2)}`)
      .join('\n')}\n`,
  );

  it('seqcast train refuses a daily CSV with missing days in one line, with the fix', () => {
    const r = run(['train', csv, '--epochs', '1', '--out', join(dir, 'r1'), '--quiet']);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^seqcast: forecaster: daily\.csv: 4 of the 120 periods of this daily series .*\(2022-02-10, 2022-02-11, 2022-02-12, 2022-04-01\) in 2 gaps; .*--missing interpolate \| ffill, or --missing mask/,
    );
  });

  it('seqcast train --missing interpolate reindexes to the full calendar and trains', () => {
    const r = run([
      'train',
      csv,
      '--epochs',
      '1',
      '--window',
      '7',
      '--missing',
      'interpolate',
      '--json',
      '--out',
      join(dir, 'r2'),
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).data).toMatchObject({ rows: 120, frequency: 'daily' });
  });

  it('seqcast train --missing mask keeps the gaps missing and scores around them', () => {
    const r = run([
      'train',
      csv,
      '--epochs',
      '1',
      '--window',
      '7',
      '--missing',
      'mask',
      '--json',
      '--out',
      join(dir, 'r3'),
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.data.rows).toBe(120);
    // the test part is rows 96..119: row 90 is missing, and windows of 7 days + 1 lag reach back to it
    expect(doc.origins.masked).toBeGreaterThan(0);
  });

  it('readCsv keeps the empty values that --missing mask leaves missing', () => {
    const s = readCsv('date,v\n2020-01-01,1\n2020-01-02,\n2020-01-04,4\n', { missing: 'keep' }).fillGaps(
      'mask',
    );
    expect(s.labels()).toEqual(['2020-01-01', '2020-01-02', '2020-01-03', '2020-01-04']);
    expect(Array.from(s.column('v'))).toEqual([1, NaN, NaN, 4]);
  });
});

describe('masked gaps elsewhere', () => {
  it('backtest() refuses a masked series, saying a fold needs its last window known', async () => {
    const { backtest } = await import('../src/forecast/backtest.js');
    const index = Array.from({ length: 30 }, (_, t) => t);
    const s = Series.fromColumns({ index, columns: { v: index.map((t) => (t === 12 ? null : 10 + t)) } });
    await expect(backtest(s, { window: 3 }, { initialTrain: 20 })).rejects.toThrow(
      /backtest: 'v' has missing values \(masked gaps\).*fill them/,
    );
  });

  it('forecast() refuses when the last window touches a masked gap', async () => {
    const index = Array.from({ length: 40 }, (_, t) => t);
    const v = index.map((t) => 100 + t + (t % 3));
    const f = await Forecaster.fit(Series.fromColumns({ index, columns: { v } }), {
      window: 3,
      transform: 'none',
      training: { epochs: 1 },
    });
    const masked = Series.fromColumns({ index, columns: { v: v.map((x, t) => (t === 38 ? null : x)) } });
    expect(() => f.forecast(masked, 2)).toThrow(
      /forecast\(\): the last 3 rows, which the model reads, touch a missing value/,
    );
  });

  it('fitInfo counts the training windows a masked gap left out', async () => {
    const index = Array.from({ length: 40 }, (_, t) => t);
    const s = Series.fromColumns({
      index,
      columns: { v: index.map((t) => (t === 20 ? null : 100 + t + (t % 3))) },
    });
    const f = await Forecaster.fit(s, {
      window: 3,
      transform: 'none',
      trainFraction: 0.75,
      training: { epochs: 1 },
    });
    expect(f.fitInfo!.maskedWindows).toBe(4);
    expect(f.fitInfo!.trainX).toEqual([23, 3, 1]);
  });
});
