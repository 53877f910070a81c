/**
 * `seqcast trace <model-dir> <data>`: one window through a saved forecaster, step by step; or, for a text
 * classifier's folder, `seqcast trace <model-dir> "a sentence"`: the sentence word by word (trace-text.ts).
 */
import type { Command } from 'commander';
import { classifierFromArtifacts } from '../classify/artifacts.js';
import { SeqcastError } from '../errors.js';
import type { RecurrentTrace } from '../explain/trace.js';
import { trace } from '../explain/trace.js';
import { readMetadata } from '../model/artifacts.js';
import { readArtifacts } from '../model/io-node.js';
import { Series } from '../series/series.js';
import { isKerasFile, loadForecasterWithData, readSeries } from './inputs.js';
import { flagNumber } from './numbers.js';
import { traceText } from './trace-text.js';

interface Flags {
  window: string;
  input?: string;
  dateColumn?: string;
  missing: string;
  json?: boolean;
  plot?: string;
}

const fmt = (v: number): string => (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2));
const vec = (v: readonly number[], max = 4): string =>
  `[${v.slice(0, max).map(fmt).join(', ')}${v.length > max ? `, … (${v.length})` : ''}]`;

export function registerTrace(program: Command): void {
  program
    .command('trace')
    .description(
      'show one window going through a saved model (or a sentence through a text classifier): every step’s input, state and gates',
    )
    .argument(
      '<model>',
      'a model folder written by seqcast train or seqcast classify (its model/ folder), or a Keras .keras / .h5 file',
    )
    .argument(
      '[data]',
      'a CSV file or a bundled dataset with the columns the model was trained on; for a classifier, the text',
    )
    .option(
      '--input <values>',
      'instead of data: the values themselves, comma-separated, oldest first (one-column models)',
    )
    .option(
      '--window <n>',
      'which window: 0 is the first, -1 (default) the last, the one a forecast reads',
      '-1',
    )
    .option('--date-column <name>', 'the column holding dates (default: the first)')
    .option('--missing <policy>', 'error, drop, ffill or interpolate', 'error')
    .option('--json', 'print the trace as JSON')
    .option(
      '--plot <file>',
      'classifier: also draw the score per word and the hidden states (FILE.svg, FILE.png)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ seqcast trace seqcast-report/2026-11-22T10-00-00/recommended/model sp500
  $ seqcast trace air/model air-passengers --window 0 --json
  $ seqcast trace air/model --input "340,318,362,348,363,435,491,505,404,359,310,337,360"
  $ seqcast trace sentiment-report/model "not bad at all, but the battery died" --plot words.svg

The inputs are shown as the model reads them: transformed and scaled. For a SimpleRNN of at most 4 units
each state is also written out as the arithmetic that computes it. For a classifier of texts, each word's
row gives the probability of each class if the text ended there, then the state and gates after it.`,
    )
    .action(async (modelDir: string, data: string | undefined, flags: Flags, command: Command) => {
      const artifacts = isKerasFile(modelDir) ? null : await readArtifacts(modelDir);
      if (artifacts !== null && readMetadata(artifacts.modelJson)?.classifier !== undefined) {
        const given = ['window', 'input', 'dateColumn', 'missing'].find(
          (o) => command.getOptionValueSource(o) === 'cli',
        );
        if (given !== undefined) {
          throw new SeqcastError(
            'config',
            `--${given.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} is for a forecaster's window; '${modelDir}' holds a text classifier: give the text, as in seqcast trace ${modelDir} "some text"`,
          );
        }
        if (data === undefined) {
          throw new SeqcastError(
            'config',
            `'${modelDir}' holds a text classifier: give the text to trace, as in seqcast trace ${modelDir} "some text"`,
          );
        }
        await traceText(classifierFromArtifacts(artifacts), modelDir, data, flags);
        return;
      }
      if (flags.plot !== undefined) {
        throw new SeqcastError(
          'config',
          "--plot draws a text classifier's word-by-word trace; for a forecaster's window use --json (or the playground's Inside panel)",
        );
      }
      const index = flagNumber('window', flags.window, 'window-index') ?? 0;
      if ((data === undefined) === (flags.input === undefined)) {
        throw new SeqcastError(
          'config',
          'give either the data (a CSV file or a dataset name) or --input "v1,v2,…", not both or neither',
        );
      }
      const { f, source } = await loadForecasterWithData(
        modelDir,
        (columns) =>
          data === undefined
            ? inputSeries(flags.input!, columns)
            : readSeries(data, {
                ...(flags.dateColumn !== undefined ? { dateColumn: flags.dateColumn } : {}),
                missing: flags.missing as 'error',
              }),
        { command: 'trace' },
      );
      const w = f.inputWindow(source.series, index);
      const tr = trace(f.model, w.x);
      if (flags.json === true) {
        process.stdout.write(
          `${JSON.stringify({ window: index, labels: w.labels, columns: f.columns, ...tr }, null, 2)}\n`,
        );
        return;
      }
      const out: string[] = [
        `window ${index} of ${source.name}: ${w.labels[0]} .. ${w.labels[w.labels.length - 1]} (${w.labels.length} steps), ` +
          `inputs ${f.columns.join(', ')} after transform ${f.config.transform} and scaler ${f.config.scaler}`,
      ];
      const weights = Object.fromEntries(f.model.getWeights().map((x) => [x.name, Array.from(x.data)]));
      for (const layer of tr.layers) {
        out.push('');
        if (layer.kind === 'dense') {
          out.push(`${layer.layer} (Dense): output ${vec(layer.output, 8)}`);
          continue;
        }
        const units = layer.steps[0].values.h.length;
        out.push(
          `${layer.layer} (${layer.className}, ${units} units${layer.direction === 'backward' ? ', reading the window backwards' : ''})`,
        );
        const names = Object.keys(layer.steps[0].values);
        for (const s of layer.steps) {
          const label = layer.direction === 'backward' ? w.labels[w.labels.length - s.t] : w.labels[s.t - 1];
          out.push(
            `  t=${String(s.t).padStart(2)}  ${label}  x ${vec(s.x)}  ${names.map((n) => `${n} ${vec(s.values[n])}`).join('  ')}`,
          );
        }
        if (layer.className === 'SimpleRNN' && units <= 4)
          out.push(
            ...arithmetic(layer, weights, f.model.layers.find((l) => layer.layer === l.name)?.getConfig()),
          );
      }
      process.stdout.write(`${out.join('\n')}\n`);
    });
}

