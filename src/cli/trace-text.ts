/**
 * `seqcast trace <classifier-model> "a sentence"`: the sentence through a saved text classifier, word by word
 * (wordTrace): per word, the probability of each class if the sentence ended there, then per recurrent layer
 * the hidden state and the gates after each word (a backward layer's after reading from the end back to the
 * word). `--json` prints it all; `--plot FILE.svg` draws the score per word and the hidden-state heatmap
 * (classify/word-plot.ts, rendered like the report's plots: FILE.svg and FILE.png).
 */
import { mkdirSync } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import type { SequenceClassifier } from '../classify/classifier.js';
import { wordTracePlotSpec } from '../classify/word-plot.js';
import { wordTrace } from '../classify/word-trace.js';
import { SeqcastError } from '../errors.js';
import { writePlot } from '../report/render.js';

const fmt = (v: number): string => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2));
const vec = (v: readonly number[], max = 4): string =>
  `[${v.slice(0, max).map(fmt).join(', ')}${v.length > max ? `, … (${v.length})` : ''}]`;

export async function traceText(
  c: SequenceClassifier,
  modelDir: string,
  text: string,
  flags: { readonly json?: boolean; readonly plot?: string },
): Promise<void> {
  if (c.vectorizer === null) {
    throw new SeqcastError(
      'config',
      `'${modelDir}' holds a classifier of numeric sequences; seqcast trace reads a sentence for a text classifier (trace a sequence with the API's trace(classifier.model, classifier.input([sequence])))`,
    );
  }
  const w = wordTrace(c, text);
  const K = c.classes.length;
  const L = c.inputLength;
  const n = w.words.length;
  if (flags.plot !== undefined) {
    const file = flags.plot;
    const ext = extname(file).toLowerCase();
    if (ext !== '' && ext !== '.svg' && ext !== '.png') {
      throw new SeqcastError(
        'config',
        `--plot ${file}: the plot is written as FILE.svg and FILE.png; give a name ending in .svg (or no extension)`,
      );
    }
    const dir = dirname(file);
    mkdirSync(dir, { recursive: true });
    await writePlot(
      wordTracePlotSpec(c.classes, [{ text, ...w }], {
        hidden: true,
        inputLength: L,
        title: 'The model’s score as each word arrives, and its hidden state',
      }),
      dir,
      basename(file, extname(file)),
    );
  }
  if (flags.json === true) {
    const doc = {
      text,
      classes: c.classes,
      inputLength: L,
      words: w.words.map((word, i) => ({
        word,
        known: w.known[i],
        probabilities: Object.fromEntries(c.classes.map((k, j) => [k, w.probabilities[i][j]])),
      })),
      ...w.trace,
    };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
    return;
  }
  const shown = K === 2 ? [1] : c.classes.map((_, k) => k);
  const width = Math.max(4, ...w.words.map((x) => x.length));
  const out: string[] = [
    `"${text.replace(/[\r\n\t]+/g, ' ')}": ${n} word${n === 1 ? '' : 's'} read (the model reads at most ${L}), ` +
      `classes ${c.classes.join(', ')}`,
    '',
    `  ${'word'.padEnd(width)}  ${shown.map((k) => `p(${c.classes[k]})`.padStart(8)).join(' ')}   if the text ended here`,
  ];
  w.words.forEach((word, i) => {
    const ps = shown.map((k) => w.probabilities[i][k].toFixed(3).padStart(8)).join(' ');
    const bar = K === 2 ? `  ${'#'.repeat(Math.round(w.probabilities[i][1] * 20)).padEnd(20)}` : '';
    out.push(`  ${word.padEnd(width)}  ${ps}${bar}${w.known[i] ? '' : '  [UNK]'}`.trimEnd());
  });
  for (const layer of w.trace.layers) {
    if (layer.kind !== 'recurrent') continue;
    const back = layer.direction === 'backward';
    const units = layer.steps[0].values.h.length;
    const names = Object.keys(layer.steps[0].values);
    out.push(
      '',
      `${layer.layer} (${layer.className}, ${units} units${back ? ', reading the text from its end back' : ''}): after each word`,
    );
    for (let i = 0; i < n; i++) {
      const s = layer.steps[back ? L - 1 - i : i];
      out.push(
        `  ${w.words[i].padEnd(width)}  ${names.map((name) => `${name} ${vec(s.values[name])}`).join('  ')}`,
      );
    }
  }
  if (flags.plot !== undefined)
    out.push('', `plot: ${flags.plot.replace(/\.(svg|png)$/i, '')}.svg (and .png)`);
  process.stdout.write(`${out.join('\n')}\n`);
}
