// Every benchmark script runs, on a tiny budget or workload, against the BUILT package (`npm test` builds
// first), so that none of them can rot unnoticed: each must exit 0 and print what it promises. The figures
// mean nothing here. Not run: bench/peers/torch_workload.py needs Python with PyTorch (only its syntax is
// checked, when Python is there); compare.mjs's PyTorch peers run only when SEQCAST_TORCH_PYTHON names one.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { availableBackends } from '../src/index.js';
import { needs } from './helpers/shared-data.js';

const ROOT = join(import.meta.dirname, '..');

function bench(script: string, args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync(process.execPath, [join('bench', script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/** The JSON lines of stdout (each line must parse). */
function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function expectOk(r: ReturnType<typeof bench>): void {
  expect(r.status, r.stderr).toBe(0);
}

const shared = needs('data/sp500_monthly.csv');
const vowels = needs('data/japanese_vowels.json');
const hasNative = availableBackends().includes('native');
const hasTime = existsSync('/usr/bin/time');
const python = spawnSync('python3', ['--version']).status === 0;

describe('the benchmark scripts run (smoke, tiny budgets)', () => {
  it('bench/data.mjs --out DIR --dataset d721_12_1 writes the three float32 files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seqcast-bench-data-'));
    expectOk(bench('data.mjs', ['--out', dir, '--dataset', 'd721_12_1']));
    expect(readdirSync(dir).sort()).toEqual(['d721_12_1.series.f32', 'd721_12_1.x.f32', 'd721_12_1.y.f32']);
  });

  it.each(['W1', 'P1'])('bench/run.mjs --workload %s --budget 0.05 prints one ok line', (id) => {
    const r = bench('run.mjs', ['--workload', id, '--budget', '0.05']);
    expectOk(r);
    expect(jsonLines(r.stdout)).toMatchObject([{ format: 'seqcast-bench/1', workload: id, status: 'ok' }]);
  });

  it('bench/run.mjs --workload W1 --mask 0.25 trains through a masking layer on padded windows', () => {
    const r = bench('run.mjs', ['--workload', 'W1', '--budget', '0.05', '--mask', '0.25']);
    expectOk(r);
    const [line] = jsonLines(r.stdout);
    expect(line.status).toBe('ok');
    expect(line.mask).toBe(0.25);
    expect(bench('run.mjs', ['--workload', 'W1', '--mask', '1']).status).toBe(2);
  });

  it('bench/engine.mjs --workload E1 --quick --repeats 1 --peer tfjs prints seqcast, reference and tfjs lines', () => {
    const r = bench('engine.mjs', ['--workload', 'E1', '--quick', '--repeats', '1', '--peer', 'tfjs']);
    expectOk(r);
    const lines = jsonLines(r.stdout);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const l of lines) expect(l).toMatchObject({ format: 'seqcast-bench/1', workload: 'E1' });
  });

  it.each(['cpu', 'wasm'])('bench/peers/tfjs-workload.mjs --workload W1 --backend %s runs', (backend) => {
    const r = bench('peers/tfjs-workload.mjs', [
      '--workload',
      'W1',
      '--backend',
      backend,
      '--budget',
      '0.05',
    ]);
    expectOk(r);
    expect(jsonLines(r.stdout)).toMatchObject([{ peer: `tfjs-${backend}`, workload: 'W1', status: 'ok' }]);
  });

  it('bench/peers/brainjs-workload.mjs --workload W1 runs', () => {
    const r = bench('peers/brainjs-workload.mjs', ['--workload', 'W1', '--budget', '0.05']);
    expectOk(r);
    expect(jsonLines(r.stdout)).toMatchObject([{ peer: 'brainjs', workload: 'W1', status: 'ok' }]);
  });

  it.skipIf(!hasTime)(
    'bench/compare.mjs --workloads W1 --repeats 1 runs seqcast and the JavaScript peers and prints the tables',
    () => {
      const r = bench('compare.mjs', [
        '--workloads',
        'W1',
        '--repeats',
        '1',
        '--budget',
        '0.05',
        '--peers',
        'seqcast,tfjs-cpu,tfjs-wasm,brainjs',
      ]);
      expectOk(r);
      expect(r.stdout).toMatch(/W1/);
      for (const peer of ['seqcast', 'tfjs-cpu', 'tfjs-wasm', 'brainjs'])
        expect(r.stderr).toMatch(new RegExp(`W1 ${peer}: fit`));
    },
  );

  it.skipIf(!hasNative)('bench/gemm-native.mjs --quick --shape R4 prints the GFLOP/s table', () => {
    const r = bench('gemm-native.mjs', ['--quick', '--shape', 'R4']);
    expectOk(r);
    expect(r.stdout).toMatch(/^\| R4 +\| SimpleRNN\(32\) step/m);
  });

  it('bench/ab.mjs --base . --reps 1 --workloads W1 compares a checkout with itself', () => {
    const r = bench('ab.mjs', ['--base', '.', '--reps', '1', '--workloads', 'W1']);
    expectOk(r);
    const [line] = jsonLines(r.stdout);
    expect(line.workload).toBe('W1');
    expect(line.ratio).toBeGreaterThan(0);
    expect(bench('ab.mjs', []).status).toBe(2);
  });

  it('bench/quality.mjs --only air-passengers --seeds 1 --epochs 1 prints one quality line', () => {
    const r = bench('quality.mjs', ['--only', 'air-passengers', '--seeds', '1', '--epochs', '1']);
    expectOk(r);
    expect(jsonLines(r.stdout)).toMatchObject([
      { format: 'seqcast-quality/1', experiment: 'air-passengers' },
    ]);
  });

  it('bench/forecast-quality.mjs --only air-passengers --seeds 1 --no-backtest prints one line', () => {
    const r = bench('forecast-quality.mjs', ['--only', 'air-passengers', '--seeds', '1', '--no-backtest']);
    expectOk(r);
    expect(jsonLines(r.stdout)).toMatchObject([{ series: 'air-passengers', seeds: 1, target: 19.6 }]);
  });

  it.skipIf(!shared.available)(
    `bench/init-effect.mjs --seeds 1 --epochs 1 prints the two initialisations and the AR(12) line${shared.note}`,
    () => {
      const r = bench('init-effect.mjs', ['--seeds', '1', '--epochs', '1']);
      expectOk(r);
      expect(jsonLines(r.stdout).map((l) => l.init)).toEqual([
        'keras',
        'pytorch',
        'linear AR(12), least squares',
      ]);
    },
  );

  it.skipIf(!vowels.available)(
    `bench/japanese-vowels.mjs --seeds 1 --epochs 1 trains the masked classifier and prints its accuracy${vowels.note}`,
    () => {
      const r = bench('japanese-vowels.mjs', ['--seeds', '1', '--epochs', '1']);
      expectOk(r);
      const [run, summary] = jsonLines(r.stdout);
      expect(run).toMatchObject({ seed: 1, epochs: 1 });
      expect(run.accuracy).toBeGreaterThan(0.1); // nine speakers: above chance after one epoch
      expect(summary).toMatchObject({ summary: 'japanese-vowels', seeds: 1 });
    },
  );

  it.skipIf(!python)('bench/peers/torch_workload.py compiles (running it needs PyTorch)', () => {
    const r = spawnSync('python3', ['-m', 'py_compile', join('bench', 'peers', 'torch_workload.py')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, PYTHONPYCACHEPREFIX: mkdtempSync(join(tmpdir(), 'seqcast-pyc-')) },
    });
    expect(r.status, r.stderr).toBe(0);
  });
});
