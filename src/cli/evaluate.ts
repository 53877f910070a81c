/** `seqcast evaluate <model-dir> <csv|dataset>`: score a saved forecaster on data past its training period. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { buildReport } from '../report/document.js';
import { SeqcastError } from '../errors.js';
import { isKerasFile, loadForecasterWithData, readSeries } from './inputs.js';
import { printResult } from './print.js';

interface Flags {
  dateColumn?: string;
  missing: string;
  target?: string;
  trainedThrough?: string;
  json?: boolean;
}

export function registerEvaluate(program: Command): void {
  program
    .command('evaluate')
    .description('score a saved model on the rows after its training period, beside the baselines')
    .argument(
      '<model>',
      'a model folder written by seqcast train (its model/ folder), or a Keras .keras / .h5 file',
    )
    .argument('<data>', 'a CSV file or a bundled dataset with the columns the model was trained on')
    .option('--date-column <name>', 'the column holding dates (default: the first)')
    .option('--target <name>', 'which target to score, for a model with several (default: the first)')
    .option(
      '--trained-through <label>',
      'for a Keras file: the date (label) of the last row it was trained on; the rows after it are scored',
    )
    .addOption(
      new Option(
        '--missing <policy>',
        'empty values and missing dates: error, drop, ffill, interpolate or mask',
      )
        .choices(['error', 'drop', 'ffill', 'interpolate', 'mask'])
        .default('error'),
    )
    .option('--json', 'print one JSON document on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ seqcast evaluate seqcast-report/2026-11-22T10-00-00/model sp500
  $ seqcast evaluate my-model prices-2026.csv --json
  $ seqcast evaluate gru_model.keras scaled.csv --trained-through 2025-12-31

A Keras file holds no transform or scaler: every column of the CSV is an input, in the file's order (the
target first), read as it is: give the data as the model was trained on it.`,
    )
    .action(async (modelDir: string, data: string, flags: Flags) => {
      const started = performance.now();
      if (isKerasFile(modelDir) && flags.trainedThrough === undefined) {
        throw new SeqcastError(
          'config',
          'a Keras file does not record which rows its model was trained on: give the last training row with --trained-through <label>; the rows after it are scored',
        );
      }
      const { f, source } = await loadForecasterWithData(
        modelDir,
        () =>
          readSeries(data, {
            ...(flags.dateColumn !== undefined ? { dateColumn: flags.dateColumn } : {}),
            missing: flags.missing as 'error',
          }),
        {
          command: 'evaluate',
          ...(flags.target !== undefined ? { target: flags.target } : {}),
          ...(flags.trainedThrough !== undefined ? { trainedThrough: flags.trainedThrough } : {}),
        },
      );
      const target = flags.target ?? f.config.target[0];
      const e = f.evaluate(source.series, target);
      const doc = buildReport({
        title: `seqcast: ${source.name}`,
        source: source.name,
        series: source.series,
        forecaster: f,
        evaluation: e,
        target,
        timings: { totalSeconds: (performance.now() - started) / 1000 },
      });
      if (flags.json === true) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      else printResult(doc, e);
    });
}
