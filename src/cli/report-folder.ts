/**
 * The report folder: report.md and report.json, the plots (SVG and PNG) and, under model/, the saved
 * forecaster that `seqcast forecast` and `seqcast evaluate` load.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { saveForecaster } from '../forecast/io-node.js';
import { systemErrorMessage } from '../io/system-errors.js';
import type { ReportDocument, ReportInput } from '../report/document.js';
import { buildReport } from '../report/document.js';
import { reportJson, reportMarkdown } from '../report/markdown.js';
import {
  forecastPlotSpec,
  gradientFlowPlotSpec,
  lossPlotSpec,
  residualPlotSpec,
  seriesPlotSpec,
  spansOrdersOfMagnitude,
} from '../report/plots.js';
import type { VegaLiteSpec } from '../report/plots.js';
import { writePlot } from '../report/render.js';
import type { Band } from '../forecast/intervals.js';
import type { Recommendation } from '../forecast/select.js';
import { futurePlotSpec } from '../report/interval-plots.js';
import { bandColumns } from '../report/recommendation.js';
import { formatCsv } from '../series/csv.js';
import { savedIntervals } from '../forecast/saved-intervals.js';

/**
 * Writes a report folder into `dir` (a folder writeOutputFolder made; `shownDir` is where it will be, for
 * the document): first the saved forecaster under model/, so the trained work is kept whatever follows;
 * then the plots, each from at most MAX_PLOT_POINTS points; then report.md and report.json (one document from
 * buildReport, naming the plots). A plot that cannot be drawn is named in the warnings, not fatal. Returns the
 * document: what `--json` prints.
 */
export async function writeReportFolder(
  dir: string,
  r: Omit<ReportInput, 'plots' | 'outDir'>,
  shownDir: string,
): Promise<ReportDocument> {
  // the network's own intervals go with it, for `seqcast forecast`
  await saveForecaster(
    r.forecaster,
    join(dir, 'model'),
    r.recommendation === undefined ? {} : { intervals: savedIntervals(r.recommendation.networkIntervals) },
  );
  const e = r.evaluation;
  const target = r.target ?? r.forecaster.config.target[0];
  const labels = r.series.labels();
  const values = r.series.column(target);
  const testStart = r.series.rowsBefore(e.labels[0]); // the first row with a one-step forecast
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
  const test = thinned(e.labels.length);
  const context = Math.min(testStart, 3 * e.labels.length);
  const before = thinned(context, testStart - context);
  const rec = r.recommendation === undefined ? null : recommendedOneStep(r.recommendation, labels);
  const recShown = rec === null ? null : thinned(rec.labels.length);
  await plot(
    () =>
      rec === null || recShown === null
        ? forecastPlotSpec({
            labels: test.map((i) => e.labels[i]),
            actual: test.map((i) => e.actual[i]),
            forecast: test.map((i) => e.forecast[i]),
            splitLabel: e.labels[0],
            trainLabels: before.map((i) => labels[i]),
            trainActual: before.map((i) => values[i]),
            title: `${target}: one-step forecasts of the test part, and the actual values${thinNote(test, e.labels.length)}`,
          })
        : forecastPlotSpec({
            labels: recShown.map((i) => rec.labels[i]),
            actual: recShown.map((i) => rec.actual[i]),
            forecast: recShown.map((i) => rec.forecast[i]),
            splitLabel: e.labels[0],
            trainLabels: before.map((i) => labels[i]),
            trainActual: before.map((i) => values[i]),
            bands: rec.bands.map((b) => ({
              level: b.level,
              lower: recShown.map((i) => b.lower[i]),
              upper: recShown.map((i) => b.upper[i]),
            })),
            title: `${target}: one-step forecasts of the test part by the recommended pipeline, with ${levelNames(rec.bands)} intervals${thinNote(recShown, rec.labels.length)}`,
          }),
    'forecast',
  );
  if (r.recommendation !== undefined) {
    const fut = r.recommendation.future;
    const recent = Math.min(labels.length, Math.max(36, 3 * fut.labels.length));
    await plot(
      () =>
        futurePlotSpec({
          historyLabels: labels.slice(labels.length - recent),
          history: values.slice(values.length - recent),
          labels: fut.labels,
          forecast: fut.values,
          bands: fut.bands,
          title: `${target}: the forecast after ${labels[labels.length - 1]} by the recommended pipeline, with ${levelNames(fut.bands)} intervals`,
        }),
      'future',
    );
    const cols = ['date', target, ...fut.bands.flatMap((b) => bandColumns(b.level))];
    const rows = fut.labels.map((l, i) => [
      r.series.kind === 'integer' ? Number(l) : l,
      fut.values[i],
      // an unbounded interval (too few validation residuals for its level) is left empty
      ...fut.bands.flatMap((b) => [b.lower[i], b.upper[i]].map((x) => (Number.isFinite(x) ? x : ''))),
    ]);
    await writeFile(join(dir, 'forecast.csv'), formatCsv(cols, rows, 'forecast.csv'));
  }
  const history = r.forecaster.history;
  if (history !== null && history.epoch.length > 0) await plot(() => lossPlotSpec(history), 'loss');
  const flows = r.forecaster.fitInfo?.gradientFlow ?? [];
  if (flows.length > 0) await plot(() => gradientFlowPlotSpec(flows), 'gradient-flow');
  const all = thinned(labels.length);
  const log = spansOrdersOfMagnitude(values, 2);
  await plot(
    () =>
      seriesPlotSpec({
        labels: all.map((i) => labels[i]),
        values: all.map((i) => values[i]),
        title: `${target}${log ? ' (log scale)' : ''}${thinNote(all, labels.length)}`,
        log,
      }),
    'series',
  );
  await plot(
    () =>
      residualPlotSpec({
        labels: test.map((i) => e.labels[i]),
        actual: test.map((i) => e.actual[i]),
        forecast: test.map((i) => e.forecast[i]),
      }),
    'residuals',
  );
  const report = buildReport({ ...r, plots, outDir: shownDir });
  const shown = failures.length === 0 ? report : { ...report, warnings: [...report.warnings, ...failures] };
  await writeFile(join(dir, 'report.md'), reportMarkdown(shown));
  await writeFile(join(dir, 'report.json'), reportJson(shown));
  return shown;
}

