import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

function seqcast(args: string[], cwd: string): { stdout: string; stderr: string; status: number | null } {
  return spawnSync('node', [CLI, ...args], {
    encoding: 'utf8',
    cwd,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
}

function expectOneLineError(r: ReturnType<typeof seqcast>, pattern: RegExp): void {
  expect(r.status).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^seqcast: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const DAY = 86_400_000;
const day = (i: number): string => new Date(Date.parse('2024-01-01') + i * DAY).toISOString().slice(0, 10);

describe('covariates through the command line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seqcast-cov-'));
  // 120 days of sales with a weekly pattern and promotions every 10th day; the future file: 10 days
  const rows = Array.from({ length: 120 }, (_, i) => {
    const promo = i % 10 === 3 ? 1 : 0;
    return `${day(i)},${(100 + 10 * Math.sin((2 * Math.PI * i) / 7) + 30 * promo + i * 0.1).toFixed(2)},${promo}`;
  });
  writeFileSync(join(dir, 'sales.csv'), `date,sales,promo\n${rows.join('\n')}\n`);
  const next = Array.from({ length: 10 }, (_, k) => `${day(120 + k)},${k % 4 === 0 ? 1 : 0}`);
  writeFileSync(join(dir, 'next.csv'), `date,promo\n${next.join('\n')}\n`);
  writeFileSync(
    join(dir, 'holey.csv'),
    `date,promo\n${day(120)},1\n${day(121)},\n${day(122)},0\n${day(123)},0\n`,
  );
  writeFileSync(
    join(dir, 'gap.csv'),
    `date,promo\n${day(120)},1\n${day(122)},0\n${day(123)},0\n${day(124)},0\n`,
  );
  const quick = ['--epochs', '1', '--units', '4', '--window', '7'];
  const train = seqcast(
    [
      'train',
      'sales.csv',
      ...quick,
      '--calendar',
      'dow,dom',
      '--known-future',
      'promo',
      '--horizon',
      '2',
      '--future',
      'next.csv',
      '--out',
      'rep',
      '--json',
    ],
    dir,
  );

  it('train --calendar --known-future --future: the report states the trained horizon, the recursion and the forecast ahead', () => {
    expect(train.stderr).toBe('');
    expect(train.status).toBe(0);
    const doc = JSON.parse(train.stdout);
    expect(doc.config.calendar).toEqual(['dayOfWeek', 'dayOfMonth']);
    expect(doc.config.knownFuture).toEqual(['promo']);
    expect(doc.split.trainX).toEqual([expect.any(Number), 7, 1 + 2 * (4 + 1)]);
    expect(doc.forecastAhead).toMatchObject({
      trainedHorizon: 2,
      recursive: true,
      calendar: ['dayOfWeek', 'dayOfMonth'],
      knownFuture: ['promo'],
    });
    expect(doc.forecastAhead.forecast.labels).toEqual([day(120), day(121)]);
    expect(doc.forecastAhead.forecast.method).toBe('direct');
  });

  it('forecast --future: past the trained horizon it is recursive, and says so', () => {
    const r = seqcast(
      ['forecast', 'rep/model', 'sales.csv', '--steps', '5', '--future', 'next.csv', '--output', 'f.csv'],
      dir,
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^sales after 2024-04-29 \(5 steps; steps 1–2 direct, 3–5 recursive: beyond the trained horizon of 2, forecasts fed back as inputs\):$/m,
    );
    const json = JSON.parse(
      seqcast(
        [
          'forecast',
          'rep/model',
          'sales.csv',
          '--steps',
          '5',
          '--future',
          'next.csv',
          '--output',
          'g.csv',
          '--json',
        ],
        dir,
      ).stdout,
    );
    expect(json.method).toBe('recursive');
    expect(json.trainedHorizon).toBe(2);
    expect(json.recursion.allowed).toBe(true);
    expect(json.forecasts.map((f: { date: string }) => f.date)).toEqual([120, 121, 122, 123, 124].map(day));
  });

  it('forecast without --future, or with a file that misses a date or a value, is one line naming what and where', () => {
    expectOneLineError(
      seqcast(['forecast', 'rep/model', 'sales.csv', '--steps', '2', '--output', 'h.csv'], dir),
      /the model reads the known-future column 'promo' of the 2 dates after 2024-04-29 .* but no future values were given; pass them \(--future FILE/,
    );
    expectOneLineError(
      seqcast(
        ['forecast', 'rep/model', 'sales.csv', '--steps', '2', '--future', 'holey.csv', '--output', 'h.csv'],
        dir,
      ),
      /^seqcast: holey\.csv: row 3 \(2024-05-01\), column 'promo' has no value; .* give holey\.csv a row for each of the 2 dates 2024-04-30 \.\. 2024-05-01/,
    );
    expectOneLineError(
      seqcast(
        ['forecast', 'rep/model', 'sales.csv', '--steps', '3', '--future', 'gap.csv', '--output', 'h.csv'],
        dir,
      ),
      /^seqcast: gap\.csv: the date 2024-05-01 \(step 2 of the 4 the forecast reads: 2 forecasts of 2 steps, each reading the covariates of its 2 steps\) is missing — row 3 \(2024-05-02\) is dated 2024-05-02/,
    );
    expectOneLineError(
      seqcast(
        [
          'train',
          'sales.csv',
          ...quick,
          '--known-future',
          'promo',
          '--horizon',
          '3',
          '--future',
          'holey.csv',
          '--out',
          'rep2',
        ],
        dir,
      ),
      /^seqcast: holey\.csv: row 3 \(2024-05-01\), column 'promo' has no value/,
    );
  });

  it('refusals: a calendar feature for the wrong frequency, --future without --known-future, recursion with past-only features', () => {
    expectOneLineError(
      seqcast(['train', 'air-passengers', ...quick, '--calendar', 'dow', '--out', 'x'], dir),
      /calendar feature 'dayOfWeek' makes no sense for monthly data .*; for monthly data use 'month', 'quarter'$/,
    );
    expectOneLineError(
      seqcast(['train', 'sales.csv', ...quick, '--calendar', 'weekday', '--out', 'x'], dir),
      /'weekday' is not a calendar feature/,
    );
    expectOneLineError(
      seqcast(['train', 'sales.csv', ...quick, '--future', 'next.csv', '--out', 'x'], dir),
      /--future 'next\.csv' gives future values of known-future columns, but none is named; add --known-future/,
    );
    const past = seqcast(
      ['train', 'sales.csv', ...quick, '--features', 'promo', '--out', 'past', '--json'],
      dir,
    );
    expect(past.status).toBe(0);
    expect(JSON.parse(past.stdout).forecastAhead).toMatchObject({ trainedHorizon: 1, recursive: false });
    expectOneLineError(
      seqcast(['forecast', 'past/model', 'sales.csv', '--steps', '3', '--output', 'p.csv'], dir),
      /3 steps exceed the model's trained horizon of 1, and recursion is impossible: the past-only feature 'promo' has no future values to feed back; forecast at most 1 step/,
    );
    expectOneLineError(
      seqcast(['forecast', 'past/model', 'sales.csv', '--future', 'next.csv', '--output', 'p.csv'], dir),
      /--future 'next\.csv': this model has no known-future columns/,
    );
  });
});
