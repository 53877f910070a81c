/**
 * `seqcast backtest <csv|dataset>`: walk-forward evaluation, every fold beside every baseline; `--out DIR`
 * writes the report folder (backtest-report.ts), `--json` prints the same document.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { BacktestScore } from '../forecast/backtest.js';
import { backtest } from '../forecast/backtest.js';
import { writeOutputFolder } from '../io/output-folder.js';
import { backtestJson, buildBacktestReport } from '../report/backtest.js';
import { formatNumber as num } from '../report/format.js';
import { writeBacktestFolder } from './backtest-report.js';
import { checkOutputDir } from './inputs.js';
import { horizonRmseTable } from '../report/terminal.js';
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
  partialLastFold?: boolean;
  out?: string;
  force?: boolean;
  intervals: string;
  json?: boolean;
}

export function registerBacktest(program: Command): void {
  const cmd = program
    .command('backtest')
    .description(
      'walk-forward backtest: refit and forecast at successive cutoffs, beside every baseline, at every horizon',
    )
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
    .option('--partial-last-fold', 'score the rows after the last full fold with one shorter fold')
    .option(
      '--intervals <levels>',
      "conformal interval levels to check, comma-separated, calibrated at each refit on the tail of its training rows (one more fit per refit); 'none' for none",
      '0.8,0.95',
    )
    .option('--out <dir>', 'write a report folder: report.md, report.json, the folds plot')
    .option('--force', 'write into an existing --out folder that seqcast wrote')
    .option('--json', "print one JSON document on stdout (the report folder's report.json)")
    .addHelpText(
      'after',
      `
Examples:
  $ seqcast backtest air-passengers --horizon 3 --folds 8 --epochs 50
  $ seqcast backtest air-passengers --horizon 12 --every 6 --out bt-report
  $ seqcast backtest sp500 --initial 1200 --every 12 --horizon 12 --refit-every 2 --json`,
    )
    .action(async (data: string, flags: Flags) => {
      const started = performance.now();
      if (flags.out !== undefined) checkOutputDir(flags.out, flags.force ?? false);
      const { source, config: full } = trainingInput(data, flags);
      const options = Object.fromEntries(
        Object.entries({
          horizon: full.horizon ?? 1,
          stride: flagNumber('every', flags.every),
          initialTrain: flagNumber('initial', flags.initial),
          mode: flags.mode,
          refitEvery: flagNumber('refit-every', flags.refitEvery),
          maxFolds: flagNumber('folds', flags.folds),
          partialLastFold: flags.partialLastFold,
          intervals: intervalLevels(flags.intervals),
        }).filter(([, v]) => v !== undefined),
      );
      const r = await backtest(source.series, full, options, { callbacks: [progressCallback('quiet')] });
      const input = {
        title: `seqcast backtest: ${source.name}`,
        source: source.name,
        series: source.series,
        config: full,
        options,
        result: r,
        timings: { totalSeconds: (performance.now() - started) / 1000 },
      };
      const doc =
        flags.out === undefined
          ? buildBacktestReport(input)
          : await writeOutputFolder(flags.out, { force: flags.force ?? false }, (dir) =>
              writeBacktestFolder(dir, input, flags.out!),
            );
      if (flags.json === true) {
        process.stdout.write(backtestJson(doc));
        return;
      }
      const H = r.byHorizon.length;
      process.stdout.write(
        `Walk-forward backtest of ${source.name}: ${r.folds.length} folds of ${H} row${H === 1 ? '' : 's'}; ` +
          `the last covers ${r.lastFold.from} .. ${r.lastFold.to} (${r.lastFold.rows} row${r.lastFold.rows === 1 ? '' : 's'}` +
          `${r.lastFold.full ? '' : ', shorter than the horizon'})` +
          // the document says why rows are unscored (a fold too long, --folds, or the stride passing over them)
          (r.unscoredRows > 0 ? `; ${doc.warnings.find((w) => w.includes('not scored')) ?? ''}` : '') +
          '\n',
      );
      for (const f of r.folds) {
        process.stdout.write(
          `  cutoff ${f.cutoffLabel}  train rows ${f.train.start}..${f.train.end - 1}${f.refitted ? ' (refit)' : ''}  ` +
            `RMSE ${num(f.rmse)}  naive ${num(f.naiveRmse)}\n`,
        );
      }
      const names = Object.keys(r.overall.baselines);
      const rows: [string, BacktestScore][] = [
        ['model', r.overall.model],
        ...names.map((n): [string, BacktestScore] => [n, r.overall.baselines[n]]),
      ];
      process.stdout.write('Overall (every forecast point of every fold):\n');
      for (const [name, sc] of rows) {
        process.stdout.write(
          `  ${name.padEnd(18)} RMSE ${num(sc.rmse).padStart(10)}  MAE ${num(sc.mae).padStart(10)}  MASE ${sc.mase === null ? 'n/a' : num(sc.mase)}\n`,
        );
      }
      if (H > 1) {
        process.stdout.write('By horizon:\n');
        for (const line of horizonRmseTable(r.byHorizon).split('\n')) process.stdout.write(`  ${line}\n`);
      }
      for (const [name, model] of Object.entries(r.baselineModels)) {
        process.stdout.write(`${name}: ${model} (the model chosen on the first fold)\n`);
      }
      if (r.intervals !== undefined) {
        for (const [j, q] of r.intervals.overall.entries()) {
          const by = r.intervals.byHorizon[j].map((x) => `${(100 * x.coverage).toFixed(0)} %`).join(', ');
          process.stdout.write(
            `Interval ${Math.round(q.level * 1000) / 10} %: coverage ${(100 * q.coverage).toFixed(1)} % of ${q.points} points, ` +
              `interval score ${num(q.intervalScore)}${H > 1 ? `; coverage by horizon ${by}` : ''}\n`,
          );
        }
        if (r.intervals.uncalibratedFolds > 0) {
          process.stdout.write(
            `  (${r.intervals.uncalibratedFolds} fold${r.intervals.uncalibratedFolds === 1 ? '' : 's'} had too few training rows to calibrate on)\n`,
          );
        }
      }
      process.stdout.write(`Verdict: ${r.comparison.summary}\n`);
      if (doc.outDir !== null) process.stdout.write(`Report: ${doc.outDir}/report.md\n`);
    });
}

/** '0.8,0.95' → [0.8, 0.95]; 'none' → undefined (no intervals). */
function intervalLevels(flag: string): number[] | undefined {
  if (flag.trim() === 'none') return undefined;
  return flag.split(',').map((x) => {
    const v = flagNumber('intervals', x.trim());
    return v === undefined ? Number.NaN : v;
  });
}
