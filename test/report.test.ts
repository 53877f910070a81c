import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { History, ScoreSet } from '../src/index.js';
import {
  buildReport,
  Forecaster,
  readCsv,
  reportJson,
  forecastPlotSpec,
  gradientFlowPlotSpec,
  lossPlotSpec,
  metricsTable,
  reportMarkdown,
  residualPlotSpec,
  seriesPlotSpec,
  spansOrdersOfMagnitude,
} from '../src/index.js';
import { renderSvg, svgToPng } from '../src/node.js';
import { sparkline } from '../src/report/terminal.js';
import { REPORT_FIELDS } from './helpers/report-fields.js';

const labels = Array.from({ length: 24 }, (_, m) =>
  `2020-${String((m % 12) + 1).padStart(2, '0')}-01`.replace('2020', String(2020 + Math.floor(m / 12))),
);
const actual = labels.map((_, i) => 100 + 10 * Math.sin(i / 3));
const forecast = actual.map((v, i) => v + (i % 3) - 1);
const history: History = {
  epoch: [0, 1, 2],
  history: { loss: [1, 0.1, 0.001], val_loss: [1.2, 0.2, 0.01] },
  gradientNorm: [],
  clippedFraction: [],
  stop: null,
};

describe('plots render headlessly', () => {
  it('forecastPlotSpec renders to an SVG with its title and the split label', async () => {
    const svg = await renderSvg(
      forecastPlotSpec({
        labels: labels.slice(12),
        actual: actual.slice(12),
        forecast: forecast.slice(12),
        splitLabel: labels[12],
        trainLabels: labels.slice(0, 12),
        trainActual: actual.slice(0, 12),
        title: 'Next month, forecast and actual',
      }),
    );
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Next month, forecast and actual');
    expect(svg).toContain('test from 2021-01-01');
  });

  it('lossPlotSpec uses a log axis when the loss spans more than two orders of magnitude', async () => {
    const spec = lossPlotSpec(history) as { title: string; encoding: { y: { scale: { type?: string } } } };
    expect(spec.title).toMatch(/log scale/);
    expect(spec.encoding.y.scale.type).toBe('log');
    expect(await renderSvg(spec)).toContain('Training loss per epoch');
  });

  it('seriesPlotSpec and residualPlotSpec render, with integer labels on a numeric axis', async () => {
    const steps = Array.from({ length: 10 }, (_, i) => String(i));
    expect(
      await renderSvg(seriesPlotSpec({ labels: steps, values: steps.map(Number), title: 'steps' })),
    ).toContain('steps');
    expect(await renderSvg(residualPlotSpec({ labels, actual, forecast }))).toContain('forecast − actual');
  });

  it('svgToPng draws text with the fonts shipped in the package (resvg silently drops text it has no font for)', () => {
    const frame = (text: string): string =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60"><rect width="300" height="60" fill="white"/>${text}</svg>`;
    const blank = svgToPng(frame(''));
    const withText = svgToPng(
      frame('<text x="10" y="40" font-family="sans-serif" font-size="28">Forecast 2026</text>'),
    );
    expect(withText.length).toBeGreaterThan(blank.length + 1000);
  });

  it('svgToPng returns a PNG with the fonts shipped in the package', async () => {
    const png = svgToPng(await renderSvg(seriesPlotSpec({ labels, values: actual, title: 'A title' })));
    expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    expect(png.length).toBeGreaterThan(10_000);
  });

  it('gradientFlowPlotSpec draws ‖∂L/∂h_t‖ per step on a log axis, one line per moment', async () => {
    const spec = gradientFlowPlotSpec([
      { label: 'after epoch 1', layers: [{ layer: 'lstm', gradH: [0.01, 0.1, 1] }] },
      { label: 'after epoch 9', layers: [{ layer: 'lstm', gradH: [0.2, 0.5, 1] }] },
    ]) as { encoding: { y: { scale: { type: string } } }; data: { values: unknown[] } };
    expect(spec.encoding.y.scale.type).toBe('log');
    expect(spec.data.values).toHaveLength(6);
    const svg = await renderSvg(spec);
    expect(svg).toContain('Gradient flow through time');
    expect(svg).toContain('after epoch 9');
  });

  it('spansOrdersOfMagnitude(values, 2) is true for 16.9 .. 7412 and false for data with zeros', () => {
    expect(spansOrdersOfMagnitude([16.9, 7412], 2)).toBe(true);
    expect(spansOrdersOfMagnitude([100, 7412], 2)).toBe(false);
    expect(spansOrdersOfMagnitude([0, 7412], 2)).toBe(false);
  });
});

const score = (rmse: number, mape: number | null): ScoreSet => ({
  rmse,
  mae: rmse / 2,
  mape,
  mapeSkipped: mape === null ? 3 : 0,
  smape: 5,
  mase: rmse / 100,
});

