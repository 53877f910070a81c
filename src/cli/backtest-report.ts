/**
 * The backtest report folder (`seqcast backtest --out DIR`): report.md and report.json from one document
 * (buildBacktestReport), the plot of the folds' forecasts against the actual values and the series plot,
 * SVG and PNG, each drawn from at most MAX_PLOT_POINTS points — written as `train`'s folder is (into the
 * folder writeOutputFolder makes, then renamed into place). There is no model in it: every fold has its own.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { systemErrorMessage } from '../io/system-errors.js';
import type { BacktestReportDocument, BacktestReportInput } from '../report/backtest.js';
import { backtestJson, backtestMarkdown, backtestPlotSpec, buildBacktestReport } from '../report/backtest.js';
import type { VegaLiteSpec } from '../report/plots.js';
import { seriesPlotSpec, spansOrdersOfMagnitude } from '../report/plots.js';
import { writePlot } from '../report/render.js';
import { MAX_PLOT_POINTS, thinned } from './report-folder.js';

export async function writeBacktestFolder(
  dir: string,
  r: Omit<BacktestReportInput, 'plots' | 'outDir'>,
  shownDir: string,
): Promise<BacktestReportDocument> {
  const doc = buildBacktestReport(r);
  const labels = r.series.labels();
  const values = r.series.column(doc.data.column);
  const plots: string[] = [];
  const failures: string[] = [];
  const plot = async (make: () => VegaLiteSpec, name: string): Promise<void> => {
    try {
      await writePlot(make(), dir, name);
      plots.push(`${name}.svg`);
    } catch (err) {
      if (systemErrorMessage(err) !== null) throw err; // a full disk is not a plot's problem
      failures.push(
        `the ${name} plot could not be drawn (${err instanceof Error ? err.message : String(err)})`,
      );
    }
  };
  const folds = r.result.folds;
  const first = folds[0].test.start;
  const end = Math.max(...folds.map((f) => f.test.end));
  const context = Math.min(first, end - first); // as much history as the backtested span, at most
  const shown = thinned(end - first + context, first - context);
  // every k-th fold when the forecasts alone would exceed the plot's points
  const points = folds.reduce((n, f) => n + f.actual.length, 0);
  const every = Math.max(1, Math.ceil(points / MAX_PLOT_POINTS));
  const drawn = folds.filter((_, k) => k % every === 0);
  await plot(
    () =>
      backtestPlotSpec({
        labels: shown.map((i) => labels[i]),
        actual: shown.map((i) => values[i]),
        folds: drawn.map((f) => ({ cutoff: f.cutoffLabel, labels: f.labels, forecast: f.forecast })),
        title:
          `${doc.data.column}: each fold's forecast from its cutoff, and the actual values` +
          (every > 1 ? ` (every ${every}th of ${folds.length} folds)` : ''),
      }),
    'backtest',
  );
  const all = thinned(labels.length);
  const log = spansOrdersOfMagnitude(values, 2);
  await plot(
    () =>
      seriesPlotSpec({
        labels: all.map((i) => labels[i]),
        values: all.map((i) => values[i]),
        title: `${doc.data.column}${log ? ' (log scale)' : ''}`,
        log,
      }),
    'series',
  );
  const report: BacktestReportDocument = {
    ...doc,
    plots,
    outDir: shownDir,
    warnings: [...doc.warnings, ...failures],
  };
  await writeFile(join(dir, 'report.md'), backtestMarkdown(report));
  await writeFile(join(dir, 'report.json'), backtestJson(report));
  return report;
}
