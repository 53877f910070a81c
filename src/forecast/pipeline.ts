/** The pieces Forecaster is built from: the transformed matrix, the model, season lengths. */
import { bidirectional } from '../layers/bidirectional.js';
import { dense } from '../layers/dense.js';
import { gru } from '../layers/gru.js';
import type { Layer } from '../layers/layer.js';
import { lstm } from '../layers/lstm.js';
import { simpleRNN } from '../layers/simple-rnn.js';
import type { Sequential } from '../model/sequential.js';
import { sequential } from '../model/sequential.js';
import type { Frequency } from '../series/frequency.js';
import type { Transform } from '../series/transforms.js';
import type { ResolvedConfig } from './config.js';

/**
 * The transformed columns as one [rows, columns] row-major array. A missing level (NaN: a gap left by
 * `fillGaps('mask')`, or an empty value kept) makes every transformed value that reads it missing too: z_k
 * reads level k + lag and, with a lag, level k.
 */
export function transformed(
  levels: readonly Float64Array[],
  transform: Transform,
): { data: Float64Array; rows: number } {
  const cols = levels.map((l) => {
    if (!l.some(Number.isNaN)) return transform.forward(l);
    // the transform refuses NaN: transform a copy with a stand-in value, then mark what read a missing level
    const z = transform.forward(Float64Array.from(l, (v) => (Number.isNaN(v) ? 1 : v)));
    for (let k = 0; k < z.length; k++) {
      if (Number.isNaN(l[k + transform.lag]) || Number.isNaN(l[k])) z[k] = Number.NaN;
    }
    return z;
  });
  const rows = cols[0].length;
  const data = new Float64Array(rows * cols.length);
  cols.forEach((col, c) => col.forEach((v, r) => (data[r * cols.length + c] = v)));
  return { data, rows };
}

export function buildModel(cfg: ResolvedConfig, inputs: number): Sequential {
  const make = { simpleRNN, lstm, gru }[cfg.model.kind];
  const layers: Layer[] = [];
  for (let l = 0; l < cfg.model.layers; l++) {
    const cell = make({ units: cfg.model.units, returnSequences: l < cfg.model.layers - 1 });
    layers.push(cfg.model.bidirectional ? bidirectional(cell) : cell);
  }
  layers.push(dense({ units: cfg.horizon * cfg.target.length })); // [step 1: targets…, step 2: targets…, …]
  return sequential(layers, { inputShape: [cfg.window, inputs], seed: cfg.training.seed });
}

/** The usual season length for a frequency: 12 months, 4 quarters, 7 days, 5 business days, 52 weeks. */
export function seasonalPeriodOf(f: Frequency): number {
  if (f.step !== 1) return 1;
  switch (f.unit) {
    case 'month':
      return 12;
    case 'quarter':
      return 4;
    case 'week':
      return 52;
    case 'day':
      return 7;
    case 'businessDay':
      return 5;
    default:
      return 1;
  }
}
