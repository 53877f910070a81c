// Runs examples 4 and 5 as a user would (through scripts/example.mjs, against the built package) in quick
// mode, and checks the facts they print and the files they write.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { needs } from './helpers/shared-data.js';

const ROOT = join(import.meta.dirname, '..');

interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number | null;
  readonly out: string;
}

function runExample(n: string): Run {
  const out = mkdtempSync(join(tmpdir(), `seqcast-example-${n}-`));
  const r = spawnSync(process.execPath, ['scripts/example.mjs', n], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, SEQCAST_QUICK: '1', SEQCAST_EXAMPLE_OUT: out },
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, out };
}

const numbers = (text: string): number[] => text.split(',').map((v) => Number(v.trim()));

/** The number in the first capture group of `pattern`, which must match. */
function captured(text: string, pattern: RegExp): number {
  const m = pattern.exec(text);
  expect(m, String(pattern)).not.toBeNull();
  return Number(m![1]);
}

describe('example 4: recurrence by hand', () => {
  let run: Run;
  beforeAll(() => {
    run = runExample('4');
  }, 60_000);

  it('example 4 runs to the end and exits 0', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/done in [\d.]+ s/);
  });

  it('example 4 prints the weights under their Keras names', () => {
    expect(run.stdout).toMatch(/wx = simple_rnn\/kernel \[1, 2\]/);
    expect(run.stdout).toMatch(/wx = simple_rnn\/kernel \[2, 2\]/);
    expect(run.stdout).toMatch(/wh = simple_rnn\/recurrent_kernel \[2, 2\]/);
    expect(run.stdout).toMatch(/bh = simple_rnn\/bias \[2\]/);
    expect(run.stdout).toMatch(/wy = dense\/kernel \[2, 1\]/);
    expect(run.stdout).toMatch(/by = dense\/bias \[1\]/);
  });

  it('example 4 prints h1, h2, h3 and o3 equal to predict', () => {
    const states = [...run.stdout.matchAll(/^ {2}h(\d) = \[([^\]]+)\] +\[([^\]]+)\]$/gm)];
    // three states for input shape (3, 1), three for (3, 2)
    expect(states.map((m) => m[1])).toEqual(['1', '2', '3', '1', '2', '3']);
    for (const [, , mine, layer] of states) {
      const a = numbers(mine);
      const b = numbers(layer);
      expect(a).toHaveLength(2);
      a.forEach((v, j) => expect(Math.abs(v - b[j])).toBeLessThan(1e-6));
    }
    const gaps = [...run.stdout.matchAll(/\|o3 − predict\(\)\| = (\S+)/g)].map((m) => Number(m[1]));
    expect(gaps).toHaveLength(2);
    for (const g of gaps) expect(g).toBeLessThan(1e-6);
    expect(run.stdout).toMatch(/largest difference over h1\.\.h3 and o3: \S+ \(below 1e-6/);
    expect(run.stdout).not.toMatch(/ABOVE 1e-6/);
  });

  it('example 4 shows that a flat input indexed per step gives two outputs instead of one', () => {
    expect(run.stdout).toMatch(/WRONG.*\n\s+o3 = \[\s*-?[\d.]+,\s+-?[\d.]+\], two numbers/);
    expect(run.stdout).toMatch(/x = \[\[1,0\.1\],\[2,0\.2\],\[3,0\.3\]\], shape \[1, 3, 2\]/);
  });

  it('example 4 windows the sunspots 12 months at a time after a chronological split', () => {
    expect(run.stdout).toMatch(/2820 months, 1749-01-01 \.\. 1983-12-01/);
    expect(run.stdout).toMatch(/split at row 2256 \(1937-01-01\)/);
    expect(run.stdout).toMatch(/train x \[187, 12, 1\] → y \[187, 1\], test x \[47, 12, 1\] → y \[47, 1\]/);
    expect(run.stdout).toMatch(/the test part reaches 253\.8, i\.e\. 1\.062 on the 0–1 scale/);
  });

  it('example 4 prints a training loss that falls', () => {
    const losses = [...run.stdout.matchAll(/epoch +\d+\/2 +loss ([\d.]+)/g)].map((m) => Number(m[1]));
    expect(losses).toHaveLength(2);
    expect(losses[1]).toBeLessThan(losses[0]);
    expect(run.stdout).toMatch(/loss fell from/);
  });

  it('example 4 reports RMSE on the original scale beside repeating last month', () => {
    expect(captured(run.stdout, /train RMSE ([\d.]+)/)).toBeGreaterThan(1);
    expect(captured(run.stdout, /test RMSE +([\d.]+)/)).toBeGreaterThan(1);
    expect(run.stdout).toMatch(/repeat last month \("naive"\) on the same test targets: RMSE 20\.03/);
    expect(run.stdout).toMatch(/verdict: the SimpleRNN is (beats|worse|ties|[\d.]+× worse)/);
    expect(run.stdout).toMatch(/every test month \(564, not every 12th\).*naive 20\.09/);
  });

  it('example 4 corrects the 12-month sunspot cycle with the lag the data show', () => {
    expect(run.stdout).toMatch(/peaks at a lag of 125 months \(10\.4 years\)/);
  });

  it('example 4 writes the actual-vs-predicted plot as SVG and PNG', () => {
    for (const f of ['sunspots-forecast.svg', 'sunspots-forecast.png']) {
      expect(existsSync(join(run.out, f)), f).toBe(true);
    }
    expect(readFileSync(join(run.out, 'sunspots-forecast.svg'), 'utf8')).toMatch(/test from 1937-01-01/);
  });
});

