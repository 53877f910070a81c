// seqcast trace <classifier> "a sentence" and the report folder's word-by-word plot, through a child process
// (issue 17: "trace for a sentence … in the CLI as a table and a plot").
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const DIR = mkdtempSync(join(tmpdir(), 'seqcast-trace-text-'));

function seqcast(args: string[]): { stdout: string; stderr: string; status: number | null } {
  const r = spawnSync('node', [CLI, ...args], {
    encoding: 'utf8',
    cwd: DIR,
    env: { ...process.env, FORCE_COLOR: '0' },
    timeout: 120_000,
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const WORDS = { pos: ['good', 'great', 'fine', 'lovely'], neg: ['bad', 'awful', 'dull', 'poor'] };
function reviews(n: number): string {
  const rows = ['text,label'];
  for (let i = 0; i < n; i++) {
    const cls = i % 2 === 0 ? 'pos' : 'neg';
    rows.push(`the film was ${WORDS[cls][(i >> 1) % 4]} ${['really', 'today', 'again'][i % 3]},${cls}`);
  }
  return `${rows.join('\n')}\n`;
}

const out = join(DIR, 'report');
const model = join(out, 'model');

describe('seqcast classify: the report folder’s word-by-word plot', () => {
  beforeAll(() => {
    writeFileSync(join(DIR, 'reviews.csv'), reviews(80));
    const r = seqcast([
      'classify',
      'reviews.csv',
      '--epochs',
      '3',
      '--units',
      '4',
      '--embedding-dim',
      '8',
      '--quiet',
      '--json',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 120_000);

  it('writes words.svg and words.png, lists it in report.json and shows it in report.md', () => {
    const doc = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { plots: string[] };
    expect(doc.plots).toEqual(['loss.svg', 'confusion.svg', 'words.svg']);
    expect(existsSync(join(out, 'words.png'))).toBe(true);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('![words](words.svg)');
    const svg = readFileSync(join(out, 'words.svg'), 'utf8');
    expect(svg).toMatch(
      /The model’s score as each word arrives: 4 test sentences, \d classified right, \d wrong/,
    );
    expect(svg).toContain('p(pos) if the text ended here');
    // four panels, each a distinct test sentence with its actual and predicted class
    const panels = new Set(svg.match(/\d\. “[^”]+” \(actual (pos|neg), predicted (pos|neg)\)/g));
    expect([...panels].map((t) => t[0])).toEqual(['1', '2', '3', '4']);
  });
});

describe('seqcast trace <classifier model> "a sentence"', () => {
  it('prints a row per word (the score if the text ended there) and the state and gates after each word', () => {
    const r = seqcast(['trace', model, 'The film was zebra, really!']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(
      '"The film was zebra, really!": 5 words read (the model reads at most 5), classes neg, pos',
    );
    expect(lines[2]).toMatch(/^ {2}word +p\(pos\) +if the text ended here$/);
    expect(lines.slice(3, 8).map((l) => l.trim().split(/\s+/)[0])).toEqual([
      'the',
      'film',
      'was',
      'zebra',
      'really',
    ]);
    expect(lines[6]).toMatch(/^ {2}zebra +0\.\d{3} +#* +\[UNK\]$/);
    expect(r.stdout).toContain('\nbidirectional/forward (LSTM, 4 units): after each word\n');
    expect(r.stdout).toContain(
      '\nbidirectional/backward (LSTM, 4 units, reading the text from its end back): after each word\n',
    );
    expect(r.stdout).toMatch(
      /\n {2}the +h \[[^\]]+\] +c \[[^\]]+\] +i \[[^\]]+\] +f \[[^\]]+\] +g \[[^\]]+\] +o \[/,
    );
  });

  it('--json: the last word’s probabilities are what seqcast predict says of the whole text', () => {
    const text = 'the film was lovely again';
    const r = seqcast(['trace', model, text, '--json']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      words: { word: string; known: boolean; probabilities: Record<string, number> }[];
      layers: { kind: string; direction?: string; steps?: unknown[] }[];
      output: number[];
      inputLength: number;
    };
    expect(doc.words.map((w) => w.word)).toEqual(['the', 'film', 'was', 'lovely', 'again']);
    const p = seqcast(['predict', model, text, '--json']);
    const [row] = JSON.parse(p.stdout) as { probabilities: Record<string, number> }[];
    expect(doc.words[4].probabilities.pos).toBeCloseTo(row.probabilities.pos, 6);
    // the trace of the whole text: the sigmoid output is p(pos)
    expect(doc.output[0]).toBeCloseTo(row.probabilities.pos, 6);
    expect(doc.layers.filter((l) => l.kind === 'recurrent').map((l) => l.direction)).toEqual([
      'forward',
      'backward',
    ]);
    expect(doc.layers[1].steps).toHaveLength(doc.inputLength);
  });

  it('--plot FILE.svg draws the score per word and the hidden-state heatmap (FILE.svg and FILE.png)', () => {
    const r = seqcast(['trace', model, 'not good at all', '--plot', 'plots/not-good.svg']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\nplot: plots\/not-good\.svg \(and \.png\)\n$/);
    const svg = readFileSync(join(DIR, 'plots', 'not-good.svg'), 'utf8');
    expect(svg).toContain('The model’s score as each word arrives, and its hidden state');
    expect(svg).toContain('Hidden state after each word');
    expect(svg).toContain('bidirectional/backward ← h[3]');
    expect(existsSync(join(DIR, 'plots', 'not-good.png'))).toBe(true);
  });

  it('refuses what a text trace cannot use, in one line', () => {
    const none = seqcast(['trace', model]);
    expect(none.status).toBe(1);
    expect(none.stderr.trim()).toBe(
      `seqcast: '${model}' holds a text classifier: give the text to trace, as in seqcast trace ${model} "some text"`,
    );
    const window = seqcast(['trace', model, 'good', '--window', '0']);
    expect(window.status).toBe(1);
    expect(window.stderr.trim()).toMatch(
      /^seqcast: --window is for a forecaster's window; '.*' holds a text classifier/,
    );
    const plot = seqcast(['trace', model, 'good', '--plot', 'x.pdf']);
    expect(plot.status).toBe(1);
    expect(plot.stderr.trim()).toMatch(
      /^seqcast: --plot x\.pdf: the plot is written as FILE\.svg and FILE\.png;/,
    );
    const punctuation = seqcast(['trace', model, '?!']);
    expect(punctuation.status).toBe(1);
    expect(punctuation.stderr.trim()).toBe(
      'seqcast: wordTrace(): the text has no words once standardised (only punctuation?)',
    );
  });

  it('refuses a classifier of numeric sequences, which has no words, and its report has no words plot', () => {
    const rows = ['utt,frame,f1,label'];
    for (let u = 0; u < 20; u++) {
      for (let t = 0; t < 4 + (u % 3); t++)
        rows.push(`${u},${t},${(u % 2) + t / 10},${u % 2 === 0 ? 'b' : 'a'}`);
    }
    writeFileSync(join(DIR, 'series.csv'), `${rows.join('\n')}\n`);
    const c = seqcast([
      'classify',
      'series.csv',
      '--id',
      'utt',
      '--step',
      'frame',
      '--epochs',
      '1',
      '--units',
      '2',
      '--quiet',
      '--out',
      'series-report',
    ]);
    expect(c.status).toBe(0);
    expect(existsSync(join(DIR, 'series-report', 'confusion.svg'))).toBe(true);
    expect(existsSync(join(DIR, 'series-report', 'words.svg'))).toBe(false);
    const r = seqcast(['trace', join(DIR, 'series-report', 'model'), 'some text']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(
      /^seqcast: '.*' holds a classifier of numeric sequences; seqcast trace reads a sentence for a text classifier/,
    );
  }, 60_000);

  it('refuses --plot for a forecaster, whose window trace has no words to plot', () => {
    const rows = ['date,value'];
    for (let i = 0; i < 60; i++) {
      rows.push(
        `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01,${(10 + Math.sin(i / 2) + i / 10).toFixed(3)}`,
      );
    }
    writeFileSync(join(DIR, 'monthly.csv'), `${rows.join('\n')}\n`);
    const t = seqcast(['train', 'monthly.csv', '--epochs', '1', '--quiet', '--out', 'forecaster']);
    expect(t.status).toBe(0);
    const r = seqcast(['trace', join(DIR, 'forecaster', 'model'), 'monthly.csv', '--plot', 'x.svg']);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      "seqcast: --plot draws a text classifier's word-by-word trace; for a forecaster's window use --json (or the playground's Inside panel)",
    );
    // the forecaster's trace itself is as before
    expect(seqcast(['trace', join(DIR, 'forecaster', 'model'), 'monthly.csv']).stdout).toMatch(
      /^window -1 of monthly\.csv: /,
    );
  }, 60_000);
});
