// The atomic output folder (issue 15): built beside the target, renamed into place, never half-written.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutputFolder, writeOutputFolder } from '../src/io/output-folder.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'seqcast-out-'));
const report = async (dir: string, text: string): Promise<string> => {
  writeFileSync(join(dir, 'report.md'), text);
  writeFileSync(join(dir, 'report.json'), '{}');
  mkdirSync(join(dir, 'model'));
  writeFileSync(join(dir, 'model', 'model.json'), '{}');
  return text;
};
/** The pid of a process that has ended. */
const deadPid = (): number => spawnSync('true').pid!;

describe('writeOutputFolder(target, options, write)', () => {
  it('writes into a temporary sibling and renames it into place', async () => {
    const root = tmp();
    const target = join(root, 'out');
    let seen = '';
    const r = await writeOutputFolder(target, { force: false }, async (dir) => {
      seen = dir;
      expect(dir).toMatch(/\/\.out\.writing-\d+-[0-9a-f]{8}$/);
      expect(existsSync(target)).toBe(false);
      return report(dir, 'one');
    });
    expect(r).toBe('one');
    expect(existsSync(seen)).toBe(false);
    expect(readFileSync(join(target, 'report.md'), 'utf8')).toBe('one');
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('replaces a folder seqcast wrote only with force', async () => {
    const root = tmp();
    const target = join(root, 'out');
    await writeOutputFolder(target, { force: false }, (dir) => report(dir, 'one'));
    await expect(writeOutputFolder(target, { force: false }, (dir) => report(dir, 'two'))).rejects.toThrow(
      /already exists and is not empty; choose another --out or pass --force/,
    );
    await writeOutputFolder(target, { force: true }, (dir) => report(dir, 'two'));
    expect(readFileSync(join(target, 'report.md'), 'utf8')).toBe('two');
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('a failure while writing leaves the old folder as it was and no temporary folder', async () => {
    const root = tmp();
    const target = join(root, 'out');
    await writeOutputFolder(target, { force: false }, (dir) => report(dir, 'old'));
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), {
      code: 'ENOSPC',
      syscall: 'write',
      path: join(root, 'x.png'),
    });
    await expect(
      writeOutputFolder(target, { force: true }, async (dir) => {
        await report(dir, 'new');
        throw full;
      }),
    ).rejects.toThrow(/^could not write '.*x\.png': the disk is full: .*; '.*out' is unchanged$/);
    expect(readFileSync(join(target, 'report.md'), 'utf8')).toBe('old');
    expect(readdirSync(root)).toEqual(['out']);
  });

  it('refuses, before any work and again before the swap, a folder holding files seqcast did not write', async () => {
    const root = tmp();
    const target = join(root, 'out');
    await writeOutputFolder(target, { force: false }, (dir) => report(dir, 'old'));
    writeFileSync(join(target, 'model', 'notes.txt'), 'mine');
    expect(() => checkOutputFolder(target, { force: true })).toThrow(
      /holds files seqcast did not write \('model\/notes\.txt'\); --force replaces only a folder seqcast wrote/,
    );
    let ran = false;
    await expect(
      writeOutputFolder(target, { force: true }, async () => {
        ran = true;
      }),
    ).rejects.toThrow(/did not write/);
    expect(ran).toBe(false);
    // a file that appears while the work runs is found before the swap
    const other = join(root, 'other');
    await writeOutputFolder(other, { force: false }, (dir) => report(dir, 'old'));
    await expect(
      writeOutputFolder(other, { force: true }, async (dir) => {
        writeFileSync(join(other, 'mine.csv'), 'x');
        return report(dir, 'new');
      }),
    ).rejects.toThrow(/holds files seqcast did not write \('mine\.csv'\).*'.*other' is unchanged$/);
    expect(readFileSync(join(other, 'report.md'), 'utf8')).toBe('old');
    expect(readFileSync(join(target, 'model', 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('cleans up what killed runs left, and puts back a folder whose swap was interrupted', async () => {
    const root = tmp();
    const target = join(root, 'out');
    mkdirSync(join(root, `.out.writing-${deadPid()}-0badc0de`));
    mkdirSync(join(root, `.out.writing-${process.pid}-00000001`)); // a run that is still going: kept
    const aside = join(root, `.out.replaced-${deadPid()}-0badc0df`);
    mkdirSync(aside);
    await report(aside, 'interrupted');
    // the interrupted swap is undone first: the old folder is back, complete (so without force it is kept)
    expect(() => checkOutputFolder(target, { force: false })).toThrow(/already exists and is not empty/);
    expect(readFileSync(join(target, 'report.md'), 'utf8')).toBe('interrupted');
    expect(readdirSync(root).sort()).toEqual([`.out.writing-${process.pid}-00000001`, 'out']);
    await writeOutputFolder(target, { force: true }, (dir) => report(dir, 'x'));
    expect(readFileSync(join(target, 'report.md'), 'utf8')).toBe('x');
  });
});

describe('seqcast demo killed while it trains', () => {
  it('leaves the existing folder untouched; the next run cleans up and replaces it', async () => {
    const root = tmp();
    const out = join(root, 'report');
    const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
    const run = (args: string[]) =>
      spawnSync('node', [CLI, ...args], {
        encoding: 'utf8',
        env: { ...process.env, SEQCAST_SHARED_DATA: '0' },
      });
    expect(run(['demo', '--epochs', '1', '--out', out, '--quiet']).status).toBe(0);
    const before = readFileSync(join(out, 'report.md'), 'utf8');
    const child = spawn('node', [CLI, 'demo', '--epochs', '100000', '--out', out, '--force', '--quiet'], {
      env: { ...process.env, SEQCAST_SHARED_DATA: '0' },
      stdio: 'ignore',
    });
    await new Promise((r) => setTimeout(r, 2500));
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    expect(readdirSync(root).some((n) => n.startsWith('.report.writing-'))).toBe(true);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toBe(before);
    expect(run(['demo', '--epochs', '1', '--out', out, '--force', '--quiet']).status).toBe(0);
    expect(readdirSync(root)).toEqual(['report']);
  }, 60_000);
});

describe('a long series', () => {
  it('is plotted from at most MAX_PLOT_POINTS points, and the model is saved first', async () => {
    const { MAX_PLOT_POINTS, thinned } = await import('../src/cli/report-folder.js');
    expect(thinned(10)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const t = thinned(1_000_000, 5);
    expect(t).toHaveLength(MAX_PLOT_POINTS);
    expect([t[0], t.at(-1)]).toEqual([5, 1_000_004]);
    const root = tmp();
    const csv = join(root, 'long.csv');
    const n = 60_000;
    writeFileSync(
      csv,
      `step,y\n${Array.from({ length: n }, (_, i) => `${i},${(10 + Math.sin(i / 50)).toFixed(4)}`).join('\n')}\n`,
    );
    const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
    const out = join(root, 'r');
    const r = spawnSync(
      'node',
      [CLI, 'train', csv, '--epochs', '1', '--units', '2', '--batch-size', '4096', '--out', out, '--quiet'],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const plot of ['series.svg', 'forecast.svg', 'residuals.svg']) {
      expect(readFileSync(join(out, plot), 'utf8').length).toBeLessThan(2_000_000);
    }
    expect(readFileSync(join(out, 'series.svg'), 'utf8')).toMatch(/every 30th of 60000 points/);
    expect(existsSync(join(out, 'model', 'model.json'))).toBe(true);
  }, 60_000);
});

describe('a full disk', () => {
  // A real one: a 300 KB tmpfs, where this machine lets the tests mount one (as root); skipped elsewhere.
  it('leaves the old report folder as it was, with one line naming the folder and the fix', (ctx) => {
    const mountPoint = mkdtempSync(join(tmpdir(), 'seqcast-full-'));
    if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=300k', 'tmpfs', mountPoint]).status !== 0) {
      process.stderr.write('output-folder: skipping the full-disk test (cannot mount a tmpfs here)\n');
      ctx.skip();
    }
    try {
      const out = join(mountPoint, 'r');
      mkdirSync(join(out, 'model'), { recursive: true });
      writeFileSync(join(out, 'report.md'), 'the old report');
      writeFileSync(join(out, 'report.json'), '{}');
      const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
      const r = spawnSync(
        'node',
        [CLI, 'train', 'air-passengers', '--epochs', '1', '--units', '2', '--out', out, '--force', '--quiet'],
        { encoding: 'utf8' },
      );
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(
        /^seqcast: could not write '.*r': the disk is full: free some space, or write somewhere else \(--out, --output\); '.*r' is unchanged\n$/,
      );
      expect(readFileSync(join(out, 'report.md'), 'utf8')).toBe('the old report');
      expect(readdirSync(mountPoint)).toEqual(['r']);
    } finally {
      spawnSync('umount', [mountPoint]);
    }
  });
});

describe('writeOutputFile(path, data)', () => {
  it('replaces the file whole through a synced temporary sibling, and cleans up after killed runs', async () => {
    const { writeOutputFile } = await import('../src/io/output-folder.js');
    const root = tmp();
    const file = join(root, 'next.csv');
    await writeOutputFile(file, 'date,y\n2020-01-01,1\n');
    mkdirSync(join(root, `.next.csv.writing-${deadPid()}-0badc0de`));
    await writeOutputFile(file, 'date,y\n2020-02-01,2\n');
    expect(readFileSync(file, 'utf8')).toBe('date,y\n2020-02-01,2\n');
    expect(readdirSync(root)).toEqual(['next.csv']);
    await expect(writeOutputFile(join(root, 'next.csv', 'x.csv'), 'x')).rejects.toThrow(
      /nothing was written$/,
    );
  });
});
