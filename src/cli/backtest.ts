/** `seqcast backtest <csv|dataset>`: walk-forward evaluation, every fold beside the naive forecast. */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { BacktestScore } from '../forecast/backtest.js';
import { backtest } from '../forecast/backtest.js';
import { formatNumber as num } from '../report/format.js';
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
          partialLastFold: flags.partialLastFold,
          intervals: intervalLevels(flags.intervals),
        }).filter(([, v]) => v !== undefined),
      );
      const r = await backtest(source.series, full, options, { callbacks: [progressCallback('quiet')] });
      const plain = <T>(byName: Readonly<Record<string, T>>): Record<string, T> =>
        Object.fromEntries(Object.entries(byName).map(([k, v]) => [k.replace(/\(.*\)$/, ''), v]));
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
            baselines: plain(
              Object.fromEntries(Object.entries(f.baselines).map(([k, v]) => [k, Array.from(v)])),
            ),
          })),
          metrics: {
            model: r.overall.model,
            baselines: plain(r.overall.baselines),
            byHorizon: r.byHorizon.map((h) => ({ ...h, baselines: plain(h.baselines) })),
          },
          losesAtHorizons: r.losses.map((l) => ({ ...l, baseline: l.baseline.replace(/\(.*\)$/, '') })),
          baselineModels: r.baselineModels,
          intervals: r.intervals ?? null,
          lastFold: r.lastFold,
          unscoredRows: r.unscoredRows,
          verdict: r.verdict,
          comparison: r.comparison.summary,
          warnings: [],
          timings: { totalSeconds: (performance.now() - started) / 1000 },
          outDir: null,
        };
        process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
        return;
      }
      const H = r.byHorizon.length;
      process.stdout.write(
        `Walk-forward backtest of ${source.name}: ${r.folds.length} folds of ${H} row${H === 1 ? '' : 's'}; ` +
          `the last covers ${r.lastFold.from} .. ${r.lastFold.to} (${r.lastFold.rows} row${r.lastFold.rows === 1 ? '' : 's'}` +
          `${r.lastFold.full ? '' : ', shorter than the horizon'})` +
          (r.unscoredRows > 0
            ? `; the last ${r.unscoredRows} row${r.unscoredRows === 1 ? ' is' : 's are'} not scored ` +
              (r.unscoredRows < H ? `(a fold needs ${H})` : '(--folds stops before them)')
            : '') +
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
