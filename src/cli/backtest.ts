/** `seqcast backtest <csv|dataset>`: walk-forward evaluation, every fold beside the naive forecast. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { backtest } from '../forecast/backtest.js';
import { formatNumber as num } from '../report/format.js';
import type { TrainFlags } from './options.js';
import { flagNumber } from './numbers.js';
import { addTrainOptions, trainingInput } from './options.js';
import { progressCallback } from './progress.js';

interface Flags extends TrainFlags {
  folds?: string;
  initial?: string;
  every?: string;
  mode: 'expanding' | 'sliding';
  refitEvery?: string;
  json?: boolean;
}

export function registerBacktest(program: Command): void {
  const cmd = program
    .command('backtest')
    .description('walk-forward backtest: refit and forecast at successive cutoffs, each fold beside naive')
    .argument('<data>', 'a CSV file or a bundled dataset');
  addTrainOptions(cmd)
    .option('--folds <n>', 'at most this many folds (default: until the data ends)')
    .option('--initial <rows>', 'rows known at the first cutoff (default 80 % of the rows)')
    .option('--every <rows>', 'rows between cutoffs (default: the horizon)')
    .addOption(
      new Option('--mode <mode>', 'expanding or sliding training origin')
        .choices(['expanding', 'sliding'])
        .default('expanding'),
    )
    .option('--refit-every <k>', 'refit the model every k folds (default 1)')
    .option('--json', 'print one JSON document on stdout')
    .addHelpText(
      'after',
      `
Examples:
  $ seqcast backtest air-passengers --horizon 3 --folds 8 --epochs 50
  $ seqcast backtest sp500 --initial 1200 --every 12 --horizon 12 --refit-every 2 --json`,
    )
    .action(async (data: string, flags: Flags) => {
      const started = performance.now();
      const { source, config: full } = trainingInput(data, flags);
      const options = Object.fromEntries(
        Object.entries({
          horizon: full.horizon ?? 1,
          stride: flagNumber('every', flags.every),
          initialTrain: flagNumber('initial', flags.initial),
          mode: flags.mode,
          refitEvery: flagNumber('refit-every', flags.refitEvery),
          maxFolds: flagNumber('folds', flags.folds),
        }).filter(([, v]) => v !== undefined),
      );
      const r = await backtest(source.series, full, options, { callbacks: [progressCallback('quiet')] });
      if (flags.json === true) {
        const doc = {
          data: { source: source.name, rows: source.series.length },
          config: full,
          options,
          folds: r.folds.map((f) => ({
            cutoff: f.cutoffLabel,
            train: f.train,
            test: f.test,
            refitted: f.refitted,
            rmse: f.rmse,
            naiveRmse: f.naiveRmse,
            forecast: Array.from(f.forecast),
            actual: Array.from(f.actual),
          })),
          metrics: { model: r.overall.model, baselines: { naive: r.overall.naive } },
          verdict: r.verdict,
          warnings: [],
          timings: { totalSeconds: (performance.now() - started) / 1000 },
          outDir: null,
        };
        process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
        return;
      }
      process.stdout.write(`Walk-forward backtest of ${source.name}: ${r.folds.length} folds\n`);
      for (const f of r.folds) {
        process.stdout.write(
          `  cutoff ${f.cutoffLabel}  train rows ${f.train.start}..${f.train.end - 1}${f.refitted ? ' (refit)' : ''}  ` +
            `RMSE ${num(f.rmse)}  naive ${num(f.naiveRmse)}\n`,
        );
      }
      process.stdout.write(
        `Overall: RMSE ${num(r.overall.model.rmse)}, MAE ${num(r.overall.model.mae)}; naive RMSE ${num(r.overall.naive.rmse)}, MAE ${num(r.overall.naive.mae)}\n` +
          `Verdict: ${r.verdict}\n`,
      );
    });
}