/** The recommended pipeline's one-step (h = 1) test forecasts, their actual values and bands. */
function recommendedOneStep(
  r: Recommendation,
  labels: readonly string[],
): { labels: string[]; actual: Float64Array; forecast: Float64Array; bands: Band[] } {
  const p = r.evaluation.paths;
  const H = p.horizon;
  const first = <T extends Float64Array>(x: T): Float64Array => x.filter((_, i) => i % H === 0);
  return {
    labels: Array.from(p.origins, (o) => labels[o]),
    actual: first(p.actual),
    forecast: first(r.test.forecast),
    bands: r.test.bands.map((b) => ({ level: b.level, lower: first(b.lower), upper: first(b.upper) })),
  };
}

function levelNames(bands: readonly Band[]): string {
  return bands.map((b) => `${Math.round(b.level * 1000) / 10} %`).join(' and ');
}

/** The most points a plot is drawn from: a series of millions of rows makes a plot of thousands. */
export const MAX_PLOT_POINTS = 2000;

/** Positions `from … from + n − 1`, or MAX_PLOT_POINTS evenly spaced ones among them (first and last kept). */
export function thinned(n: number, from = 0): number[] {
  if (n <= MAX_PLOT_POINTS) return Array.from({ length: n }, (_, i) => from + i);
  const step = (n - 1) / (MAX_PLOT_POINTS - 1);
  return Array.from({ length: MAX_PLOT_POINTS }, (_, k) => from + Math.round(k * step));
}

function thinNote(positions: readonly number[], n: number): string {
  return positions.length < n ? ` (every ${Math.round(n / positions.length)}th of ${n} points)` : '';
}

/** The demo's top-level report.md: both pipelines side by side, with links to their folders. */
export async function writeDemoIndex(
  dir: string,
  title: string,
  docs: readonly ReportDocument[],
  closing: string,
): Promise<void> {
  const rows = docs.map(
    (d) =>
      `| [${d.pipeline}](${d.pipeline}/report.md) | ${d.metrics.model.rmse.toFixed(1)} | ${d.metrics.model.mae.toFixed(1)} | ` +
      `${d.metrics.baselines.naive.rmse.toFixed(1)} | ${d.verdict} |`,
  );
  const text = [
    `# seqcast demo: ${title}`,
    '',
    `${docs[0].data.rows} months, ${docs[0].data.from} .. ${docs[0].data.to}; next month from the previous 12; the last 20 % is the test part.`,
    '',
    '| pipeline | RMSE | MAE | naive RMSE | verdict |',
    '| --- | ---: | ---: | ---: | --- |',
    ...rows,
    '',
    closing,
    '',
  ].join('\n');
  await writeFile(join(dir, 'report.md'), text);
  await writeFile(join(dir, 'report.json'), `${JSON.stringify(docs, null, 2)}\n`);
}
