/**
 * The report folder: report.md and report.json, the plots (SVG and PNG) and, under model/, the saved
 * forecaster that `seqcast forecast` and `seqcast evaluate` load.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveForecaster } from '../forecast/io-node.js';
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

/**
 * Writes the plots, report.md and report.json (one document from buildReport, with the plots' names) and
 * the saved forecaster into `dir`, and returns the document: what `--json` prints.
 */
export async function writeReportFolder(
  dir: string,
  r: Omit<ReportInput, 'plots' | 'outDir'>,
  force: boolean,
): Promise<ReportDocument> {
  mkdirSync(dir, { recursive: true });
  const e = r.evaluation;
  const target = r.target ?? r.forecaster.config.target[0];
  const labels = r.series.labels();
  const values = r.series.column(target);
  const testStart = labels.indexOf(e.labels[0]);
  const plots: string[] = [];
  const plot = async (spec: VegaLiteSpec, name: string): Promise<void> => {
    await writePlot(spec, dir, name);
    plots.push(`${name}.svg`);
  };
  await plot(
    forecastPlotSpec({
      labels: e.labels,
      actual: e.actual,
      forecast: e.forecast,
      splitLabel: e.labels[0],
      trainLabels: labels.slice(Math.max(0, testStart - 3 * e.labels.length), testStart),
      trainActual: values.slice(Math.max(0, testStart - 3 * e.labels.length), testStart),
      title: `${target}: one-step forecasts of the test part, and the actual values`,
    }),
    'forecast',
  );
  const history = r.forecaster.history;
  if (history !== null && history.epoch.length > 0) await plot(lossPlotSpec(history), 'loss');
  const flows = r.forecaster.fitInfo?.gradientFlow ?? [];
  if (flows.length > 0) await plot(gradientFlowPlotSpec(flows), 'gradient-flow');
  const log = spansOrdersOfMagnitude(values, 2);
  await plot(
    seriesPlotSpec({ labels, values, title: `${target}${log ? ' (log scale)' : ''}`, log }),
    'series',
  );
  await plot(residualPlotSpec({ labels: e.labels, actual: e.actual, forecast: e.forecast }), 'residuals');
  const report = buildReport({ ...r, plots, outDir: dir });
  writeFileSync(join(dir, 'report.md'), reportMarkdown(report));
  writeFileSync(join(dir, 'report.json'), reportJson(report));
  await saveForecaster(r.forecaster, join(dir, 'model'), { overwrite: force });
  return report;
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
  writeFileSync(join(dir, 'report.md'), text);
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(docs, null, 2)}\n`);
}
