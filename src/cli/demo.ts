/**
 * `seqcast demo`: the S&P 500 tutorial, done honestly. First the tutorial's own pipeline (MinMax on price
 * levels, SimpleRNN(32) → Dense(1), 40 epochs × batch 32), scored beside the baselines; then the pipeline
 * seqcast recommends (log-differences, standard scaling), and how far it closes the gap.
 *
 * The S&P 500 file is not bundled (datasets/README.md): it is found by the dataset resolver (SEQCAST_DATA_DIR
 * or the shared data folder) or given with --data. Without it the demo says so in one line and tells the
 * same story on the bundled air passengers series. Every number the story states is computed from the run.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { SeqcastError } from '../errors.js';
import type { ForecastConfig } from '../forecast/config.js';
import type { Evaluation } from '../forecast/forecaster.js';
import { Forecaster } from '../forecast/forecaster.js';
import type { ReportDocument } from '../report/document.js';
import { dataSummary } from '../report/document.js';
import { formatNumber as num } from '../report/format.js';
import { datasetAvailable } from '../series/dataset-files.js';
import type { Series } from '../series/series.js';
import { getTransform } from '../series/transforms.js';
import { writeOutputFolder } from '../io/output-folder.js';
import { checkOutputDir, defaultReportDir, readSeries } from './inputs.js';
import { flagNumber } from './numbers.js';
import { printResult } from './print.js';
import { progressCallback, progressMode } from './progress.js';
import { writeDemoIndex, writeReportFolder } from './report-folder.js';
import { sentimentDemo } from './classify-demo.js';

interface Flags {
  data?: string;
  epochs?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
}

/** The series a story is told on. */
interface Story {
  /** For the report's title. */
  readonly title: string;
  /** The first line, before the numbers. */
  readonly what: string;
  readonly source: string;
  readonly series: Series;
  readonly column: string;
  /** What the tutorial's pipeline scales, for its title. */
  readonly levels: string;
}

/** The tutorial's S&P 500: 1950-01 .. 2026-05, the column `price`; from --data FILE or the resolver. */
function sp500Story(file: string | undefined): Story {
  const source = readSeries(file ?? 'sp500');
  if (!source.series.names.includes('price')) {
    throw new SeqcastError(
      'config',
      `demo --data: ${source.name} must be the S&P 500 monthly series, with a 'price' column (it has ` +
        `${source.series.names.map((n) => `'${n}'`).join(', ')}); for another series use seqcast train`,
    );
  }
  return {
    title: 'the S&P 500, monthly',
    what: 'The S&P 500, monthly',
    source: file === undefined ? 'sp500 (sp500_monthly.csv)' : source.name,
    series: source.series.slice({ from: '1950-01-01', to: '2026-05-01' }),
    column: 'price',
    levels: 'price levels',
  };
}

/** The bundled stand-in: Box & Jenkins' airline passengers, 1949-01 .. 1960-12. */
function airPassengersStory(): Story {
  return {
    title: 'international airline passengers, monthly',
    what: 'International airline passengers (thousands), monthly',
    source: 'air-passengers (datasets/air_passengers_monthly.csv)',
    series: readSeries('air-passengers').series,
    column: 'passengers',
    levels: 'the passenger counts',
  };
}

/**
 * Why levels fail and changes need not, in numbers from this series and split: how far the test values go
 * beyond the training maximum, and how many test log-changes lie within the training log-changes' range.
 */
