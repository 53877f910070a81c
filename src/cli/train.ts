/** `seqcast train <csv|dataset>`: fit the recommended pipeline (or the one the flags describe) and report. */
import type { Command } from 'commander';
import { SeqcastError } from '../errors.js';
import type { ForecastConfig } from '../forecast/config.js';
import { futureValues } from '../forecast/covariates.js';
import type { Evaluation } from '../forecast/evaluation.js';
import { Forecaster } from '../forecast/forecaster.js';
import { DEFAULT_LEVELS } from '../forecast/intervals.js';
import { noRoomForValidation, recommend } from '../forecast/select.js';
import type { Series } from '../series/series.js';
import { writeOutputFolder } from '../io/output-folder.js';
import { checkOutputDir, defaultReportDir, readSeries } from './inputs.js';
import type { TrainFlags } from './options.js';
import { addTrainOptions, trainingInput } from './options.js';
import { printResult } from './print.js';
import { fitLineCallback, progressCallback, progressMode } from './progress.js';
import { writeReportFolder } from './report-folder.js';

interface Flags extends TrainFlags {
  future?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
  quiet?: boolean;
  search?: boolean;
}

export function registerTrain(program: Command): void {
  const cmd = program
    .command('train')
    .description(
      'train a forecaster on a CSV file or a bundled dataset, score it beside the baselines, write a report',
    )
    .argument(
      '<data>',
      'a CSV file (date column first) or a dataset name: air-passengers, sunspots, sp500 (not bundled), …',
    );
  addTrainOptions(cmd)
    .option(
      '--future <file>',
      "CSV of the --known-future columns' values after the data's last date: the report adds the forecast of the next horizon",
    )
    .option('--out <dir>', 'report folder (default ./seqcast-report/<timestamp>)')
    .option('--force', 'write into an existing, non-empty --out folder')
    .option('--json', 'print one JSON document on stdout instead of the summary')
    .option('--quiet', 'no progress output')
    .option(
      '--no-search',
      'no search over transform, window, model kind and units on the validation part (the baselines and the combination are still candidates)',
    )
    .addHelpText(
      'after',
      `
Examples:
  $ seqcast train air-passengers                        # the recommended pipeline, defaults everywhere
  $ seqcast train sunspots --model lstm --window 24 --transform none --scaler minmax
  $ seqcast train prices.csv --target close --features volume --epochs 100 --patience 10
  $ seqcast train sp500 --split 2015-01-01 --horizon 3 --json > result.json`,
    )
    .action(async (data: string, flags: Flags) => {
      const started = performance.now();
      const outDir = flags.out ?? defaultReportDir();
      checkOutputDir(outDir, flags.force ?? false);
      const { source, config: full } = trainingInput(data, flags);
      const future = futureInput(flags, source.series, full);
      const mode = flags.json === true ? 'quiet' : progressMode(flags.quiet ?? false);
      const fit = {
        callbacks: [progressCallback(mode)],
        gradientFlow: true, // the report's gradient-flow plot
      };
      // choose on a validation part carved from the end of the training part, refit, score on the test part;
      // a short series keeps the 80 % intervals only, and one too short for any validation part is fitted
      // as configured, without the search and the intervals, and says so
      const tooShort = noRoomForValidation(source.series, full);
      const levels = tooShort === null ? DEFAULT_LEVELS : [0.8];
      const noRoom = tooShort === null ? null : noRoomForValidation(source.series, full, { levels });
      const recommendation =
        noRoom === null
          ? await recommend(source.series, full, {
              search: flags.search !== false,
              levels,
              ...(future !== undefined ? { future } : {}),
              fit: { gradientFlow: true },
              // a line per candidate on the validation part, then the refit's epochs
              onFit: (stage) => ({
                callbacks: [
                  stage.kind === 'candidate'
                    ? fitLineCallback(
                        mode,
                        `candidate ${stage.index}/${stage.count - 1} (${candidateText(stage.config)})`,
                      )
                    : progressCallback(mode, 'refit'),
                ],
              }),
            })
          : undefined;
      const f = recommendation?.forecaster ?? (await Forecaster.fit(source.series, full, fit));
      const evaluation =
        recommendation === undefined
          ? withWarning(
              f.evaluate(source.series),
              `no validation search and no prediction intervals: ${noRoom}; the configured network was fitted on the whole training part`,
            )
          : tooShort === null
            ? recommendation.evaluation
            : withWarning(
                recommendation.evaluation,
                `80 % intervals only: ${tooShort}; the 80 % level needs fewer validation rows`,
              );
      const ahead =
        future === undefined ? undefined : f.forecast(source.series, f.config.horizon, { future });
      const doc = await writeOutputFolder(outDir, { force: flags.force ?? false }, (dir) =>
        writeReportFolder(
          dir,
          {
            title: `seqcast: ${source.name}`,
            source: source.name,
            series: source.series,
            forecaster: f,
            evaluation,
            ...(ahead !== undefined ? { future: ahead } : {}),
            ...(recommendation !== undefined ? { recommendation } : {}),
            timings: {
              fitSeconds: f.fitInfo?.fitSeconds ?? 0,
              totalSeconds: (performance.now() - started) / 1000,
            },
          },
          outDir,
        ),
      );
      if (flags.json === true) process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
      else printResult(doc, evaluation);
    });
}

/**
 * The --future file, read and checked for coverage of the horizon before any training: the dates after
 * the data's last one, with every known-future column filled (futureValues names what is missing).
 */
function futureInput(flags: Flags, series: Series, config: ForecastConfig): Series | undefined {
  if (flags.future === undefined) return undefined;
  const known = config.knownFuture ?? [];
  if (known.length === 0) {
    throw new SeqcastError(
      'config',
      `--future '${flags.future}' gives future values of known-future columns, but none is named; add --known-future with its columns (or drop --future)`,
    );
  }
  const future = readSeries(flags.future, {
    ...(flags.dateColumn !== undefined ? { dateColumn: flags.dateColumn } : {}),
    missing: 'keep',
  }).series;
  const H = config.horizon ?? 1;
  futureValues(series, future, known, H, `the trained horizon of ${H}`);
  return future;
}

/** The evaluation with one more warning. */
function withWarning(e: Evaluation, message: string): Evaluation {
  return { ...e, warnings: [...e.warnings, { kind: 'validation', message }] };
}

/** A candidate's choices as given to the fit: 'gru, window 24, logDiff' (what it sets of the searched ones). */
function candidateText(c: ForecastConfig): string {
  const parts: string[] = [];
  if (c.model?.kind !== undefined)
    parts.push(`${c.model.kind}${c.model.units !== undefined ? `(${c.model.units})` : ''}`);
  else if (c.model?.units !== undefined) parts.push(`${c.model.units} units`);
  if (c.window !== undefined) parts.push(`window ${c.window}`);
  if (c.transform !== undefined) parts.push(c.transform);
  return parts.length === 0 ? 'the defaults' : parts.join(', ');
}
