// seqcast classify / predict through a child process: bad inputs get one clear line; --json has train's
// shape; the dataset 'sentiment' is read in place from the shared data folder (issue 17).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readLabelledCsv } from '../src/classify/csv.js';
import type { ClassifyReport } from '../src/classify/report.js';
import { needs } from './helpers/shared-data.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const DIR = mkdtempSync(join(tmpdir(), 'seqcast-classify-'));
const FAST = ['--epochs', '2', '--units', '4', '--embedding-dim', '8', '--quiet'];

function seqcast(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync('node', [CLI, ...args], {
    encoding: 'utf8',
    cwd: ROOT,
    env: { ...process.env, FORCE_COLOR: '0' },
    timeout: 120_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

function csv(name: string, rows: readonly (readonly string[])[]): string {
  const path = join(DIR, name);
  writeFileSync(
    path,
    `${rows.map((r) => r.map((f) => (/[",\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',')).join('\n')}\n`,
  );
  return path;
}

const WORDS = { pos: ['good', 'great', 'fine'], neg: ['bad', 'awful', 'dull'] };
function reviews(n: number): string[][] {
  const rows = [['text', 'label']];
  for (let i = 0; i < n; i++) {
    const cls = i % 2 === 0 ? 'pos' : 'neg';
    rows.push([`the film was ${WORDS[cls][i % 3]}, really`, cls]);
  }
  return rows;
}

describe('seqcast classify: bad inputs, one line each', () => {
  const cases: [string, () => string[], RegExp][] = [
    [
      'an empty text',
      () => [csv('empty.csv', [...reviews(20), ['  ', 'pos']])],
      /^seqcast: empty\.csv: row 22: the text \(column 'text'\) is empty;/,
    ],
    [
      'an empty label',
      () => [csv('nolabel.csv', [...reviews(20), ['fine', '']])],
      /^seqcast: nolabel\.csv: row 22: the label \(column 'label'\) is empty;/,
    ],
    [
      'one class',
      () => [
        csv('one.csv', [
          ['text', 'label'],
          ['a', '1'],
          ['b', '1'],
          ['c', '1'],
        ]),
      ],
      /^seqcast: one\.csv: every label in column 'label' is '1'; a classifier needs at least two classes$/,
    ],
    [
      'a class missing from the test part',
      () => [csv('rare.csv', [...reviews(30), ['odd one', 'rare'], ['odd two', 'rare']])],
      /^seqcast: SequenceClassifier\.fit\(\): class 'rare' has 2 samples, so none reaches the test part \(testFraction 0\.2\); give at least 3 samples of every class$/,
    ],
    [
      'a missing column',
      () => [csv('cols.csv', reviews(10)), '--text', 'body'],
      /^seqcast: cols\.csv: no column 'body' \(--text\); the columns are text, label$/,
    ],
    [
      'a ragged row',
      () => [csv('ragged.csv', [...reviews(6), ['a', 'b', 'c']])],
      /^seqcast: ragged\.csv: row 8 has 3 fields but the header \(row 1\) has 2;/,
    ],
    [
      'an unknown dataset',
      () => ['sentimental'],
      /^seqcast: no labelled dataset named 'sentimental'; the labelled datasets are sentiment/,
    ],
    [
      'a flag out of bounds',
      () => [csv('ok1.csv', reviews(10)), '--dropout', '1'],
      /^seqcast: --dropout must be a number in \[0, 1\) \(got '1'\)$/,
    ],
    [
      'patience without validation',
      () => [csv('ok2.csv', reviews(10)), '--patience', '2', '--validation-split', '0'],
      /^seqcast: --patience needs validation data to watch/,
    ],
  ];
  it.each(cases)('%s', (_name, args, pattern) => {
    const r = seqcast(['classify', ...args(), ...FAST, '--out', join(DIR, `out-${Math.random()}`)]);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
  });

  it('demo refuses a story it does not know in one line', () => {
    const r = seqcast(['demo', 'poetry']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      "seqcast: demo: no story 'poetry'; give 'sentiment', or nothing for the S&P 500 forecast",
    );
  });

  it('predict refuses a folder without a classifier in one line', () => {
    const r = seqcast(['predict', DIR, 'hello']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^seqcast: loadModel\(\): there is no model\.json in/);
  });
});

describe('seqcast classify FILE --id: series in long format', () => {
  function series(n: number): string[][] {
    const rows = [['utt', 'frame', 'a', 'b', 'who']];
    for (let i = 0; i < n; i++) {
      const cls = i % 2;
      for (let t = 0; t < 3 + (i % 4); t++)
        rows.push([`u${i}`, String(t), String(cls * 2 + ((t * 7 + i) % 5) / 10), String(t), `s${cls}`]);
    }
    return rows;
  }

  it("trains Masking → LSTM beside the majority class and the summary statistics, --json in train's shape", () => {
    const r = seqcast([
      'classify',
      csv('series.csv', series(40)),
      '--id',
      'utt',
      '--step',
      'frame',
      '--label',
      'who',
      '--epochs',
      '2',
      '--units',
      '4',
      '--quiet',
      '--json',
      '--out',
      join(DIR, 'series-out'),
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as ClassifyReport;
    expect(doc.data).toMatchObject({ kind: 'series', samples: 40, classes: ['s0', 's1'] });
    expect(Object.keys(doc.metrics.baselines)).toEqual(['majority', 'summaryStatistics']);
    expect(doc.config).toMatchObject({ kind: 'series', model: { bidirectional: false, units: 4 } });
  });

  it('refuses text flags with --id, and series flags without it, in one line', () => {
    const a = seqcast([
      'classify',
      csv('series2.csv', series(10)),
      '--id',
      'utt',
      '--label',
      'who',
      '--max-tokens',
      '50',
    ]);
    expect(a.status).toBe(1);
    expect(a.stderr.trim()).toBe(
      'seqcast: --max-tokens is for texts; with --id the samples are numeric sequences',
    );
    const b = seqcast(['classify', csv('texts.csv', reviews(10)), '--step', 'frame']);
    expect(b.status).toBe(1);
    expect(b.stderr.trim()).toBe('seqcast: --step is for series in long format; give --id too');
  });
});

describe('seqcast classify FILE --json, then seqcast predict', () => {
  it("prints train's shape and writes the report folder whose model reads raw text", () => {
    const out = join(DIR, 'report');
    const r = seqcast(['classify', csv('reviews.csv', reviews(60)), ...FAST, '--json', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as ClassifyReport;
    expect(Object.keys(doc)).toEqual(
      expect.arrayContaining([
        'data',
        'config',
        'split',
        'metrics',
        'verdict',
        'warnings',
        'training',
        'plots',
      ]),
    );
    expect(Object.keys(doc.metrics)).toEqual(['model', 'baselines']);
    expect(Object.keys(doc.metrics.baselines)).toEqual(['majority', 'bagOfWords']);
    for (const s of [doc.metrics.model, doc.metrics.baselines.majority!, doc.metrics.baselines.bagOfWords!]) {
      expect(Object.keys(s)).toEqual(
        expect.arrayContaining([
          'accuracy',
          'accuracyInterval',
          'balancedAccuracy',
          'macroF1',
          'rocAuc',
          'perClass',
          'confusion',
        ]),
      );
    }
    expect(doc.data.samples).toBe(60);
    expect(doc.split).toMatchObject({ train: 42, validation: 6, test: 12, seed: 42 });
    expect(doc.verdict).toMatch(/^the (model|baseline) wins/);
    for (const f of ['report.md', 'report.json', 'loss.svg', 'confusion.svg', 'model/model.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).toEqual(doc);
    const p = seqcast(['predict', join(out, 'model'), 'the film was great', 'bad, awful', '--json']);
    expect(p.status).toBe(0);
    const rows = JSON.parse(p.stdout) as { label: string; probabilities: Record<string, number> }[];
    expect(rows).toHaveLength(2);
    expect(Object.keys(rows[0].probabilities)).toEqual(['neg', 'pos']);
    const traced = seqcast(['predict', join(out, 'model'), 'the film was great', '--trace', '--json']);
    expect(traced.status).toBe(0);
    const [t] = JSON.parse(traced.stdout) as { words: { word: string; known: boolean }[] }[];
    expect(t.words.map((x) => x.word)).toEqual(['the', 'film', 'was', 'great']);
    const table = seqcast(['predict', join(out, 'model'), 'the film was zebra', '--trace']);
    expect(table.stdout).toMatch(/^the film was zebra\n {2}word +p\(pos\)\n {2}the /);
    expect(table.stdout).toMatch(/zebra .*\[UNK\]\n$/);
    // the same model with another vocabulary: one word fewer in the saved vectorizer
    const edited = join(DIR, 'edited-model');
    cpSync(join(out, 'model'), edited, { recursive: true });
    const json = JSON.parse(readFileSync(join(edited, 'model.json'), 'utf8')) as {
      userDefinedMetadata: { seqcast: { classifier: { vectorizer: { words: string[] } } } };
    };
    json.userDefinedMetadata.seqcast.classifier.vectorizer.words.pop();
    writeFileSync(join(edited, 'model.json'), JSON.stringify(json));
    const wrong = seqcast(['predict', edited, 'the film was great']);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toMatch(
      /reads \d+ word indices but the saved vectorizer gives \d+: this model was not trained with this vectorizer$/m,
    );
    const none = seqcast(['predict', join(out, 'model')]);
    expect(none.status).toBe(1);
    expect(none.stderr.trim()).toBe(
      'seqcast: nothing to classify: give one or more texts (quoted) or --file FILE.csv',
    );
  });
});

const need = needs('data/sentiment_sentences.csv');
describe.skipIf(!need.available)(`seqcast classify sentiment${need.note}`, () => {
  it('reads the dataset in place through the resolver: 2,990 sentences, two classes', () => {
    const parsed = readLabelledCsv(need.text('data/sentiment_sentences.csv'));
    expect(parsed.texts).toHaveLength(2990);
    expect(new Set(parsed.labels)).toEqual(new Set(['0', '1']));
    const r = seqcast([
      'classify',
      'sentiment',
      ...FAST,
      '--epochs',
      '1',
      '--sequence-length',
      '12',
      '--json',
      '--out',
      join(DIR, 'sent'),
    ]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as ClassifyReport;
    expect(doc.data).toMatchObject({
      source: 'sentiment',
      samples: 2990,
      classes: ['0', '1'],
      classCounts: { 0: 1496, 1: 1494 },
    });
    expect(doc.split).toMatchObject({ test: 598, validation: 299, train: 2093 });
  }, 120_000);

  it('seqcast demo sentiment tells the story: the model beside both baselines, two sentences word by word', () => {
    const r = seqcast(['demo', 'sentiment', '--epochs', '1', '--quiet', '--out', join(DIR, 'demo')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Sentiment: 2990 review sentences/);
    expect(r.stdout).toMatch(/ {2}bag of words \+ logreg {2}accuracy 0\.\d{3}\n/);
    expect(r.stdout).toMatch(/Verdict: the (model|baseline) wins/);
    expect(r.stdout).toMatch(/ {2}not 0\.\d\d · good 0\.\d\d · at 0\.\d\d · all 0\.\d\d\n/);
    expect(existsSync(join(DIR, 'demo', 'model', 'model.json'))).toBe(true);
  }, 120_000);

  it("the README's classification example runs and prints the scores, the verdict and two labels", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    const code = blocks.find((b) => b.includes('SequenceClassifier.fit({ texts, labels }'))!;
    const runnable = code
      .replace(/from 'seqcast\/node'/g, `from '${pathToFileURL(join(ROOT, 'dist', 'node.js')).href}'`)
      .replace(/from 'seqcast'/g, `from '${pathToFileURL(join(ROOT, 'dist', 'index.js')).href}'`);
    const r = spawnSync('node', ['--input-type=module', '-e', runnable], {
      encoding: 'utf8',
      cwd: DIR,
      timeout: 300_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^0\.\d+ \[ 0\.\d+, 0\.\d+ \] 0\.\d+$/);
    expect(lines[1]).toMatch(/^the (model|baseline) wins: /);
    expect(lines[2]).toBe("[ '0', '1' ]");
    expect(existsSync(join(DIR, 'sentiment-model', 'model.json'))).toBe(true);
  }, 300_000);

  it('bench/sentiment.mjs --seeds 1 --epochs 1 prints a line per seed and a summary beside the baselines', () => {
    const r = spawnSync(
      'node',
      [join(ROOT, 'bench', 'sentiment.mjs'), '--seeds', '1', '--epochs', '1', '--configs', 'torch'],
      {
        encoding: 'utf8',
        cwd: ROOT,
        timeout: 300_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ config: 'torch', seed: 1, test: 598, majority: 0.5 });
    expect(lines[1]).toMatchObject({ summary: 'sentiment', config: 'torch', seeds: 1 });
  }, 300_000);
});

const vowels = needs('data/japanese_vowels.json');
describe.skipIf(!vowels.available)(`bench/japanese-vowels-classify.mjs${vowels.note}`, () => {
  it('--seeds 1 --epochs 2 scores the official test part beside the summary-statistics baseline', () => {
    const r = spawnSync(
      'node',
      [join(ROOT, 'bench', 'japanese-vowels-classify.mjs'), '--seeds', '1', '--epochs', '2'],
      {
        encoding: 'utf8',
        cwd: ROOT,
        timeout: 120_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const [line, summary] = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(line).toMatchObject({ seed: 1, officialTest: 370, majority: 0.0838 });
    expect(line.summaryStatistics as number).toBeGreaterThan(0.9);
    expect(summary).toMatchObject({ summary: 'japanese-vowels-classify', seeds: 1 });
  }, 120_000);
});
