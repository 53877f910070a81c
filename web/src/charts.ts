/**
 * Charts: Vega-Lite specifications (seqcast's own from its report module, and a few for the page) compiled
 * with vega-lite and drawn by a vega View. One view per container; drawing again finalizes the old one.
 */
import type { VegaLiteSpec } from 'seqcast';
import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { compile } from 'vega-lite';

const views = new WeakMap<HTMLElement, vega.View>();
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** Room left for the axis titles and the legend beside a chart's plotting area. */
const MARGIN = 180;

export interface RenderOptions {
  readonly renderer?: 'svg' | 'canvas';
  /** Keep the spec's width instead of fitting the container. */
  readonly fixedWidth?: boolean;
}

/**
 * Draws `spec` in `container`, replacing what was there. Compiling, parsing and drawing run in separate
 * tasks, so that a big chart does not hold the page for the sum of the three.
 */
export async function renderChart(
  container: HTMLElement,
  spec: VegaLiteSpec,
  options: RenderOptions = {},
): Promise<vega.View> {
  const fitted = options.fixedWidth === true ? spec : fitWidth(spec, container);
  const compiled = compile(fitted as unknown as TopLevelSpec).spec;
  await nextTask();
  const runtime = vega.parse(compiled);
  await nextTask();
  clearChart(container);
  const view = new vega.View(runtime, {
    container,
    renderer: options.renderer ?? 'svg',
    hover: false,
    logLevel: vega.Warn,
  });
  views.set(container, view);
  await view.runAsync();
  container.dataset.rendered = 'true';
  return view;
}

function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export function clearChart(container: HTMLElement): void {
  views.get(container)?.finalize();
  views.delete(container);
  container.replaceChildren();
  delete container.dataset.rendered;
}

function fitWidth(spec: VegaLiteSpec, container: HTMLElement): VegaLiteSpec {
  const available = container.clientWidth - MARGIN;
  if (typeof spec.width !== 'number' || available <= 0 || 'facet' in spec) return spec;
  return { ...spec, width: Math.max(320, Math.min(spec.width, available)) };
}

/**
 * The loss and val_loss per epoch, drawn while training: one view, rows inserted into its data set. Updates
 * are batched so that each redraw is a small task.
 */
export class LiveLossChart {
  private view: vega.View | null = null;
  private pending: { epoch: number; value: number; series: string }[] = [];
  private replace = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly container: HTMLElement;
  private readonly every: number;
  private readonly lossName: string;

  constructor(container: HTMLElement, every = 250, lossName = 'MSE on scaled data') {
    this.container = container;
    this.every = every;
    this.lossName = lossName;
  }

  /** A new run: the chart is drawn with its first epoch (an empty chart would have no scales). */
  start(): void {
    this.stop();
    this.pending = [];
    this.replace = false;
    this.view = null;
    clearChart(this.container);
  }

  /**
   * The next fit of the same run (a candidate of the validation search, the refit): its curve replaces the
   * last one's in the same view at the next flush, so no chart is compiled and drawn anew.
   */
  restart(): void {
    this.pending = [];
    this.replace = this.view !== null;
  }

  add(epoch: number, loss: number, valLoss: number | null): void {
    this.pending.push({ epoch, value: loss, series: 'loss' });
    if (valLoss !== null) this.pending.push({ epoch, value: valLoss, series: 'val_loss' });
    this.timer ??= setTimeout(() => void this.flush(), this.every);
  }

