/**
 * The report's charts as Vega-Lite specifications (plain objects, browser-safe): forecast vs actual with the
 * train/test split marked, loss per epoch, the series (log scale when it spans orders of magnitude), and
 * residuals. render.ts turns them into SVG and PNG in Node; a page can hand them to vega-embed.
 */
import type { History } from '../model/fit.js';

export type VegaLiteSpec = Record<string, unknown>;

const WIDTH = 720;
const HEIGHT = 300;
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Dates (YYYY-MM-DD…) plot on a time axis; anything else on a numeric one. */
export function xType(labels: readonly string[]): 'temporal' | 'quantitative' {
  return labels.length > 0 && /^\d{4}-\d{2}-\d{2}/.test(labels[0]) ? 'temporal' : 'quantitative';
}

export function xValue(label: string, type: 'temporal' | 'quantitative'): string | number {
  return type === 'temporal' ? label : Number(label);
}

export interface ForecastPlotInput {
  readonly labels: readonly string[];
  readonly actual: ArrayLike<number>;
  readonly forecast: ArrayLike<number>;
  /** The first test label: a rule marks where the test part begins. */
  readonly splitLabel?: string;
  /** Training rows shown before the test part, for context. */
  readonly trainLabels?: readonly string[];
  readonly trainActual?: ArrayLike<number>;
  readonly title: string;
  /** Prediction intervals around `forecast`, drawn as shaded bands (widest first). */
  readonly bands?: readonly PlotBand[];
}

/** One interval level's band: lower and upper bounds at each label. */
export interface PlotBand {
  readonly level: number;
  readonly lower: ArrayLike<number>;
  readonly upper: ArrayLike<number>;
}

/** Shaded areas between each band's bounds, the widest (highest level) underneath. */
export function bandLayers(
  labels: readonly string[],
  bands: readonly PlotBand[],
  type: 'temporal' | 'quantitative',
): VegaLiteSpec[] {
  return [...bands]
    .sort((a, b) => b.level - a.level)
    .map((b, j) => ({
      data: {
        values: labels.map((l, i) => ({ x: xValue(l, type), lower: b.lower[i], upper: b.upper[i] })),
      },
      mark: { type: 'area', opacity: j === 0 ? 0.18 : 0.3, color: '#e8702a' },
      encoding: {
        x: { field: 'x', type },
        y: { field: 'lower', type: 'quantitative' },
        y2: { field: 'upper' },
      },
    }));
}

