/**
 * Texts read word by word, as Vega-Lite (plain objects, browser-safe; report/render.ts draws them in Node):
 * for each text, the model's probability if the text ended at each word (wordTrace), one panel per text; for
 * two classes the second class's probability with the 0.5 line, otherwise one line per class. With
 * `hidden`, a single text also gets a heatmap of the hidden state of every unit of each recurrent layer after
 * each word (a backward layer's after reading from the end of the text back to that word).
 */
import type { Trace } from '../explain/trace.js';
import type { VegaLiteSpec } from '../report/plots.js';
import { safeTitle } from '../report/plots.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const WIDTH = 560;

export interface WordPlotText {
  readonly text: string;
  readonly words: readonly string[];
  /** Per word: the class probabilities if the text ended there. */
  readonly probabilities: readonly (readonly number[])[];
  /** The trace of the whole text (for the hidden-state heatmap). */
  readonly trace?: Trace;
  /** A note after the text in its panel's title (e.g. "actual pos, predicted neg"). */
  readonly note?: string;
}

export interface WordPlotOptions {
  readonly title?: string;
  /** Add the hidden-state heatmap (one text only). */
  readonly hidden?: boolean;
  /** The model's input length: steps of the trace. */
  readonly inputLength?: number;
}

function short(text: string, max = 70): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

export function wordTracePlotSpec(
  classes: readonly string[],
  texts: readonly WordPlotText[],
  options: WordPlotOptions = {},
): VegaLiteSpec {
  const binary = classes.length === 2;
  const shown = binary ? [1] : classes.map((_, k) => k);
  const rows: { text: string; position: number; word: string; cls: string; p: number }[] = [];
  const panels = texts.map(
    (t, i) => `${i + 1}. “${short(t.text)}”${t.note === undefined ? '' : ` (${t.note})`}`,
  );
  texts.forEach((t, i) =>
    t.words.forEach((word, w) => {
      for (const k of shown)
        rows.push({ text: panels[i], position: w + 1, word, cls: classes[k], p: t.probabilities[w][k] });
    }),
  );
  const longest = Math.max(1, ...texts.map((t) => t.words.length));
  const x = {
    field: 'position',
    type: 'quantitative',
    title: 'words read',
    scale: { domain: [0.5, longest + 0.5] },
    axis: { tickMinStep: 1, format: 'd' },
  };
  const y = {
    field: 'p',
    type: 'quantitative',
    title: binary ? `p(${classes[1]}) if the text ended here` : 'p(class) if the text ended here',
    scale: { domain: [0, 1] },
  };
  const color = binary
    ? { value: '#1f4e79' }
    : { field: 'cls', type: 'nominal', title: 'class', sort: [...classes] };
  const layer: VegaLiteSpec[] = [
    { mark: { type: 'line', point: true }, encoding: { x, y, color } },
    {
      // each word above its point (for several classes, above the first class's)
      transform: [{ filter: { field: 'cls', equal: classes[shown[0]] } }],
      mark: { type: 'text', dy: -9, fontSize: 10, color: '#333' },
      encoding: { x, y, text: { field: 'word' } },
    },
  ];
  if (binary) {
    layer.unshift({
      mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
      encoding: { y: { datum: 0.5 } },
    });
  }
  const probability: VegaLiteSpec = {
    data: { values: rows },
    facet: {
      row: {
        field: 'text',
        type: 'nominal',
        sort: panels,
        title: null,
        header: { labelAngle: 0, labelAlign: 'left', labelOrient: 'top', labelFontSize: 11, labelLimit: 700 },
      },
    },
    spec: { width: Math.min(WIDTH, Math.max(240, longest * 40)), height: 140, layer },
  };
  const title = safeTitle(options.title ?? 'The model’s score as each word arrives');
  if (options.hidden !== true || texts.length !== 1 || texts[0].trace === undefined) {
    return { $schema: SCHEMA, title, ...probability };
  }
  return { $schema: SCHEMA, title, vconcat: [probability, hiddenHeatmap(texts[0], options.inputLength)] };
}

/** h per unit after each word, every recurrent layer (both halves of a Bidirectional one) stacked. */
function hiddenHeatmap(t: WordPlotText, inputLength: number | undefined): VegaLiteSpec {
  const n = t.words.length;
  const rows: { position: number; word: string; unit: string; h: number }[] = [];
  const order: string[] = [];
  for (const layer of t.trace!.layers) {
    if (layer.kind !== 'recurrent') continue;
    const back = layer.direction === 'backward';
    const L = inputLength ?? layer.steps.length;
    const units = layer.steps[0].values.h.length;
    const name = `${layer.layer}${back ? ' ←' : ''}`;
    for (let j = 0; j < units; j++) order.push(`${name} h[${j}]`);
    for (let i = 0; i < n; i++) {
      const h = layer.steps[back ? L - 1 - i : i].values.h;
      for (let j = 0; j < units; j++)
        rows.push({ position: i + 1, word: t.words[i], unit: `${name} h[${j}]`, h: h[j] });
    }
  }
  return {
    title: 'Hidden state after each word (← a backward layer: after reading from the end back to the word)',
    data: { values: rows },
    width: Math.min(WIDTH, Math.max(240, n * 40)),
    height: Math.min(640, Math.max(80, order.length * 6)),
    mark: 'rect',
    encoding: {
      x: {
        field: 'position',
        type: 'ordinal',
        title: 'word',
        axis: { labelExpr: wordLabels(t.words), labelAngle: 0 },
      },
      y: {
        field: 'unit',
        type: 'nominal',
        sort: order,
        title: 'unit',
        axis: order.length > 48 ? { labels: false, ticks: false } : { labelFontSize: 8, labelLimit: 240 },
      },
      color: {
        field: 'h',
        type: 'quantitative',
        title: 'h',
        scale: { scheme: 'redblue', reverse: true, domain: [-1, 1], domainMid: 0 },
      },
    },
  };
}

/** A Vega expression giving the word at each position (positions are the ordinal axis's values). */
function wordLabels(words: readonly string[]): string {
  return `${JSON.stringify(words)}[datum.value - 1]`;
}
