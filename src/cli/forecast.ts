/** `seqcast forecast <model-dir> <csv|dataset> --steps N`: dated forecasts after the data's last row. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { SeqcastError } from '../errors.js';
import { writeOutputFile } from '../io/output-folder.js';
import { formatCsv } from '../series/csv.js';
import { checkOutputFile, loadSavedForecaster, readSeries } from './inputs.js';
import { flagNumber } from './numbers.js';
import { loadForecastIntervals } from '../forecast/io-node.js';
import { savedBands } from '../forecast/saved-intervals.js';
import { bandColumns } from '../report/recommendation.js';

interface Flags {
  steps: string;
  dateColumn?: string;
  missing: string;
  target?: string;
  future?: string;
  output?: string;
  force?: boolean;
  json?: boolean;
}

export function registerForecast(program: Command): void {
  program
    .command('forecast')
    .description(
      'forecast the next steps after the last row of the data, with a saved model; print and write CSV',
    )
    .argument('<model-dir>', 'a model folder written by seqcast train (its model/ folder)')
    .argument('<data>', 'a CSV file or a bundled dataset with the columns the model was trained on')
    .option('--steps <n>', 'how many steps ahead', '1')
    .option('--date-column <name>', 'the column holding dates (default: the first)')
    .option('--target <name>', 'which target, for a model with several (default: the first)')
    .option(
      '--future <file>',
      "CSV of the known-future columns' values after the data's last date (a model trained with --known-future)",
    )
    .addOption(
      new Option(
        '--missing <policy>',
        'empty values and missing dates: error, drop, ffill, interpolate or mask',
      )
        .choices(['error', 'drop', 'ffill', 'interpolate', 'mask'])
        .default('error'),
    )
    .option('--output <file>', 'CSV file to write (default seqcast-forecast.csv)')
    .option('--force', 'replace an existing --output file')
    .option('--json', 'print JSON instead of the table')
    .addHelpText(
      'after',
      `
Examples:
  $ seqcast forecast seqcast-report/2026-11-22T10-00-00/model sp500 --steps 6
  $ seqcast forecast my-model prices.csv --steps 12 --output next-year.csv`,
    )
    .action(async (modelDir: string, data: string, flags: Flags) => {
      const steps = flagNumber('steps', flags.steps) ?? 1;
      const output = flags.output ?? 'seqcast-forecast.csv';
      checkOutputFile(output, flags.force ?? false);
      const f = await loadSavedForecaster(modelDir);
      const source = readSeries(data, {
        ...(flags.dateColumn !== undefined ? { dateColumn: flags.dateColumn } : {}),
        missing: flags.missing as 'error',
      });
      const target = flags.target ?? f.config.target[0];
      const future =
        flags.future === undefined
          ? undefined
          : readSeries(flags.future, {
              ...(flags.dateColumn !== undefined ? { dateColumn: flags.dateColumn } : {}),
              missing: 'keep',
            });
      if (future !== undefined && f.config.knownFuture.length === 0) {
        throw new SeqcastError(
          'config',
          `--future '${flags.future}': this model has no known-future columns (it was trained without --known-future), so it reads no future values; drop --future`,
        );
      }
      const r = f.forecast(source.series, steps, {
        target,
        ...(future !== undefined ? { future: future.series } : {}),
      });
      const recursion = f.recursion();
      // conformal bands from the intervals saved by seqcast train, within their calibrated horizons (first target)
      const saved = target === f.config.target[0] ? await loadForecastIntervals(modelDir) : null;
      const bands = saved === null ? [] : savedBands(r.values, saved);
      const cell = (x: number): number | string => (Number.isFinite(x) ? x : '');
      const rows = r.labels.map((l, i) => [
        source.series.kind === 'integer' ? Number(l) : l,
        r.values[i],
        ...bands.flatMap((b) => [cell(b.lower[i]), cell(b.upper[i])]),
      ]);
      const header = ['date', target, ...bands.flatMap((b) => bandColumns(b.level))];
      await writeOutputFile(output, formatCsv(header, rows, output));
      if (flags.json === true) {
        process.stdout.write(
          `${JSON.stringify(
            {
              target,
              method: r.method,
              trainedHorizon: r.trainedHorizon,
              recursion,
              output,
              intervals:
                saved === null ? null : { levels: saved.levels, scale: saved.scale, method: saved.method },
              forecasts: r.labels.map((date, i) => {
                const row: Record<string, number | string | null> = { date, value: r.values[i] };
                for (const b of bands) {
                  const [lo, up] = bandColumns(b.level);
                  row[lo] = Number.isFinite(b.lower[i]) ? b.lower[i] : null;
                  row[up] = Number.isFinite(b.upper[i]) ? b.upper[i] : null;
                }
                return row;
              }),
            },
            null,
            2,
          )}\n`,
        );
        return;
      }
      const last = source.series.label(source.series.length - 1);
      process.stdout.write(
        `${target} after ${last} (${steps} step${steps > 1 ? 's' : ''}; ` +
          (r.method === 'direct'
            ? `direct: within the trained horizon of ${r.trainedHorizon})`
            : `steps 1–${r.trainedHorizon} direct, ${r.trainedHorizon + 1}–${steps} recursive: beyond the trained horizon of ${r.trainedHorizon}, forecasts fed back as inputs)`) +
          ':\n',
      );
      for (let i = 0; i < steps; i++) {
        const shown = bands
          .filter((b) => Number.isFinite(b.lower[i]))
          .map(
            (b) =>
              `  ${Math.round(b.level * 1000) / 10} % [${b.lower[i].toFixed(2)}, ${b.upper[i].toFixed(2)}]`,
          )
          .join('');
        process.stdout.write(`  ${r.labels[i]}  ${r.values[i].toFixed(2)}${shown}\n`);
      }
      if (bands.length > 0 && steps > saved!.halfWidths[0].length) {
        process.stdout.write(
          `  (intervals cover the ${saved!.halfWidths[0].length} step${saved!.halfWidths[0].length === 1 ? '' : 's'} the model was calibrated for; train with a longer --horizon for more)\n`,
        );
      }
      process.stdout.write(`Written to ${output}\n`);
    });
}
