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

  it("example 5 pads sequences with padSequences, before ('pre') or after ('post') their steps", () => {
    const rows = [...run.stdout.matchAll(/^ {4}\[([^\]]+)\] +\(length (\d+)\)$/gm)].map((m) => ({
      values: numbers(m[1]),
      length: Number(m[2]),
    }));
    expect(rows).toHaveLength(6); // three sequences, padded pre and then post
    const T = Math.max(...rows.map((r) => r.length));
    for (let i = 0; i < 3; i++) {
      const pre = rows[i];
      const post = rows[i + 3];
      expect(pre.values).toHaveLength(T);
      const real = post.values.slice(0, post.length);
      expect(pre.values).toEqual([...new Array<number>(T - pre.length).fill(0), ...real]);
      expect(post.values).toEqual([...real, ...new Array<number>(T - post.length).fill(0)]);
    }
  });

  it('example 5 shows the padded batch predicting what each sequence alone predicts, with the mask only', () => {
    const table = [
      ...run.stdout.matchAll(/^ {4}\[[^\]]*\] +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+)$/gm),
    ].map((m) => m.slice(1).map(Number));
    expect(table).toHaveLength(4);
    for (const [alone, pre, post] of table) {
      expect(pre).toBe(alone);
      expect(post).toBe(alone);
    }
    const withMask = /largest \|padded − alone\| with the mask (\S+) \(pre\), (\S+) \(post\)/.exec(
      run.stdout,
    )!;
    expect(Number(withMask[1])).toBeLessThan(1e-6);
    expect(Number(withMask[2])).toBeLessThan(1e-6);
    // without the mask: the largest difference over all test sequences is at least the table's
    const without =
      /without it ([\d.]+) \(pre\), ([\d.]+) \(post\), and the predicted class changes for (\d+) \(pre\) and (\d+) \(post\)/.exec(
        run.stdout,
      )!;
    expect(without).not.toBeNull();
    const [largestPre, largestPost, changedPre, changedPost] = without.slice(1).map(Number);
    for (const [alone, , , noPre, noPost] of table) {
      expect(largestPre).toBeGreaterThanOrEqual(Math.abs(noPre - alone) - 1e-4);
      expect(largestPost).toBeGreaterThanOrEqual(Math.abs(noPost - alone) - 1e-4);
    }
    const acc =
      /with the mask ([\d.]+) \((\d+) of (\d+)\); without it ([\d.]+) \((\d+), pre\) and ([\d.]+) \((\d+), post\);\n {2}always guessing the commoner class: ([\d.]+) \((\d+)\)/.exec(
        run.stdout,
      )!;
    expect(acc).not.toBeNull();
    const [a, k, n, aPre, kPre, aPost, kPost, aCommon, kCommon] = acc.slice(1).map(Number);
    expect(a).toBe(Number((k / n).toFixed(3)));
    expect(aPre).toBe(Number((kPre / n).toFixed(3)));
    expect(aPost).toBe(Number((kPost / n).toFixed(3)));
    expect(aCommon).toBe(Number((kCommon / n).toFixed(3)));
    expect(kCommon).toBeGreaterThanOrEqual(n / 2);
    // a prediction that changes class changes the count of right answers by one at most
    expect(Math.abs(k - kPre)).toBeLessThanOrEqual(changedPre);
    expect(Math.abs(k - kPost)).toBeLessThanOrEqual(changedPost);
    const zero =
      /\[0\.5, 0, -0\.2\] gives ([\d.]+), (exactly|not quite) what \[0\.5, -0\.2\] gives \(([\d.]+)\)/.exec(
        run.stdout,
      )!;
    expect(zero[2]).toBe('exactly');
    expect(zero[1]).toBe(zero[3]);
  });

  it('example 5 trains a many-to-one review classifier and reports accuracy, precision and recall from their counts', () => {
    const epochs = [
      ...run.stdout.matchAll(/^ +(\d+) +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+)$/gm),
    ].map((m) => m.slice(1).map(Number));
    expect(epochs.map((e) => e[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(epochs.at(-1)![1]).toBeLessThan(epochs[0][1]); // the loss fell
    for (const e of epochs) for (const v of e.slice(2)) expect(v).toBeGreaterThanOrEqual(0);
    const n = captured(run.stdout, /on the (\d+) test reviews/);
    const right = captured(run.stdout, /test reviews: accuracy [\d.]+, (\d+) right/);
    expect(captured(run.stdout, /test reviews: accuracy ([\d.]+)/)).toBe(Number((right / n).toFixed(3)));
    const pr =
      /precision ([\d.]+) = TP (\d+) \/ \(TP \2 \+ FP (\d+)\); recall ([\d.]+) = TP \2 \/ \(TP \2 \+ FN (\d+)\)/.exec(
        run.stdout,
      )!;
    expect(pr).not.toBeNull();
    const [precision, tp, fp, recall, fn] = pr.slice(1).map(Number);
    expect(precision).toBe(Number((tp / (tp + fp)).toFixed(3)));
    expect(recall).toBe(Number((tp / (tp + fn)).toFixed(3)));
    expect(tp + fp + fn).toBeLessThanOrEqual(n);
    expect(right).toBeGreaterThanOrEqual(tp);
    const share = (label: RegExp): number => {
      const m = label.exec(run.stdout)!;
      expect(m, String(label)).not.toBeNull();
      expect(Number(m[1])).toBe(Number((Number(m[2]) / n).toFixed(3)));
      return Number(m[2]);
    };
    const commoner = share(/the commoner class in training\) ([\d.]+) \((\d+) of \d+\)/);
    const counting = share(/ignoring their order, ([\d.]+) \((\d+) of \d+\)/);
    const ceiling = share(/against the flipped labels, ([\d.]+) \((\d+) of \d+\)/);
    const best = Math.max(commoner, counting);
    const verdict =
      /→ the LSTM (beats both baselines, by (\d+) reviews|ties the better baseline|loses to a baseline by (\d+) reviews), and is (\d+) reviews? (below|above) the ceiling/.exec(
        run.stdout,
      )!;
    expect(verdict).not.toBeNull();
    if (right > best) expect(Number(verdict[2])).toBe(right - best);
    else if (right < best) expect(Number(verdict[3])).toBe(best - right);
    else expect(verdict[1]).toBe('ties the better baseline');
    expect(Number(verdict[4])).toBe(Math.abs(ceiling - right));
    expect(verdict[5]).toBe(right <= ceiling ? 'below' : 'above');
  });

  it('example 5 shows a review the word count gets wrong, by the vocabulary it prints', () => {
    const vocab = /\(positive: ([a-z, ]+); negative: ([a-z, ]+); "but"/.exec(run.stdout)!;
    const positive = vocab[1].split(', ');
    const negative = vocab[2].split(', ');
    const m =
      /where order matters: "([a-z ]+)":\n {2}the last clause is (positive|negative), the word count says (positive|negative), the LSTM P\(positive\) = ([\d.]+)/.exec(
        run.stdout,
      )!;
    expect(m).not.toBeNull();
    const words = m[1].split(' ');
    const tally = (ws: string[]): number =>
      ws.reduce((s, w) => s + (positive.includes(w) ? 1 : negative.includes(w) ? -1 : 0), 0);
    expect(tally(words) > 0 ? 'positive' : 'negative').toBe(m[3]);
    const last = words.slice(words.lastIndexOf('but') + 1);
    expect(tally(last) > 0 ? 'positive' : 'negative').toBe(m[2]);
    expect(m[2]).not.toBe(m[3]);
    // the mask: pre- and post-padded test reviews give the same probabilities
    expect(captured(run.stdout, /instead changes P\(positive\) by at most (\S+)/)).toBeLessThan(1e-6);
  });

  it.skipIf(!shared.available)(`example 5 writes the S&P 500 per-seed table${shared.note}`, () => {
    const csv = readFileSync(join(run.out, 'sp500-cells.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('cell,seed,test_rmse,naive_rmse');
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(['simpleRNN', 'lstm', 'gru']);
  });
});