export function forecastPlotSpec(p: ForecastPlotInput): VegaLiteSpec {
  const type = xType(p.labels);
  const rows: { x: string | number; value: number; series: string }[] = [];
  (p.trainLabels ?? []).forEach((l, i) =>
    rows.push({ x: xValue(l, type), value: p.trainActual![i], series: 'actual (training)' }),
  );
  p.labels.forEach((l, i) => {
    rows.push({ x: xValue(l, type), value: p.actual[i], series: 'actual' });
    rows.push({ x: xValue(l, type), value: p.forecast[i], series: 'forecast' });
  });
  const layers: VegaLiteSpec[] = [
    {
      mark: { type: 'line', strokeWidth: 1.5 },
      encoding: {
        x: { field: 'x', type, title: type === 'temporal' ? 'date' : 'step' },
        y: { field: 'value', type: 'quantitative', title: 'value', scale: { zero: false } },
        color: {
          field: 'series',
          type: 'nominal',
          title: null,
          scale: {
            domain: ['actual (training)', 'actual', 'forecast'],
            range: ['#9aa5b1', '#1f4e79', '#e8702a'],
          },
        },
      },
    },
  ];
  if (p.bands !== undefined) layers.unshift(...bandLayers(p.labels, p.bands, type));
  if (p.splitLabel !== undefined) {
    const x = xValue(p.splitLabel, type);
    layers.push(
      {
        data: { values: [{ x }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#555' },
        encoding: { x: { field: 'x', type } },
      },
      {
        data: { values: [{ x, text: `test from ${p.splitLabel}` }] },
        mark: { type: 'text', align: 'left', dx: 4, dy: -6, baseline: 'top', color: '#333' },
        encoding: { x: { field: 'x', type }, y: { value: 0 }, text: { field: 'text' } },
      },
    );
  }
  return {
    $schema: SCHEMA,
    title: safeTitle(p.title),
    width: WIDTH,
    height: HEIGHT,
    data: { values: rows },
    layer: layers,
  };
}

/**
 * Loss and val_loss per epoch; a log y axis when they span more than two orders of magnitude. `lossName`
 * titles the y axis (a forecaster's MSE by default; a classifier's cross-entropy).
 */
export function lossPlotSpec(history: History, lossName = 'MSE on scaled data'): VegaLiteSpec {
  const rows: { epoch: number; value: number; series: string }[] = [];
  for (const key of ['loss', 'val_loss']) {
    (history.history[key] ?? []).forEach((v, i) =>
      rows.push({ epoch: history.epoch[i] + 1, value: v, series: key }),
    );
  }
  const log = spansOrdersOfMagnitude(
    rows.map((r) => r.value),
    2,
  );
  return {
    $schema: SCHEMA,
    title: `Training loss per epoch${log ? ' (log scale)' : ''}`,
    width: WIDTH,
    height: HEIGHT,
    data: { values: rows },
    mark: { type: 'line', point: rows.length <= 60 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
      y: {
        field: 'value',
        type: 'quantitative',
        title: `loss (${lossName})`,
        scale: log ? { type: 'log' } : { zero: false },
      },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

export interface SeriesPlotInput {
  readonly labels: readonly string[];
  readonly values: ArrayLike<number>;
  readonly title: string;
  readonly log?: boolean;
}

export function seriesPlotSpec(p: SeriesPlotInput): VegaLiteSpec {
  const type = xType(p.labels);
  return {
    $schema: SCHEMA,
    title: safeTitle(p.title),
    width: WIDTH,
    height: HEIGHT,
    data: { values: p.labels.map((l, i) => ({ x: xValue(l, type), value: p.values[i] })) },
    mark: { type: 'line', strokeWidth: 1 },
    encoding: {
      x: { field: 'x', type, title: type === 'temporal' ? 'date' : 'step' },
      y: {
        field: 'value',
        type: 'quantitative',
        title: 'value',
        scale: p.log === true ? { type: 'log' } : { zero: false },
      },
    },
  };
}

/** forecast − actual over the test part, with the zero line. */
export function residualPlotSpec(p: {
  labels: readonly string[];
  actual: ArrayLike<number>;
  forecast: ArrayLike<number>;
}): VegaLiteSpec {
  const type = xType(p.labels);
  return {
    $schema: SCHEMA,
    title: 'Residuals: forecast − actual',
    width: WIDTH,
    height: HEIGHT,
    data: { values: p.labels.map((l, i) => ({ x: xValue(l, type), residual: p.forecast[i] - p.actual[i] })) },
    layer: [
      { mark: { type: 'rule', color: '#888' }, encoding: { y: { datum: 0 } } },
      {
        mark: { type: 'bar', color: '#1f4e79' },
        encoding: {
          x: { field: 'x', type, title: type === 'temporal' ? 'date' : 'step' },
          y: { field: 'residual', type: 'quantitative', title: 'forecast − actual' },
        },
      },
    ],
  };
}

/** True when max / min of the positive values exceeds 10^orders (a log axis reads better). */
export function spansOrdersOfMagnitude(values: ArrayLike<number>, orders: number): boolean {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v > 0)) return false; // a log axis cannot show zero or negative values
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return values.length > 0 && hi / lo > 10 ** orders;
}

/** ‖∂L/∂h_t‖ against the step t, one line per recorded moment (and per recurrent layer), log scale. */
export function gradientFlowPlotSpec(
  records: readonly {
    readonly label: string;
    readonly layers: readonly { readonly layer: string; readonly gradH: readonly number[] }[];
  }[],
): VegaLiteSpec {
  const rows: { step: number; norm: number; series: string }[] = [];
  const multi = (records[0]?.layers.length ?? 0) > 1;
  for (const r of records) {
    for (const l of r.layers) {
      l.gradH.forEach((v, t) => {
        if (v > 0) rows.push({ step: t + 1, norm: v, series: multi ? `${r.label} · ${l.layer}` : r.label });
      });
    }
  }
  return {
    $schema: SCHEMA,
    title: 'Gradient flow through time: ‖∂L/∂h_t‖ (log scale)',
    width: WIDTH,
    height: HEIGHT,
    data: { values: rows },
    mark: { type: 'line', point: rows.length <= 200 },
    encoding: {
      x: {
        field: 'step',
        type: 'quantitative',
        title: 'step t of the window',
        axis: { tickMinStep: 1, format: 'd' },
      },
      y: { field: 'norm', type: 'quantitative', title: '‖∂L/∂h_t‖', scale: { type: 'log' } },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

/**
 * A title Vega can render. Vega looks some texts up in a plain object while it parses a spec, so a title that
 * is exactly the name of an Object.prototype member (a column named `constructor`, `toString`, …) fails with
 * "Operator not defined"; a zero-width space after it keeps the text as it reads.
 */
export function safeTitle(text: string): string {
  return Object.hasOwn(Object.prototype, text) ? `${text}\u200b` : text;
}