describe('text reports', () => {
  const metrics = { model: score(120, 2.4), baselines: { naive: score(126, 2.6), mean: score(3206, null) } };

  it('reportMarkdown has the data, the metrics table with n/a for an undefined MAPE, the verdict and the plots', () => {
    const md = reportMarkdown({
      title: 'seqcast: sp500',
      data: {
        source: 'sp500',
        rows: 917,
        from: '1950-01-01',
        to: '2026-05-01',
        column: 'price',
        min: 16.88,
        max: 7412.55,
        frequency: 'monthly',
      },
      config: { window: 12 },
      split: null,
      metrics: { ...metrics, model: score(120, null), byHorizon: [] },
      losesAtHorizons: [],
      origins: { scored: 184, masked: 0 },
      baselineModels: {},
      verdict: 'beats naive by 4.5 % RMSE',
      comparison: 'beats naive by 4.5 % RMSE (naive is the best baseline)',
      forecastAhead: {
        trainedHorizon: 1,
        recursive: false,
        reason: "recursion is impossible: the past-only feature 'cpi' has no future values to feed back",
        calendar: [],
        knownFuture: [],
        forecast: { labels: ['2026-06-01'], values: [7500.5], method: 'direct' },
      },
      warnings: ['the scaled test data reach 4.86'],
      timings: { fitSeconds: 1.2 },
      training: {
        epochs: [
          { epoch: 1, loss: 0.5, valLoss: 0.6, gradMin: 0.1, gradMedian: 0.2, gradMax: 0.3, clipped: 0.25 },
        ],
        stop: null,
      },
      plots: ['forecast.svg'],
      outDir: null,
    });
    expect(md).toContain('917 rows, 1950-01-01 .. 2026-05-01 (monthly); `price` from 16.88 to 7,412.55');
    expect(md).toContain('| **model** | 120.00 | 60.00 | n/a | 5.00 % | 1.20 |');
    expect(md).toContain('| naive | 126.00 | 63.00 | 2.60 % | 5.00 % | 1.26 |');
    expect(md).toContain(
      "Trained horizon: 1. Beyond it: not possible — recursion is impossible: the past-only feature 'cpi' has no future values to feed back.",
    );
    expect(md).toContain('| date | forecast (direct) |\n| --- | ---: |\n| 2026-06-01 | 7,500.5 |');
    expect(md).toContain('**Verdict: beats naive by 4.5 % RMSE (naive is the best baseline)**');
    expect(md).toContain('- the scaled test data reach 4.86');
    expect(md).toContain('![forecast](forecast.png) ([SVG](forecast.svg))');
    expect(md).toContain('- fit: 1.20 s');
    expect(md).toContain('| 1 | 0.5000 | 0.6000 | 0.100 / 0.200 / 0.300 | 25 % |');
    expect(md).toMatch(/MAPE leaves out the 3 test point\(s\) whose actual value is 0/);
  });

  it('metricsTable marks the best value of each column', () => {
    const lines = metricsTable(metrics).split('\n');
    expect(lines[0]).toMatch(/RMSE +MAE +MAPE % +sMAPE % +MASE/);
    expect(lines[1]).toMatch(/^model +120\.0\* +60\.0\* +2\.40\*/);
    expect(lines[3]).toMatch(/^mean .* n\/a/);
  });

  it('sparkline(values, width) averages into width cells from ▁ to █', () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8], 8)).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([1, 1, 9, 9], 2)).toBe('▁█');
    expect(sparkline([5, 5, 5], 10)).toBe('▄▄▄');
    expect(sparkline([], 10)).toBe('');
    expect(sparkline([1, NaN, 3], 3)).toBe('▁ █');
  });
});

describe('buildReport', () => {
  it('buildReport(…) makes the one report document: verdict against naive, comparison with every baseline, short baseline names', async () => {
    const air = readCsv(
      readFileSync(join(import.meta.dirname, '..', 'datasets', 'air_passengers_monthly.csv'), 'utf8'),
    );
    const f = await Forecaster.fit(air, { model: { units: 4 }, training: { epochs: 2 } });
    const e = f.evaluate(air);
    const doc = buildReport({
      title: 'seqcast: air-passengers',
      source: 'air-passengers',
      series: air,
      forecaster: f,
      evaluation: e,
      timings: { totalSeconds: 1 },
    });
    expect(Object.keys(doc)).toEqual(REPORT_FIELDS);
    expect(doc.verdict).toBe(e.verdict);
    expect(doc.verdict).toBe(e.comparison.versusNaive);
    expect(doc.comparison).toBe(e.comparison.summary);
    expect(Object.keys(doc.metrics.baselines)).toEqual([
      'naive',
      'seasonalNaive',
      'drift',
      'mean',
      'autoETS',
    ]);
    expect(doc.metrics.model).toEqual(e.metrics.model);
    expect(doc.data).toMatchObject({ source: 'air-passengers', rows: 144, column: 'passengers' });
    expect(doc.split?.trainRows).toBe(115);
    expect(doc.training?.epochs).toHaveLength(2);
    expect(doc.plots).toEqual([]);
    expect(doc.outDir).toBeNull();
    // report.md shows the comparison, as the terminal and the playground do
    expect(reportMarkdown(doc)).toContain(`**Verdict: ${e.comparison.summary}**`);
    expect(JSON.parse(reportJson(doc))).toEqual(JSON.parse(JSON.stringify(doc)));
  });
});