/** h_t[j] = act(Σ_i x_t[i]·W[i,j] + Σ_k h_{t−1}[k]·U[k,j] + b[j]), written out with the numbers. */
function arithmetic(
  layer: RecurrentTrace,
  weights: Record<string, number[]>,
  config: Readonly<Record<string, unknown>> | undefined,
): string[] {
  const act = String(config?.activation ?? 'tanh');
  const W = weights[`${layer.layer}/kernel`];
  const U = weights[`${layer.layer}/recurrent_kernel`];
  const b = weights[`${layer.layer}/bias`];
  if (W === undefined || U === undefined) return [];
  const units = layer.steps[0].values.h.length;
  const lines = ['  the arithmetic of each state:'];
  let prev = new Array<number>(units).fill(0);
  for (const s of layer.steps) {
    for (let j = 0; j < units; j++) {
      const terms = [
        ...s.x.map((x, i) => `${fmt(x)}·${fmt(W[i * units + j])}`),
        ...prev.map((h, k) => `${fmt(h)}·${fmt(U[k * units + j])}`),
        fmt(b === undefined ? 0 : b[j]),
      ];
      let z = b === undefined ? 0 : b[j];
      s.x.forEach((x, i) => (z += x * W[i * units + j]));
      prev.forEach((h, k) => (z += h * U[k * units + j]));
      lines.push(
        `    h${s.t}[${j}] = ${act}(${terms.join(' + ')}) = ${act}(${fmt(z)}) = ${fmt(s.values.h[j])}`,
      );
    }
    prev = [...s.values.h];
  }
  return lines;
}

/** --input values as a series with integer steps 0, 1, … (the model's single column). */
function inputSeries(text: string, columns: readonly string[]): { series: Series; name: string } {
  if (columns.length !== 1) {
    throw new SeqcastError(
      'config',
      `--input gives one column, but this model reads ${columns.join(', ')}; give a CSV file instead`,
    );
  }
  const values = text.split(',').map((v, i) => {
    const n = Number(v.trim());
    if (v.trim() === '' || !Number.isFinite(n))
      throw new SeqcastError('config', `--input value ${i + 1} is '${v.trim()}', not a number`);
    return n;
  });
  return {
    series: Series.fromColumns({ index: values.map((_, i) => i), columns: { [columns[0]]: values } }),
    name: '--input',
  };
}
