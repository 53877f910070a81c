/** The future forecast with its prediction bands, after the last rows of the series (browser-safe). */
import type { PlotBand, VegaLiteSpec } from './plots.js';
import { bandLayers, safeTitle, xType, xValue } from './plots.js';

export interface FuturePlotInput {
  /** The last rows of the series, for context. */
  readonly historyLabels: readonly string[];
  readonly history: ArrayLike<number>;
  /** The forecast rows after them. */
  readonly labels: readonly string[];
  readonly forecast: ArrayLike<number>;
  readonly bands: readonly PlotBand[];
  readonly title: string;
}

export function futurePlotSpec(p: FuturePlotInput): VegaLiteSpec {
  const type = xType(p.historyLabels.length > 0 ? p.historyLabels : p.labels);
  const rows: { x: string | number; value: number; series: string }[] = [];
  p.historyLabels.forEach((l, i) => rows.push({ x: xValue(l, type), value: p.history[i], series: 'actual' }));
  // the forecast line starts at the last known value, so it joins the history
  const last = p.historyLabels.length - 1;
  if (last >= 0)
    rows.push({ x: xValue(p.historyLabels[last], type), value: p.history[last], series: 'forecast' });
  p.labels.forEach((l, i) => rows.push({ x: xValue(l, type), value: p.forecast[i], series: 'forecast' }));
  const points = p.labels.map((l, i) => ({ x: xValue(l, type), value: p.forecast[i] }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: safeTitle(p.title),
    width: 720,
    height: 300,
    data: { values: rows },
    layer: [
      ...bandLayers(p.labels, p.bands, type),
      // the same bands as bars, visible when the forecast is a single row
      ...[...p.bands]
        .sort((a, b) => b.level - a.level)
        .map((b, j) => ({
          data: {
            values: p.labels.map((l, i) => ({ x: xValue(l, type), lower: b.lower[i], upper: b.upper[i] })),
          },
          mark: { type: 'rule', strokeWidth: j === 0 ? 2 : 6, opacity: 0.6, color: '#e8702a' },
          encoding: {
            x: { field: 'x', type },
            y: { field: 'lower', type: 'quantitative' },
            y2: { field: 'upper' },
          },
        })),
      {
        mark: { type: 'line', strokeWidth: 1.5 },
        encoding: {
          x: { field: 'x', type, title: type === 'temporal' ? 'date' : 'step' },
          y: { field: 'value', type: 'quantitative', title: 'value', scale: { zero: false } },
          color: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: { domain: ['actual', 'forecast'], range: ['#1f4e79', '#e8702a'] },
          },
        },
      },
      {
        data: { values: points },
        mark: { type: 'point', filled: true, color: '#e8702a' },
        encoding: { x: { field: 'x', type }, y: { field: 'value', type: 'quantitative' } },
      },
    ],
  };
}