  async flush(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    if (this.view !== null) {
      const changes = this.replace ? vega.changeset().remove(() => true) : vega.changeset();
      this.replace = false;
      await this.view.change('loss', changes.insert(rows)).runAsync();
      return;
    }
    this.view = await renderChart(this.container, {
      $schema: SCHEMA,
      title: 'Training loss per epoch (live)',
      width: 720,
      height: 220,
      data: { name: 'loss', values: rows },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
        y: {
          field: 'value',
          type: 'quantitative',
          title: `loss (${this.lossName})`,
          scale: { zero: false },
        },
        color: { field: 'series', type: 'nominal', title: null },
      },
    });
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** A heatmap of one or more [step × unit] grids (hidden states, or gates faceted by name). */
export function heatmapSpec(p: {
  readonly title: string;
  /** Row labels of the window, step by step (dates). */
  readonly labels: readonly string[];
  readonly grids: readonly { readonly name: string; readonly steps: readonly (readonly number[])[] }[];
  readonly domain: readonly [number, number];
}): VegaLiteSpec {
  const rows: { t: number; unit: number; value: number; name: string; date: string }[] = [];
  let units = 0;
  for (const g of p.grids) {
    g.steps.forEach((values, t) => {
      units = Math.max(units, values.length);
      values.forEach((value, unit) =>
        rows.push({ t: t + 1, unit: unit + 1, value, name: g.name, date: p.labels[t] }),
      );
    });
  }
  const steps = p.grids[0]?.steps.length ?? 0;
  const cell = {
    width: Math.min(720, Math.max(240, steps * 28)),
    height: Math.min(320, Math.max(80, units * 8)),
    mark: { type: 'rect' },
    encoding: {
      x: { field: 't', type: 'ordinal', title: 'step t of the window' },
      y: {
        field: 'unit',
        type: 'ordinal',
        title: 'unit',
        axis: units > 32 ? { labels: false, ticks: false } : {},
      },
      color: {
        field: 'value',
        type: 'quantitative',
        title: null,
        scale: { scheme: 'redblue', reverse: true, domain: [...p.domain], domainMid: 0 },
      },
      tooltip: [
        { field: 'name', title: 'what' },
        { field: 't', title: 'step' },
        { field: 'date', title: 'row' },
        { field: 'unit', title: 'unit' },
        { field: 'value', title: 'value', format: '.4f' },
      ],
    },
  };
  if (p.grids.length === 1) return { $schema: SCHEMA, title: p.title, data: { values: rows }, ...cell };
  const { width, height, ...inner } = cell;
  return {
    $schema: SCHEMA,
    title: p.title,
    data: { values: rows },
    facet: { row: { field: 'name', type: 'nominal', title: null, sort: p.grids.map((g) => g.name) } },
    spec: { width, height: Math.min(height, 160), ...inner },
  };
}

/** The last rows of the series and the forecast after them, with a rule where the forecast begins. */
export function futureSpec(p: {
  readonly title: string;
  readonly historyLabels: readonly string[];
  readonly historyValues: ArrayLike<number>;
  readonly labels: readonly string[];
  readonly values: ArrayLike<number>;
}): VegaLiteSpec {
  const temporal = p.labels.length > 0 && /^\d{4}-\d{2}-\d{2}/.test(p.labels[0]);
  const x = (l: string): string | number => (temporal ? l : Number(l));
  const type = temporal ? 'temporal' : 'quantitative';
  const rows: { x: string | number; value: number; series: string }[] = [];
  p.historyLabels.forEach((l, i) => rows.push({ x: x(l), value: p.historyValues[i], series: 'actual' }));
  // the forecast line starts at the last actual value, so the two lines join
  const n = p.historyLabels.length;
  if (n > 0) rows.push({ x: x(p.historyLabels[n - 1]), value: p.historyValues[n - 1], series: 'forecast' });
  p.labels.forEach((l, i) => rows.push({ x: x(l), value: p.values[i], series: 'forecast' }));
  const layers: VegaLiteSpec[] = [
    {
      mark: { type: 'line', strokeWidth: 1.5, point: p.labels.length <= 60 },
      encoding: {
        x: { field: 'x', type, title: temporal ? 'date' : 'step' },
        y: { field: 'value', type: 'quantitative', title: 'value', scale: { zero: false } },
        color: {
          field: 'series',
          type: 'nominal',
          title: null,
          scale: { domain: ['actual', 'forecast'], range: ['#1f4e79', '#e8702a'] },
        },
      },
    },
  ];
  if (n > 0) {
    layers.push({
      data: { values: [{ x: x(p.historyLabels[n - 1]) }] },
      mark: { type: 'rule', strokeDash: [4, 4], color: '#555' },
      encoding: { x: { field: 'x', type } },
    });
  }
  return { $schema: SCHEMA, title: p.title, width: 720, height: 260, data: { values: rows }, layer: layers };
}

/** Samples per class, as bars (the classify mode's data panel). */
export function classCountsSpec(
  labelColumn: string,
  counts: readonly (readonly [string, number])[],
): VegaLiteSpec {
  return {
    $schema: SCHEMA,
    title: `Texts per class (column '${labelColumn}')`,
    width: 360,
    height: Math.min(240, Math.max(40, counts.length * 22)),
    data: { values: counts.map(([cls, n]) => ({ cls, n })) },
    mark: { type: 'bar', color: '#1f4e79' },
    encoding: {
      y: { field: 'cls', type: 'nominal', title: null, sort: counts.map(([c]) => c) },
      x: { field: 'n', type: 'quantitative', title: 'texts' },
      tooltip: [
        { field: 'cls', title: 'class' },
        { field: 'n', title: 'texts' },
      ],
    },
  };
}
