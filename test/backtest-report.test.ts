import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtest, Series } from '../src/index.js';
import { backtestMarkdown, buildBacktestReport } from '../src/report/backtest.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const tmp = (): string => mkdtempSync(join(tmpdir(), 'seqcast-bt-'));

function seqcast(args: string[], cwd = ROOT): { stdout: string; stderr: string; status: number | null } {
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

const quick = ['--epochs', '1', '--units', '4', '--window', '6'];

describe('seqcast backtest --out DIR', () => {
  const out = join(tmp(), 'bt');
  // 144 months; folds of 5 every 5 rows from 130: 130, 135, 140 (4 rows, shorter: partialLastFold)
  const r = seqcast([
    'backtest',
    'air-passengers',
    ...quick,
    '--horizon',
    '5',
    '--initial',
    '130',
    '--partial-last-fold',
    '--out',
    out,
    '--json',
  ]);

  it('writes report.md, report.json and the plots, and --json prints report.json', () => {
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'backtest.png',
      'backtest.svg',
      'report.json',
      'report.md',
      'series.png',
      'series.svg',
    ]);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')));
  });

  it('the document keeps the fields --json had, and states every fold, the last fold flagged as shorter', () => {
    const doc = JSON.parse(r.stdout);
    // the fields backtest --json printed before the report folder, with their meaning
    for (const k of ['data', 'config', 'options', 'folds', 'metrics', 'losesAtHorizons', 'baselineModels']) {
      expect(doc).toHaveProperty(k);
    }
    expect(doc.data.source).toBe('air-passengers');
    expect(doc.data.rows).toBe(144);
    expect(Object.keys(doc.metrics.baselines)).toEqual([
      'naive',
      'seasonalNaive',
      'drift',
      'mean',
      'autoETS',
    ]);
    expect(doc.metrics.byHorizon).toHaveLength(5);
    expect(doc.metrics.byHorizon.map((h: { points: number }) => h.points)).toEqual([3, 3, 3, 3, 2]);
    expect(
      doc.folds.map((f: { cutoff: string; rows: number; full: boolean }) => [f.cutoff, f.rows, f.full]),
    ).toEqual([
      ['1959-11-01', 5, true],
      ['1960-04-01', 5, true],
      ['1960-09-01', 4, false],
    ]);
    expect(doc.lastFold).toEqual({ from: '1960-09-01', to: '1960-12-01', rows: 4, full: false });
    // seqcast backtest calibrates 80 % and 95 % intervals by default: coverage per level, overall and per horizon
    expect(doc.intervals!.levels).toEqual([0.8, 0.95]);
    expect(doc.intervals!.overall.map((q: { level: number }) => q.level)).toEqual([0.8, 0.95]);
    for (const q of doc.intervals!.overall) {
      expect(q.coverage).toBeGreaterThanOrEqual(0);
      expect(q.coverage).toBeLessThanOrEqual(1);
    }
    expect(doc.intervals!.byHorizon[0]).toHaveLength(doc.metrics.byHorizon.length);
    expect(doc.warnings[0]).toMatch(
      /the last fold \(1960-09-01 \.\. 1960-12-01\) is 4 rows long, shorter than the horizon of 5/,
    );
    expect(doc.outDir).toBe(out);
    expect(typeof doc.metrics.model.mase).toBe('number');
  });

  it('report.md has every baseline with MASE, the per-horizon table, each fold and the plots', () => {
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toMatch(/^\| \*\*model\*\* \| [\d.,]+ \| [\d.,]+ \| [\d.,]+ \|$/m);
    for (const b of ['naive', 'seasonalNaive\\(12\\)', 'drift', 'mean', 'autoETS'])
      expect(md).toMatch(new RegExp(`^\\| ${b} \\| [\\d.,]+ \\| [\\d.,]+ \\| [\\d.,]+ \\|$`, 'm'));
    expect(md).toMatch(/### By horizon: RMSE \(MASE\)/);
    expect(md).toMatch(/^\| 5 \| 2 \| /m);
    expect(md).toMatch(
      /^\| 3 \| 1960-09-01 \| 1949-01-01 \.\. 1960-08-01 \(140\) \| 1960-09-01 \.\. 1960-12-01 \| 4 \(short\) \| yes \|/m,
    );
    expect(md).toMatch(
      /The last fold covers 1960-09-01 \.\. 1960-12-01: \*\*4 rows, shorter than the horizon of 5\*\*/,
    );
    expect(md).toMatch(/autoETS: ETS\(/);
    expect(md).toMatch(/### Prediction intervals\n\nsplit conformal at each refit/);
    expect(md).toMatch(/\| 80 % \| \d+ \| \d+\.\d % \|/);
    expect(md).toMatch(/\| 95 % \| \d+ \| \d+\.\d % \|/);
    expect(md).toMatch(/!\[backtest\]\(backtest\.png\)/);
    const svg = readFileSync(join(out, 'backtest.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
  });

  it('an existing non-empty --out folder is refused before any work, in one line', () => {
    const dir = tmp();
    mkdirSync(join(dir, 'x'));
    writeFileSync(join(dir, 'x', 'notes.txt'), 'mine');
    expectOneLineError(
      seqcast(['backtest', 'air-passengers', ...quick, '--out', join(dir, 'x')]),
      /already exists and is not empty; choose another --out or pass --force/,
    );
    expectOneLineError(
      seqcast(['backtest', 'air-passengers', ...quick, '--out', join(dir, 'x'), '--force']),
      /holds files seqcast did not write \('notes\.txt'\)/,
    );
  });

  it('without --out nothing is written and the summary names the last fold', () => {
    const cwd = tmp();
    const s = seqcast(
      [
        'backtest',
        join(ROOT, 'datasets', 'air_passengers_monthly.csv'),
        ...quick,
        '--horizon',
        '4',
        '--folds',
        '2',
      ],
      cwd,
    );
    expect(s.status).toBe(0);
    expect(s.stdout).toMatch(/2 folds of 4 rows; the last covers 1958-12-01 \.\. 1959-03-01 \(4 rows\)/);
    expect(existsSync(join(cwd, 'seqcast-report'))).toBe(false);
  });
});

describe('buildBacktestReport', () => {
  it('says why rows are unscored: maxFolds, the stride passing over them, or a fold being too long', async () => {
    const y = Array.from({ length: 40 }, (_, t) => 10 + t + (t % 3));
    const s = Series.fromColumns({ index: y.map((_, t) => t), columns: { v: y } });
    const config = { window: 4, transform: 'none' as const, model: { units: 2 }, training: { epochs: 1 } };
    const doc = async (options: Parameters<typeof backtest>[2]) =>
      buildBacktestReport({
        title: 't',
        source: 's',
        series: s,
        config,
        options: options!,
        result: await backtest(s, config, options),
        timings: {},
      });
    expect((await doc({ horizon: 3, initialTrain: 32 })).warnings).toEqual([
      'the last 2 rows are not scored (a fold needs 3; partialLastFold scores them)',
    ]);
    expect((await doc({ horizon: 2, initialTrain: 30, maxFolds: 2 })).warnings).toEqual([
      'the last 6 rows are not scored (--folds / maxFolds (2) stops before them)',
    ]);
    const strided = await doc({ horizon: 2, stride: 7, initialTrain: 30 });
    expect(strided.warnings).toEqual([
      'the last 1 row is not scored (the next cutoff, 7 rows after the last, lies past the data)',
    ]);
    expect(backtestMarkdown(strided)).toMatch(/2 folds of 2 rows .* \*\*2 rows, a full horizon\*\*/);
  });
});
