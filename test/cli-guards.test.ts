// Every numeric flag has a bound, checked before anything is read, allocated or trained (issue 15).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLAG_BOUNDS, describeBound, flagNumber } from '../src/cli/numbers.js';
import { systemErrorMessage } from '../src/io/system-errors.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

function seqcast(args: string[]): { stderr: string; status: number | null; ms: number } {
  const t = performance.now();
  const r = spawnSync('node', [CLI, ...args], {
    encoding: 'utf8',
    cwd: ROOT,
    env: { ...process.env, FORCE_COLOR: '0' },
    timeout: 20_000,
  });
  return { stderr: r.stderr, status: r.status, ms: performance.now() - t };
}

describe('flagNumber(flag, text)', () => {
  it('accepts values inside the bound and refuses the rest with the range', () => {
    expect(flagNumber('units', '32')).toBe(32);
    expect(flagNumber('units', undefined)).toBeUndefined();
    expect(flagNumber('learning-rate', '1e-3')).toBe(0.001);
    expect(flagNumber('split', '0.8')).toBe(0.8);
    expect(flagNumber('seed', String(2 ** 32 - 1))).toBe(2 ** 32 - 1);
    expect(flagNumber('patience', '0')).toBe(0);
    for (const [flag, text] of [
      ['units', '1e12'],
      ['units', '0'],
      ['units', '2.5'],
      ['units', ''],
      ['units', ' '],
      ['units', 'Infinity'],
      ['units', 'NaN'],
      ['seed', '1e300'],
      ['seed', '-1'],
      ['learning-rate', '0'],
      ['split', '1'],
      ['validation-split', '1'],
      ['epochs', '1e12'],
      ['steps', '1e12'],
      ['batch-size', '1e9'],
      ['layers', '1e12'],
    ]) {
      expect(() => flagNumber(flag, text), `${flag} ${text}`).toThrow(
        new RegExp(`^--${flag} must be an? (integer|number) in [[(]`),
      );
    }
    expect(() => flagNumber('units', '9'.repeat(400))).toThrow(/\(got '9{40}…'\)$/);
  });

  it('describes every bound', () => {
    expect(describeBound(FLAG_BOUNDS.units)).toBe('an integer in [1, 4096]');
    expect(describeBound(FLAG_BOUNDS['learning-rate'])).toBe('a number in (0, 10]');
    expect(describeBound(FLAG_BOUNDS.split)).toBe('a number in (0, 1)');
  });
});

describe('the CLI refuses out-of-bound numbers at once, in one line', () => {
  const cases: [string[], RegExp][] = [
    [
      ['train', 'air-passengers', '--units', '1e12'],
      /--units must be an integer in \[1, 4096\] \(got '1e12'\)/,
    ],
    [['train', 'air-passengers', '--layers', '1e12'], /--layers must be an integer in \[1, 16\]/],
    [['train', 'air-passengers', '--batch-size', '1e9'], /--batch-size must be an integer in \[1, 1000000\]/],
    [['train', 'air-passengers', '--epochs', '1e12'], /--epochs must be an integer in \[1, 100000\]/],
    [['train', 'air-passengers', '--seed', '1e300'], /--seed must be an integer in \[0, 4294967295\]/],
    [['demo', '--epochs', '0'], /--epochs must be an integer in \[1, 100000\]/],
    [
      ['forecast', 'no-such-model', 'air-passengers', '--steps', '1e12'],
      /--steps must be an integer in \[1, 100000\]/,
    ],
    [['explain', 'vanishing', '--steps', '1'], /--steps must be an integer in \[2, 10000\]/],
    [['backtest', 'air-passengers', '--folds', '1e12'], /--folds must be an integer in \[1, 10000\]/],
  ];
  it.each(cases)('seqcast %j', (args, pattern) => {
    const r = seqcast(args);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^seqcast: /);
    expect(lines[0]).toMatch(pattern);
    expect(r.ms).toBeLessThan(15_000);
  });
});

describe('output paths are checked before anything is trained', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seqcast-guards-'));
  writeFileSync(join(dir, 'file'), 'x');
  const cases: [string[], RegExp][] = [
    [['train', 'air-passengers', '--out', ''], /^seqcast: --out is empty; give a path$/],
    [
      ['train', 'air-passengers', '--out', join(dir, 'file', 'sub')],
      /'.*file' is a file, not a folder; give a path whose folders are folders$/,
    ],
    [
      ['train', 'air-passengers', '--out', join(dir, 'a'.repeat(300))],
      /is 300 bytes long; file systems allow 255/,
    ],
    [['forecast', 'm', 'air-passengers', '--output', dir], /--output '.*' is a folder; give a file name/],
  ];
  it.each(cases)('seqcast %j', (args, pattern) => {
    const r = seqcast(args);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(pattern);
  });
});