// Section 3 of example 5 reads the S&P 500 file, which is not bundled.
const shared = needs('data/sp500_monthly.csv');

describe('example 5: gated and bidirectional', () => {
  let run: Run;
  beforeAll(() => {
    run = runExample('5');
  }, 60_000);

  it('example 5 runs to the end and exits 0', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/done in [\d.]+ s/);
  });

  it('example 5 computes tanh(0.45) ≈ 0.4219 with a SimpleRNN layer given the previous state', () => {
    expect(run.stdout).toMatch(/SimpleRNN\(1\)\.call\(x, \[h0 = 0\.1\]\) = 0\.42189\d/);
    expect(captured(run.stdout, /\|layer − tanh\(0\.45\)\| = (\S+);/)).toBeLessThan(1e-6);
    expect(run.stdout).toMatch(/tanh\(0\.45\) ≈ 0\.4219/);
    expect(run.stdout).toMatch(/starts from h0 = 0 .*tanh\(0\.40\) = 0\.37994\d/);
  });

  it('example 5 prints the summary and shapes of the Bidirectional LSTM → GRU → Dense stack', () => {
    expect(run.stdout).toMatch(/bidirectional \(Bidirectional\) │ \(None, 20, 128\) │ +33,792/);
    expect(run.stdout).toMatch(/bidirectional \(Bidirectional\) │ \(None, 50, 128\) │ +33,792/);
    expect(run.stdout).toMatch(/gru \(GRU\) +│ \(None, 32\) +│ +15,552/);
    expect(run.stdout).toMatch(/Total params: 49,377/);
    expect(run.stdout).toMatch(
      /input \[4, 20, 1\] → bidirectional \[4, 20, 128\] → gru \[4, 32\] → dense \[4, 1\]/,
    );
    expect(run.stdout).toMatch(
      /input \[4, 50, 1\] → bidirectional \[4, 50, 128\] → gru \[4, 32\] → dense \[4, 1\]/,
    );
    // the quick slice: 600 months from 1934, 480 for training
    expect(run.stdout).toMatch(/train x \[460, 20, 1\] → y \[460, 1\]; test x \[120, 20, 1\] → y \[120, 1\]/);
    expect(run.stdout).toMatch(/train x \[430, 50, 1\] → y \[430, 1\]; test x \[120, 50, 1\] → y \[120, 1\]/);
  });

  it('example 5 prints a training loss that falls for windows of 20 and of 50', () => {
    const fell = [...run.stdout.matchAll(/loss (fell|did not fall) from ([\d.]+) to ([\d.]+)/g)];
    expect(fell).toHaveLength(2);
    for (const m of fell) {
      expect(m[1]).toBe('fell');
      expect(Number(m[3])).toBeLessThan(Number(m[2]));
    }
  });

  it('example 5 scores each window length against repeating last month', () => {
    const lines = [
      ...run.stdout.matchAll(/test RMSE ([\d.]+) vs naive \(repeat last month\) ([\d.]+) on 120 months → /g),
    ];
    expect(lines).toHaveLength(2);
    for (const m of lines) expect(Number(m[2])).toBeCloseTo(21.71, 2);
    expect(run.stdout).toMatch(/Windows of 50 vs 20: RMSE [\d.]+ vs [\d.]+ → windows of 50 /);
  });

  it('example 5 prints how often clipping engaged, from History.clippedFraction', () => {
    const mean = captured(
      run.stdout,
      /History\.clippedFraction over all 4 epochs: clipping engaged in ([\d.]+) %/,
    );
    expect(mean).toBeGreaterThanOrEqual(0);
    expect(mean).toBeLessThanOrEqual(100);
    // on unscaled numbers the gradients are large and clipping engages in (almost) every batch
    expect(
      captured(run.stdout, /UNSCALED numbers, 1 epoch: .*clipping engaged in ([\d.]+) % of batches/),
    ).toBeGreaterThan(90);
  });

  it.skipIf(!shared.available)(
    `example 5 scores LSTM and GRU in the S&P 500 pipeline against the SimpleRNN and against naive${shared.note}`,
    () => {
      expect(run.stdout).toMatch(/train 1950-01-01 \.\. 2011-01-01, test from 2011-02-01: x \[721, 12, 1\]/);
      expect(run.stdout).toMatch(/naive \(repeat last month\): 126\.0/);
      for (const kind of ['lstm', 'gru']) {
        expect(run.stdout).toMatch(
          new RegExp(
            `^ {2}${kind} *: (beats|worse than|ties) SimpleRNN.*; (beats|worse than|ties|[\\d.]+× worse than) naive`,
            'm',
          ),
        );
      }
      expect(run.stdout).toMatch(/seqcast warns: the scaled test data reach 4\.86/);
    },
  );

  it('example 5 writes its plots', () => {
    for (const f of [
      'sunspots-bilstm-gru-w20.svg',
      'sunspots-bilstm-gru-w20.png',
      'sunspots-bilstm-gru-w50.svg',
      'sunspots-bilstm-gru-w50.png',
    ]) {
      expect(existsSync(join(run.out, f)), f).toBe(true);
    }
  });

  it.skipIf(!shared.available)(`example 5 writes the S&P 500 per-seed table${shared.note}`, () => {
    const csv = readFileSync(join(run.out, 'sp500-cells.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('cell,seed,test_rmse,naive_rmse');
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(['simpleRNN', 'lstm', 'gru']);
  });
});
