// Runs example 6 as a user would (scripts/example.mjs against the built package) in quick mode, and checks
// the facts it prints (issue 17). Needs the sentiment sentences from the shared data folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { needs } from './helpers/shared-data.js';

const ROOT = join(import.meta.dirname, '..');
const need = needs('data/sentiment_sentences.csv');

describe.skipIf(!need.available)(`example 6: sentiment, many-to-one${need.note}`, () => {
  let run: { stdout: string; stderr: string; status: number | null; out: string };
  beforeAll(() => {
    const out = mkdtempSync(join(tmpdir(), 'seqcast-example-6-'));
    const r = spawnSync(process.execPath, ['scripts/example.mjs', '6'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, SEQCAST_QUICK: '1', SEQCAST_EXAMPLE_OUT: out },
    });
    run = { stdout: r.stdout, stderr: r.stderr, status: r.status, out };
  }, 120_000);

  it('example 6 runs to the end and exits 0', () => {
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/done in [\d.]+ s/);
  });

  it('example 6 prints the data, the stratified split and the vocabulary learned from the training part', () => {
    expect(run.stdout).toMatch(/^1\. 2990 review sentences: 1494 positive \(1\), 1496 negative \(0\)\./m);
    expect(run.stdout).toMatch(/Words per sentence: 1 to 71, median 10/);
    expect(run.stdout).toMatch(/2392 to train, 598 to test\. Vocabulary: \d+ indices/);
  });

  it('example 6 shows the padding as zeros at the end, and the masked state unchanged through it', () => {
    expect(run.stdout).toMatch(
      /\[\d+, \d+, \d+, \d+, 0, 0, 0, 0, …\] {3}words: great phone terrible battery/,
    );
    expect(run.stdout).toMatch(/after word 4 and after the \d+ padding steps: identical/);
  });

  it('example 6 scores the model beside the majority class and the bag of words, with a verdict', () => {
    expect(run.stdout).toMatch(/majority class +0\.500 /);
    expect(run.stdout).toMatch(/bag of words \+ logistic regression 0\.\d{3}/);
    expect(run.stdout).toMatch(/Verdict: the (model|baseline) wins/);
  });

  it('example 6 reads the tutorial review word by word and saves the classifier', () => {
    expect(run.stdout).toMatch(/i 0\.\d\d · originally 0\.\d\d · hated 0\.\d\d/);
    expect(run.stdout).toMatch(/The opening clause moves the final score by 0\.\d{3}/);
    expect(existsSync(join(run.out, 'sentiment-model', 'model.json'))).toBe(true);
  });
});
