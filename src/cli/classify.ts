/**
 * `seqcast classify <csv|dataset>`: a whole text in, one label out. Reads a CSV with a text column and a label
 * column (or the labelled dataset `sentiment`), trains a SequenceClassifier, scores it on its test part beside
 * the majority class and the bag-of-words logistic regression, and writes a report folder; with --id, series
 * in long format beside the summary statistics. And `seqcast predict <model> "text" …` (--trace: word by word).
 * Reading the input is classify-input.ts; the report folder and the summary, classify-report.ts.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { basename } from 'node:path';
import type { ClassifyConfig, ClassifierModelKind, ClassWeightMode } from '../classify/config.js';
import type { SequenceClassifier } from '../classify/classifier.js';
import { readLabelledCsv } from '../classify/csv.js';
import { readLabelledInput } from './classify-input.js';
import { classifyAndReport, printClassifyResult } from './classify-report.js';
import { wordTrace } from '../classify/word-trace.js';
import { SeqcastError } from '../errors.js';
import { readRegularFileSync } from '../io/read-file.js';
import { LABELLED_DATASETS } from '../series/datasets.js';
import { checkOutputDir, defaultReportDir, loadClassifierFor, MAX_CSV_BYTES } from './inputs.js';
import { flagNumber } from './numbers.js';

interface Flags {
  text?: string;
  label?: string;
  model: string;
  units?: string;
  embeddingDim?: string;
  bidirectional?: boolean;
  id?: string;
  step?: string;
  features?: string;
  dropout?: string;
  maxTokens?: string;
  sequenceLength?: string;
  testSplit?: string;
  validationSplit?: string;
  epochs?: string;
  batchSize?: string;
  learningRate?: string;
  clipnorm?: string;
  patience?: string;
  classWeight: string;
  monitor?: 'val_loss' | 'val_accuracy';
  seed?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
}

const MODELS: Record<string, ClassifierModelKind> = { 'simple-rnn': 'simpleRNN', lstm: 'lstm', gru: 'gru' };

export function registerClassify(program: Command): void {
  program
    .command('classify')
    .description(
      'train a text classifier on a CSV (text and label columns), score it beside baselines, write a report',
    )
    .argument(
      '<data>',
      `a CSV file with a text and a label column, or a labelled dataset: ${Object.keys(LABELLED_DATASETS).join(', ')}`,
    )
    .option('--text <column>', "the column holding the texts (default 'text')")
    .option('--label <column>', "the column holding the labels (default 'label')")
    .addOption(new Option('--model <kind>', 'recurrent layer').choices(Object.keys(MODELS)).default('lstm'))
    .option('--units <n>', 'units of the recurrent layer (default 32)')
    .option('--embedding-dim <n>', 'width of the word embedding (default 64)')
    .option('--bidirectional', 'wrap the recurrent layer in Bidirectional (the default for texts)')
    .option('--no-bidirectional', 'one direction only (the default for series)')
    .option('--id <column>', 'series in long format: the column naming the sequence of each row')
    .option(
      '--step <column>',
      "series: the column ordering a sequence's rows (default 'step' if there is one)",
    )
    .option('--features <names>', 'series: the feature columns, comma-separated (default: all others)')
    .option('--dropout <x>', 'input dropout of the recurrent layer (default 0)')
    .option('--max-tokens <n>', 'vocabulary size, padding and [UNK] included (default: every training word)')
    .option(
      '--sequence-length <n>',
      'words read per text, cut or padded at the end (default: the longest training text, ≤ 200)',
    )
    .option('--test-split <x>', 'share of each class held out for the test part (default 0.2)')
    .option('--validation-split <x>', 'share of each class held out to validate on (default 0.1; 0 for none)')
    .option('--epochs <n>', 'training epochs (default 15)')
    .option('--batch-size <n>', 'samples per batch (default 32)')
    .option('--learning-rate <x>', "Adam's learning rate (default 0.001)")
    .option('--clipnorm <x>', 'clip each gradient tensor to this L2 norm')
    .option(
      '--patience <n>',
      'stop after n epochs without validation improvement (default 3; restores the best weights)',
    )
    .addOption(
      new Option('--monitor <figure>', 'what early stopping watches (default val_loss)').choices([
        'val_loss',
        'val_accuracy',
      ]),
    )
    .addOption(
      new Option('--class-weight <mode>', 'weigh classes n / (K · n_k): auto when unbalanced')
        .choices(['auto', 'balanced', 'none'])
        .default('auto'),
    )
    .option('--seed <n>', 'seed of the split, weights and shuffles (default 42)')
    .option('--out <dir>', 'report folder (default ./seqcast-report/<timestamp>)')
    .option('--force', 'write into an existing, non-empty --out folder')
    .option('--json', 'print one JSON document on stdout instead of the summary')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Examples:
  $ seqcast classify sentiment                         # review sentences, 0/1, beside the baselines
  $ seqcast classify reviews.csv --text body --label stars --epochs 30 --patience 5
  $ seqcast classify sentiment --model gru --no-bidirectional --json > result.json
  $ seqcast classify frames.csv --id utterance --step frame --label speaker      # variable-length series`,
    )
    .action(async (data: string, flags: Flags) => {
      const started = performance.now();
      const input = readLabelledInput(data, flags);
      const config = configFromFlags(flags, input.kind);
      const outDir = flags.out ?? defaultReportDir();
      checkOutputDir(outDir, flags.force ?? false);
      const { report } = await classifyAndReport(input, config, outDir, flags, started);
      if (flags.json === true) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
      else printClassifyResult(report);
    });
}

/** `seqcast predict <model> "text" …`: the class and its probability for new texts, from a saved classifier. */
export function registerPredict(program: Command): void {
  program
    .command('predict')
    .description('classify new texts with a classifier saved by `seqcast classify` (its model/ folder)')
    .argument('<model>', 'the model folder of a classify report (REPORT/model)')
    .argument('[texts...]', 'texts to classify (quote each one)')
    .option('--file <csv>', "a CSV whose 'text' column (or --text) holds the texts")
    .option('--text <column>', "the column of --file holding the texts (default 'text')")
    .option('--json', 'print a JSON list')
    .option('--trace', 'read each text word by word: the score if the text ended at each word')
    .addHelpText(
      'after',
      `
Examples:
  $ seqcast predict report/model "not good at all" "a lovely little phone"
  $ seqcast predict report/model --file new.csv --json
  $ seqcast predict report/model "not bad, but not good either" --trace`,
    )
    .action(
      async (
        dir: string,
        given: string[],
        flags: { file?: string; text?: string; json?: boolean; trace?: boolean },
      ) => {
        const c = await loadClassifierFor(dir);
        if (c.vectorizer === null) {
          throw new SeqcastError(
            'config',
            `'${dir}' holds a classifier of numeric sequences; seqcast predict reads texts`,
          );
        }
        let texts = given;
        if (flags.file !== undefined) {
          if (given.length > 0) throw new SeqcastError('config', 'give texts or --file, not both');
          const bytes = readRegularFileSync(flags.file, {
            maxBytes: MAX_CSV_BYTES,
            what: '',
            followLinks: true,
          });
          texts = readLabelledCsv(new TextDecoder().decode(bytes), {
            source: basename(flags.file),
            textColumn: flags.text ?? 'text',
            labelColumn: null,
          }).texts;
        }
        if (texts.length === 0) {
          throw new SeqcastError(
            'config',
            'nothing to classify: give one or more texts (quoted) or --file FILE.csv',
          );
        }
        if (flags.trace === true) {
          printWordTraces(c, texts, flags.json === true);
          return;
        }
        const p = c.predict(texts);
        const K = c.classes.length;
        const rows = texts.map((t, i) => ({
          text: t,
          label: p.labels[i],
          probability: p.probabilities[i * K + p.classIndex[i]],
          probabilities: Object.fromEntries(c.classes.map((k, j) => [k, p.probabilities[i * K + j]])),
        }));
        if (flags.json === true) {
          process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        for (const r of rows) {
          const shown = r.text.length > 70 ? `${r.text.slice(0, 70)}…` : r.text;
          process.stdout.write(
            `${r.label}\t${r.probability.toFixed(3)}\t${shown.replace(/[\r\n\t]+/g, ' ')}\n`,
          );
        }
      },
    );
}

/** Per text, per word: the probability of each class if the text ended there. */
function printWordTraces(c: SequenceClassifier, texts: readonly string[], json: boolean): void {
  const traces = texts.map((t) => ({ text: t, ...wordTrace(c, t) }));
  if (json) {
    const rows = traces.map((w) => ({
      text: w.text,
      words: w.words.map((word, i) => ({
        word,
        known: w.known[i],
        probabilities: Object.fromEntries(c.classes.map((k, j) => [k, w.probabilities[i][j]])),
      })),
    }));
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const K = c.classes.length;
  // two classes: the positive class's score; more: every class
  const shown = K === 2 ? [1] : c.classes.map((_, k) => k);
  for (const w of traces) {
    const width = Math.max(4, ...w.words.map((x) => x.length));
    process.stdout.write(`${w.text.replace(/[\r\n\t]+/g, ' ')}\n`);
    process.stdout.write(
      `  ${'word'.padEnd(width)}  ${shown.map((k) => `p(${c.classes[k]})`.padStart(8)).join(' ')}\n`,
    );
    w.words.forEach((word, i) => {
      const ps = shown.map((k) => w.probabilities[i][k].toFixed(3).padStart(8)).join(' ');
      const bar = K === 2 ? `  ${'#'.repeat(Math.round(w.probabilities[i][1] * 20))}` : '';
      process.stdout.write(`  ${word.padEnd(width)}  ${ps}${bar}${w.known[i] ? '' : '  [UNK]'}\n`);
    });
  }
}

function configFromFlags(f: Flags, kind: 'text' | 'series'): ClassifyConfig {
  const patience = flagNumber('patience', f.patience);
  const validationFraction = flagNumber('validation-split', f.validationSplit);
  if (patience !== undefined && validationFraction === 0) {
    throw new SeqcastError(
      'config',
      '--patience needs validation data to watch, but --validation-split 0 leaves none; drop one of them',
    );
  }
  const drop = <T extends Record<string, unknown>>(o: T): T =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  if (kind === 'series') {
    const textOnly = (
      [
        ['--text', f.text],
        ['--max-tokens', f.maxTokens],
        ['--sequence-length', f.sequenceLength],
        ['--embedding-dim', f.embeddingDim],
      ] as const
    ).find(([, v]) => v !== undefined);
    if (textOnly !== undefined) {
      throw new SeqcastError(
        'config',
        `${textOnly[0]} is for texts; with --id the samples are numeric sequences`,
      );
    }
  } else if (f.step !== undefined || f.features !== undefined) {
    throw new SeqcastError(
      'config',
      `${f.step !== undefined ? '--step' : '--features'} is for series in long format; give --id too`,
    );
  }
  return drop({
    testFraction: flagNumber('test-split', f.testSplit),
    validationFraction,
    text:
      kind === 'series'
        ? undefined
        : drop({
            maxTokens: flagNumber('max-tokens', f.maxTokens),
            outputSequenceLength: flagNumber('sequence-length', f.sequenceLength),
          }),
    model: drop({
      kind: MODELS[f.model],
      units: flagNumber('units', f.units),
      embeddingDim: flagNumber('embedding-dim', f.embeddingDim),
      bidirectional: f.bidirectional,
      dropout: flagNumber('dropout', f.dropout),
    }),
    training: drop({
      epochs: flagNumber('epochs', f.epochs),
      batchSize: flagNumber('batch-size', f.batchSize),
      learningRate: flagNumber('learning-rate', f.learningRate),
      clipnorm: flagNumber('clipnorm', f.clipnorm),
      // without validation there is nothing to stop on
      patience: validationFraction === 0 ? null : patience,
      monitor: f.monitor,
      classWeight: f.classWeight as ClassWeightMode,
      seed: flagNumber('seed', f.seed),
    }),
  }) as ClassifyConfig;
}
