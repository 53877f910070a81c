/**
 * `seqcast demo`: the S&P 500 tutorial on the bundled data, done honestly. First the tutorial's own pipeline
 * (MinMax on price levels, SimpleRNN(32) → Dense(1), 40 epochs × batch 32), scored beside the baselines;
 * then the pipeline seqcast recommends (log-differences, standard scaling), and how far it closes the gap.
 */
import type { Command } from 'commander';
import type { ForecastConfig } from '../forecast/config.js';
import type { Evaluation } from '../forecast/forecaster.js';
import { Forecaster } from '../forecast/forecaster.js';
import type { ReportDocument } from '../report/document.js';
import { dataSummary } from '../report/document.js';
import { formatNumber as num } from '../report/format.js';
import { checkOutputDir, defaultReportDir, readSeries } from './inputs.js';
import { flagNumber } from './numbers.js';
import { printResult } from './print.js';
import { progressCallback, progressMode } from './progress.js';
import { writeDemoIndex, writeReportFolder } from './report-folder.js';

interface Flags {
  epochs?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
}

const FROM = '1950-01-01';
const TO = '2026-05-01';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      "forecast the monthly S&P 500 the tutorials' way, then the way that beats 'repeat last month'",
    )
    .option('--epochs <n>', 'training epochs of each pipeline (default 40, as in the tutorial)')
    .option('--out <dir>', 'report folder (default ./seqcast-report/<timestamp>)')
    .option('--force', 'write into an existing, non-empty --out folder')
    .option('--json', 'print a JSON list (one document per pipeline) instead of the story')
    .option('--quiet', 'no progress output')
    .addHelpText(
      'after',
      `
Examples:
  $ seqcast demo
  $ seqcast demo --out demo-report --force
  $ seqcast demo --epochs 5 --json`,
    )
    .action(async (flags: Flags) => {
      const epochs = flagNumber('epochs', flags.epochs) ?? 40;
      const outDir = flags.out ?? defaultReportDir();
      checkOutputDir(outDir, flags.force ?? false);
      const json = flags.json === true;
      const say = (line = ''): void => {
        if (!json) process.stdout.write(`${line}\n`);
      };
      const progress = progressCallback(json ? 'quiet' : progressMode(flags.quiet ?? false));
      const source = readSeries('sp500');
      const series = source.series.slice({ from: FROM, to: TO });
      const data = dataSummary('sp500 (datasets/sp500_monthly.csv)', series, 'price');
      say(
        `The S&P 500, monthly, ${data.from} .. ${data.to}: ${data.rows} rows, price ${num(data.min)} .. ${num(data.max)}.`,
      );
      say('Task: predict next month from the previous 12, trained on the first 80 % and tested on the rest.');

      const base: ForecastConfig = {
        target: 'price',
        window: 12,
        trainFraction: 0.8,
        model: { kind: 'simpleRNN', units: 32 },
        training: { epochs, batchSize: 32, learningRate: 0.001 },
      };
      const pipelines = [
        {
          id: 'tutorial',
          title: "1. The tutorial's pipeline: MinMax scaling of price levels",
          config: { ...base, transform: 'none', scaler: 'minMax' } as ForecastConfig,
        },
        {
          id: 'recommended',
          title: "2. seqcast's recommended pipeline: log-differences, then standard scaling",
          config: { ...base, transform: 'logDiff', scaler: 'standard' } as ForecastConfig,
        },
      ];
      const docs: ReportDocument[] = [];
      const results: Evaluation[] = [];
      for (const p of pipelines) {
        const started = performance.now();
        say();
        say(p.title);
        const f = await Forecaster.fit(series, p.config, {
          callbacks: [progress],
          gradientFlow: true, // the report's gradient-flow plot
        });
        const info = f.fitInfo!;
        say(
          `   split at row ${info.trainRows} (${info.testFrom}): train ${info.trainFrom} .. ${info.trainTo}, ` +
            `${info.testRows} test months; windows x [${info.trainX.join(', ')}] → y [${info.trainY.join(', ')}], ` +
            `test x [${info.testX.join(', ')}]`,
        );
        const e = f.evaluate(series);
        const doc = await writeReportFolder(
          `${outDir}/${p.id}`,
          {
            title: p.title,
            pipeline: p.id,
            source: data.source,
            series,
            forecaster: f,
            evaluation: e,
            target: data.column,
            timings: { fitSeconds: info.fitSeconds, totalSeconds: (performance.now() - started) / 1000 },
          },
          true,
        );
        docs.push(doc);
        results.push(e);
        if (!json) printResult(doc, e);
      }
      const [tutorial, recommended] = results;
      const naive = tutorial.metrics.baselines.naive.rmse;
      const closing =
        `The tutorial's pipeline scores RMSE ${num(tutorial.metrics.model.rmse)} (${tutorial.verdict}); ` +
        `log-differences bring it to ${num(recommended.metrics.model.rmse)} (${recommended.verdict}), ` +
        `against ${num(naive)} for repeating last month's value.`;
      await writeDemoIndex(outDir, docs, closing);
      if (json) {
        process.stdout.write(`${JSON.stringify(docs, null, 2)}\n`);
        return;
      }
      say();
      say(closing);
      say(
        'Why: the test prices reach almost 5× the highest training price, so a model fitted on scaled levels must ' +
          'extrapolate; month-to-month changes look alike in both periods.',
      );
      say(`Report: ${outDir}/report.md`);
    });
}
