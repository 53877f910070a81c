// wordTracePlotSpec: the rows it plots, per class and per word, and the hidden-state heatmap's word order
// for a backward layer (its step s reads position L − s + 1).
import { describe, expect, it } from 'vitest';
import type { Trace } from '../src/explain/trace.js';
import { wordTracePlotSpec } from '../src/classify/word-plot.js';
import { renderSvg } from '../src/report/render.js';

type Rows = { values: Record<string, unknown>[] };

const words = ['not', 'bad', 'at'];
const probabilities = [
  [0.7, 0.3],
  [0.4, 0.6],
  [0.2, 0.8],
];
/** A Bidirectional trace with L = 5 steps (3 words, then 2 of padding) and 2 units; h = step number ± unit. */
function bidirectionalTrace(L: number): Trace {
  const steps = (sign: number) =>
    Array.from({ length: L }, (_, s) => ({
      t: s + 1,
      x: [],
      values: { h: [sign * (s + 1) * 0.1, sign * (s + 1) * 0.1 + 0.01] },
    }));
  return {
    layers: [
      { kind: 'recurrent', layer: 'bi/forward', className: 'LSTM', direction: 'forward', steps: steps(1) },
      { kind: 'recurrent', layer: 'bi/backward', className: 'LSTM', direction: 'backward', steps: steps(-1) },
      { kind: 'dense', layer: 'dense', output: [0.8] },
    ],
    output: [0.8],
  };
}

describe('wordTracePlotSpec(classes, texts, options)', () => {
  it('plots the second class’s probability per word for two classes, one panel per text', () => {
    const spec = wordTracePlotSpec(
      ['neg', 'pos'],
      [
        { text: 'not bad at', words, probabilities },
        { text: 'fine', words: ['fine'], probabilities: [[0.1, 0.9]], note: 'actual pos, predicted pos' },
      ],
    );
    const rows = (spec.data as Rows).values;
    expect(rows.map((r) => [r.text, r.position, r.word, r.cls, r.p])).toEqual([
      ['1. “not bad at”', 1, 'not', 'pos', 0.3],
      ['1. “not bad at”', 2, 'bad', 'pos', 0.6],
      ['1. “not bad at”', 3, 'at', 'pos', 0.8],
      ['2. “fine” (actual pos, predicted pos)', 1, 'fine', 'pos', 0.9],
    ]);
    expect((spec.facet as { row: { sort: string[] } }).row.sort).toEqual([
      '1. “not bad at”',
      '2. “fine” (actual pos, predicted pos)',
    ]);
  });

  it('plots one line per class for three classes', () => {
    const spec = wordTracePlotSpec(
      ['a', 'b', 'c'],
      [
        {
          text: 'x y',
          words: ['x', 'y'],
          probabilities: [
            [0.2, 0.3, 0.5],
            [0.6, 0.3, 0.1],
          ],
        },
      ],
    );
    const rows = (spec.data as Rows).values;
    expect(rows.map((r) => `${r.word}:${r.cls}=${r.p}`)).toEqual([
      'x:a=0.2',
      'x:b=0.3',
      'x:c=0.5',
      'y:a=0.6',
      'y:b=0.3',
      'y:c=0.1',
    ]);
  });

  it('with hidden: the heatmap gives each word the state after it, the backward layer’s read from the end', async () => {
    const spec = wordTracePlotSpec(
      ['neg', 'pos'],
      [{ text: 'not bad at', words, probabilities, trace: bidirectionalTrace(5) }],
      { hidden: true, inputLength: 5 },
    );
    const [, heat] = spec.vconcat as { data: Rows }[];
    const h = (unit: string, position: number): unknown =>
      heat.data.values.find((r) => r.unit === unit && r.position === position)?.h;
    // forward: word i after step i
    expect([1, 2, 3].map((i) => h('bi/forward h[0]', i))).toEqual([0.1, 0.2, 0.30000000000000004]);
    // backward, L = 5: word 1 after step 5, word 3 after step 3 (the padding steps 1–2 come first)
    expect([1, 2, 3].map((i) => h('bi/backward ← h[1]', i))).toEqual([-0.49, -0.39, -0.29000000000000004]);
    expect(heat.data.values).toHaveLength(2 * 2 * 3);
    // Vega-Lite compiles it and Vega draws it
    expect(await renderSvg(spec)).toContain('Hidden state after each word');
  });
});