function whyLine(values: Float64Array, split: number): string {
  const max = (v: ArrayLike<number>): number => Math.max(...Array.from(v));
  const min = (v: ArrayLike<number>): number => Math.min(...Array.from(v));
  const trainMax = max(values.subarray(0, split));
  const testMax = max(values.subarray(split));
  const changes = getTransform('logDiff').forward(values);
  // change i is log(v[i+1]) − log(v[i]): the training changes are those within rows 0 .. split−1
  const trainChanges = changes.subarray(0, split - 1);
  const testChanges = changes.subarray(split - 1);
  const [lo, hi] = [min(trainChanges), max(trainChanges)];
  const inside = Array.from(testChanges).filter((c) => c >= lo && c <= hi).length;
  const pct = ((100 * inside) / testChanges.length).toFixed(0);
  const levels =
    testMax > trainMax
      ? `the test values reach ${(testMax / trainMax).toFixed(2)}× the highest training value ` +
        `(${num(testMax)} against ${num(trainMax)}), so a model fitted on scaled levels must extrapolate`
      : `the test values stay within the training range (at most ${num(testMax)} against ${num(trainMax)})`;
  return `Why: ${levels}; ${pct} % of the test months' log-changes lie within the range of the training months' log-changes.`;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      "forecast the monthly S&P 500 the tutorials' way, then seqcast's way, beside 'repeat last month' " +
        '(on air passengers when the S&P 500 file is not available)',
    )
    .argument('[story]', "'sentiment': the text-classification story (default: the S&P 500 forecast)")
    .option(
      '--data <file>',
      'the S&P 500 CSV (sp500_monthly.csv: date, price) when it is not in SEQCAST_DATA_DIR or the shared data folder',
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
  $ seqcast demo --epochs 5 --json
  $ seqcast demo --data path/to/sp500_monthly.csv
  $ seqcast demo sentiment                 # texts in, a label out: the model beside the baselines

The S&P 500 file is not bundled: without it (SEQCAST_DATA_DIR, the shared data folder, --data) the demo
says so and tells the same story on the bundled air passengers series.`,
    )
    .action(async (storyName: string | undefined, flags: Flags) => {
      if (storyName !== undefined) {
        if (storyName !== 'sentiment') {
          throw new SeqcastError(
            'config',
            `demo: no story '${storyName}'; give 'sentiment', or nothing for the S&P 500 forecast`,
          );
        }
        if (flags.data !== undefined)
          throw new SeqcastError(
            'config',
            'demo sentiment reads the sentiment dataset; --data is for the S&P 500 story',
          );
        await sentimentDemo(flags);
        return;
      }
      const epochs = flagNumber('epochs', flags.epochs) ?? 40;
      const outDir = flags.out ?? defaultReportDir();
      checkOutputDir(outDir, flags.force ?? false);
      const json = flags.json === true;
      const say = (line = ''): void => {
        if (!json) process.stdout.write(`${line}\n`);
      };
      const progress = progressCallback(json ? 'quiet' : progressMode(flags.quiet ?? false));
      const sp500 = flags.data !== undefined || datasetAvailable('sp500');
      if (!sp500) {
        say(
          'The S&P 500 file (sp500_monthly.csv) is not bundled and not found here (set SEQCAST_DATA_DIR or pass ' +
            '--data FILE); the same story on the bundled air passengers series instead.',
        );
      }
      const story = sp500 ? sp500Story(flags.data) : airPassengersStory();
      const { series, column } = story;
      const data = dataSummary(story.source, series, column);
      say(
        `${story.what}, ${data.from} .. ${data.to}: ${data.rows} rows, ${column} ${num(data.min)} .. ${num(data.max)}.`,
      );
      say('Task: predict next month from the previous 12, trained on the first 80 % and tested on the rest.');

      const base: ForecastConfig = {
        target: column,
        window: 12,
        trainFraction: 0.8,
        model: { kind: 'simpleRNN', units: 32 },
        training: { epochs, batchSize: 32, learningRate: 0.001 },
      };
      const pipelines = [
        {
          id: 'tutorial',
          title: `1. The tutorial's pipeline: MinMax scaling of ${story.levels}`,
          config: { ...base, transform: 'none', scaler: 'minMax' } as ForecastConfig,
        },
        {
          id: 'recommended',
          title: "2. seqcast's recommended pipeline: log-differences, then standard scaling",
          config: { ...base, transform: 'logDiff', scaler: 'standard' } as ForecastConfig,
        },
      ];
      // Everything, trained models included, goes into a temporary folder that becomes outDir at the end.
      const { docs, closing, trainRows } = await writeOutputFolder(
        outDir,
        { force: flags.force ?? false },
        async (dir) => {
          const docs: ReportDocument[] = [];
          const results: Evaluation[] = [];
          let trainRows = 0;
          for (const p of pipelines) {
            const started = performance.now();
            say();
            say(p.title);
            const f = await Forecaster.fit(series, p.config, {
              callbacks: [progress],
              gradientFlow: true, // the report's gradient-flow plot
            });
            const info = f.fitInfo!;
            trainRows = info.trainRows;
            say(
              `   split at row ${info.trainRows} (${info.testFrom}): train ${info.trainFrom} .. ${info.trainTo}, ` +
                `${info.testRows} test months; windows x [${info.trainX.join(', ')}] → y [${info.trainY.join(', ')}], ` +
                `test x [${info.testX.join(', ')}]`,
            );
            const e = f.evaluate(series);
            const doc = await writeReportFolder(
              join(dir, p.id),
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
              `${outDir}/${p.id}`,
            );
            docs.push(doc);
            results.push(e);
            if (!json) printResult(doc, e);
          }
          const [tutorial, recommended] = results;
          const baselines = tutorial.metrics.baselines;
          const naive = baselines.naive.rmse;
          const [bestName, best] = Object.entries(baselines).reduce((a, b) =>
            b[1].rmse < a[1].rmse ? b : a,
          );
          const bestNote =
            bestName === 'naive' ? '' : ` (the best baseline here is ${bestName}, RMSE ${num(best.rmse)})`;
          const closing =
            `The tutorial's pipeline scores RMSE ${num(tutorial.metrics.model.rmse)} (${tutorial.verdict}); ` +
            `log-differences ${recommended.metrics.model.rmse < tutorial.metrics.model.rmse ? 'bring it to' : 'score'} ` +
            `${num(recommended.metrics.model.rmse)} (${recommended.verdict}), ` +
            `against ${num(naive)} for repeating last month's value${bestNote}.`;
          await writeDemoIndex(dir, story.title, docs, closing);
          return { docs, closing, trainRows };
        },
      );
      if (json) {
        process.stdout.write(`${JSON.stringify(docs, null, 2)}\n`);
        return;
      }
      say();
      say(closing);
      say(whyLine(series.column(column), trainRows));
      say(`Report: ${outDir}/report.md`);
    });
}
