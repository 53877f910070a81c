// Runs examples 1-3 as a user would (npm run example -- N, through scripts/example.mjs and the BUILT
// package: `npm test` builds first), with SEQCAST_QUICK=1 so that each trains for a couple of epochs, and
// checks the facts they print and the files they write.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { needs } from './helpers/shared-data.js';

const ROOT = join(import.meta.dirname, '..');

function runExample(n: number, env: Record<string, string> = {}): { stdout: string; out: string } {
  const out = mkdtempSync(join(tmpdir(), `seqcast-example-${n}-`));
  const r = spawnSync(process.execPath, ['scripts/example.mjs', String(n)], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, SEQCAST_QUICK: '1', SEQCAST_EXAMPLE_OUT: out, ...env },
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return { stdout: r.stdout, out };
}

/** Checks that the example wrote these files, then removes its output folder. */
function expectFiles(dir: string, names: readonly string[]): void {
  for (const name of names) expect(existsSync(join(dir, name)), name).toBe(true);
  rmSync(dir, { recursive: true, force: true });
}

// Examples 1 and 2 read the S&P 500 file, which is not bundled.
const shared = needs('data/sp500_monthly.csv');

describe('examples 1-3', () => {
  it.each([1, 2])('example %i without the S&P 500 file says so in one line and exits 0', (n) => {
    const { stdout, out } = runExample(n, {
      SEQCAST_DATA_DIR: mkdtempSync(join(tmpdir(), 'seqcast-nodata-')),
      SEQCAST_SHARED_DATA: '0',
    });
    expect(stdout).toBe(
      'This example needs the S&P 500 file sp500_monthly.csv, which is not bundled with seqcast: set ' +
        'SEQCAST_DATA_DIR to a folder holding it (datasets/README.md says where it comes from). Skipped.\n',
    );
    expectFiles(out, []);
  });

  it.skipIf(!shared.available)(
    `example 1 prints the S&P 500 rows, dates, price range, yearly means and window shape, and writes the log plot${shared.note}`,
    () => {
      const { stdout, out } = runExample(1);
      expect(stdout).toMatch(/917 rows × 2 columns \(date, price\)/);
      expect(stdout).toMatch(/From 1950-01-01 to 2026-05-01/);
      expect(stdout).toMatch(/Price range: 16\.9 to 7412\.6/);
      expect(stdout).toMatch(
        /1950 {2}18\.40\n {2}1951 {2}22\.33\n {2}1952 {2}24\.50\n {2}1953 {2}24\.73\n {2}1954 {2}29\.69/,
      );
      expect(stdout).toMatch(/Mean monthly change over 916 months: 0\.0072\d\d/);
      expect(stdout).toMatch(/x \[905, 12, 1\]/);
      expect(stdout).toMatch(/Per-example input shape a recurrent layer expects: \(12, 1\)/);
      expect(stdout).toMatch(/window 0: 1950-01-01 \.\. 1950-12-01 \(12 rows\) → 1951-01-01/);
      expectFiles(out, ['sp500-log.svg', 'sp500-log.png']);
    },
  );

  it.skipIf(!shared.available)(
    `example 2 prints the split index 733, the window shapes, naive RMSE 126.0 and the verdicts, and writes the plots${shared.note}`,
    () => {
      const { stdout, out } = runExample(2);
      expect(stdout).toMatch(
        /Split index: 733 \(train 1950-01-01 \.\. 2011-01-01, test 2011-02-01 \.\. 2026-05-01\)/,
      );
      expect(stdout).toMatch(/Train windows: \[721, 12, 1\]\nTest windows: {2}\[184, 12, 1\]/);
      expect(stdout).toMatch(/SimpleRNN test RMSE: \d+\.\d\nSimpleRNN test MAE: {2}\d+\.\d/);
      // exercise 1: window 24
      expect(stdout).toMatch(/Train windows: \[709, 24, 1\]\nTest windows: {2}\[184, 24, 1\]/);
      // exercise 2: both ways of computing the naive forecast agree
      expect(stdout).toMatch(/Naive RMSE \(last value of each test window\): 126\.0/);
      expect(stdout).toMatch(/Naive RMSE \(seqcast's naive\(\) baseline\): +126\.0/);
      // exercise 3
      expect(stdout).toMatch(/SimpleRNN\(8\) test RMSE: \d+\.\d/);
      expect(stdout).toMatch(/SimpleRNN\(64\) test RMSE: \d+\.\d/);
      // the honest ending
      expect(stdout).toMatch(/window 12, 32 units +RMSE +\d+\.\d +[\d.]+× worse than naive on RMSE/);
      expect(stdout).toMatch(
        /the scaled test data reach 4\.86 while the training data span 0\.00 \.\. 1\.00/,
      );
      expect(stdout).toMatch(/tutorial's RMSE of 1007\.8 is 8\.0× worse than naive on RMSE/);
      expect(stdout).toMatch(/train windows \[720, 12, 1\].*test windows \[184, 12, 1\]/);
      expect(stdout).toMatch(/Recommended pipeline: RMSE \d+\.\d, (beats|worse than|ties) naive/);
      // the five-seed figures are cited from where they were measured
      expect(stdout).toMatch(
        /Over five seeds \(measured by bench\/quality\.mjs, experiments sp500-tutorial and sp500-recommended, on 2026-11-22: the "Forecast quality" table of bench\/README\.md\) the tutorial pipeline scored RMSE 1596 ± 288 and the recommended one 124\.5 ± 3\.5, against 126\.0 for naive/,
      );
      expectFiles(out, [
        'sp500-tutorial-forecast.svg',
        'sp500-tutorial-forecast.png',
        'sp500-recommended-forecast.svg',
        'sp500-recommended-forecast.png',
      ]);
    },
  );

  it('example 3 prints 480 sine windows, a falling loss per epoch and the true actual value, and writes the plots', () => {
    const { stdout, out } = runExample(3);
    expect(stdout).toMatch(/500 points over \[0, 4π\], windows of 20: x \[480, 20, 1\], y \[480, 1\]/);
    const losses = [...stdout.matchAll(/^Epoch +(\d+) \| Loss: (\d+\.\d{6})$/gm)].map((m) => Number(m[2]));
    expect(losses.length).toBeGreaterThanOrEqual(4);
    expect(losses.at(-1)!).toBeLessThan(losses[0]);
    expect(stdout).toMatch(/Predicted: -?\d\.\d{4} \| Actual: 0\.4826/);
    expect(stdout).toMatch(/sin\(4π · 20 \/ 499\) = 0\.4826/);
    expect(stdout).toMatch(/Loss after \d+ epochs: \d\.\d{6}/);
    expectFiles(out, ['sine-loss.svg', 'sine-loss.png', 'sine-predictions.svg', 'sine-predictions.png']);
  });
});
