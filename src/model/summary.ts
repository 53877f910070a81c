/**
 * A Keras-like summary table: each layer's name and class, output shape and parameter count.
 *
 *     Model: "sequential"
 *     ┌─────────────────────────┬──────────────┬─────────┐
 *     │ Layer (type)            │ Output Shape │ Param # │
 *     ├─────────────────────────┼──────────────┼─────────┤
 *     │ simple_rnn (SimpleRNN)  │ (None, 32)   │   1,088 │
 *     │ dense (Dense)           │ (None, 1)    │      33 │
 *     └─────────────────────────┴──────────────┴─────────┘
 *      Total params: 1,121
 */
import type { Shape } from '../tensor.js';

export interface SummaryRow {
  readonly name: string;
  readonly className: string;
  readonly outputShape: Shape;
  readonly params: number;
}

export function formatSummary(modelName: string, rows: readonly SummaryRow[]): string {
  const cells = rows.map((r) => [`${r.name} (${r.className})`, shapeText(r.outputShape), count(r.params)]);
  const head = ['Layer (type)', 'Output Shape', 'Param #'];
  const widths = head.map((h, c) => Math.max(h.length, ...cells.map((row) => row[c].length)));
  const line = (l: string, m: string, r: string): string =>
    `${l}${widths.map((w) => '─'.repeat(w + 2)).join(m)}${r}`;
  const row = (cols: string[]): string =>
    `│${cols.map((v, c) => ` ${c === 2 ? v.padStart(widths[c]) : v.padEnd(widths[c])} `).join('│')}│`;
  const total = rows.reduce((n, r) => n + r.params, 0);
  return [
    `Model: "${modelName}"`,
    line('┌', '┬', '┐'),
    row(head),
    line('├', '┼', '┤'),
    ...cells.map(row),
    line('└', '┴', '┘'),
    ` Total params: ${count(total)}`,
    ` Trainable params: ${count(total)}`,
    ` Non-trainable params: 0`,
  ].join('\n');
}

function shapeText(shape: Shape): string {
  return `(${['None', ...shape.map((d) => (d === null ? 'None' : String(d)))].join(', ')})`;
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}