describe('systemErrorMessage(e)', () => {
  const sys = (code: string, syscall: string, path?: string): Error =>
    Object.assign(new Error(`${code}: …`), { code, syscall, ...(path !== undefined ? { path } : {}) });
  it('names the operation, the path and the fix', () => {
    expect(systemErrorMessage(sys('ENOSPC', 'write', '/r/plot.png'))).toBe(
      "could not write '/r/plot.png': the disk is full: free some space, or write somewhere else (--out, --output)",
    );
    expect(systemErrorMessage(sys('EROFS', 'mkdir', '/ro/x'))).toMatch(
      /^could not create the folder '\/ro\/x': the file system is read-only/,
    );
    expect(systemErrorMessage(sys('EACCES', 'open', '/x'))).toMatch(/permission denied/);
    expect(systemErrorMessage(sys('EWHAT', 'fsync'))).toBe('could not write to disk: the system said EWHAT');
  });
  it('is null for anything else', () => {
    expect(systemErrorMessage(new Error('boom'))).toBeNull();
    expect(systemErrorMessage({ code: 'config' })).toBeNull();
    expect(systemErrorMessage(null)).toBeNull();
  });
});

describe('training that stops early says so on the terminal, not only in report.md', () => {
  it('terminateOnNaN stopping on huge values is printed as one "stopped" line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seqcast-nan-'));
    const rows = Array.from({ length: 200 }, (_, i) => {
      const d = new Date(Date.UTC(2000, 0, 1 + i)).toISOString().slice(0, 10);
      return `${d},${1e30 * (1 + Math.sin(i))}`;
    });
    writeFileSync(join(dir, 'huge.csv'), `date,y\n${rows.join('\n')}\n`);
    const r = spawnSync(
      'node',
      [
        CLI,
        'train',
        join(dir, 'huge.csv'),
        '--transform',
        'none',
        '--scaler',
        'none',
        '--epochs',
        '2',
        '--out',
        join(dir, 'r'),
        '--quiet',
      ],
      { encoding: 'utf8' },
    );
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ {3}stopped {2}epoch 1, batch \d+: .*NaN/m);
    expect(readFileSync(join(dir, 'r', 'report.md'), 'utf8')).toMatch(/stopped early: epoch 1, batch/);
  });
});

describe('a model folder without checksums', () => {
  it('loads in the CLI with one note on stderr; with checksums there is none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seqcast-sums-'));
    const out = join(dir, 'r');
    const train = spawnSync(
      'node',
      [CLI, 'train', 'air-passengers', '--epochs', '1', '--units', '2', '--out', out, '--quiet'],
      {
        encoding: 'utf8',
      },
    );
    expect(train.status, train.stderr).toBe(0);
    const run = () =>
      spawnSync(
        'node',
        [
          CLI,
          'forecast',
          join(out, 'model'),
          'air-passengers',
          '--steps',
          '2',
          '--output',
          join(dir, 'f.csv'),
          '--force',
        ],
        {
          encoding: 'utf8',
        },
      );
    const verified = run();
    expect(verified.status).toBe(0);
    expect(verified.stderr).toBe('');
    const file = join(out, 'model', 'model.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    delete json.weightsManifest[0].sha256;
    writeFileSync(file, JSON.stringify(json));
    const unverified = run();
    expect(unverified.status).toBe(0);
    expect(unverified.stderr).toMatch(
      /^seqcast: note: model\.json records no SHA-256 of its weight files .*\n$/,
    );
  });
});

describe('inputs that are not regular files', () => {
  it.each([
    ['/dev/zero', /'\/dev\/zero' is a device, not a regular file; give a file$/],
    ['/proc/self/environ', /^seqcast: environ: /],
  ])('seqcast train %s ends at once in one line, printing nothing of the file', (path, pattern) => {
    if (!existsSync(path)) return;
    const r = seqcast(['train', path, '--epochs', '1']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(pattern);
    expect(r.stderr).not.toContain(process.env.PATH ?? '\0');
    expect(r.ms).toBeLessThan(10_000);
  });

  it('a FIFO is refused instead of blocking', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seqcast-fifo-'));
    const fifo = join(dir, 'data.csv');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return;
    const r = seqcast(['train', fifo, '--epochs', '1']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/is a FIFO \(named pipe\), not a regular file; give a file$/);
  });
});

describe('seqcast demo --data with another file', () => {
  it('says what the file must be, in one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seqcast-demo-data-'));
    writeFileSync(join(dir, 'one.csv'), 'date,y\n2020-01-01,1\n');
    const r = seqcast(['demo', '--data', join(dir, 'one.csv'), '--out', join(dir, 'r')]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(
      /^seqcast: demo --data: one\.csv must be the S&P 500 monthly series, with a 'price' column \(it has 'y'\)/,
    );
  });
});
