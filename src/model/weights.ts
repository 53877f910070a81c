/**
 * Sample and class weights for fit and evaluate, with Keras 3's semantics:
 *
 * - `sampleWeight`: one weight ≥ 0 per sample. A sample's loss is multiplied by its weight and the batch
 *   loss is the weighted sum divided by the number of rows (`sum_over_batch_size`, keras/src/losses/loss.py),
 *   not by the sum of the weights. For sequence outputs the weight applies to every time step.
 * - `classWeight`: `{ class: weight }`, turned into sample weights as
 *   keras/src/trainers/data_adapters/data_adapter_utils.py `class_weight_to_sample_weights` does: the class
 *   of a sample is its integer label (sparse), the argmax of a one-hot target (more than one output unit), or
 *   round(target) for one output unit (binary: classes 0 and 1); a class not in the map weighs 1. Only for
 *   one output row per sample, and not together with `sampleWeight` (Keras refuses both at once).
 *
 * Metrics are never weighted (Keras's `metrics`, not `weighted_metrics`).
 */
import { SeqcastError } from '../errors.js';
import type { StepMask } from '../layers/mask.js';
import type { Tensor } from '../tensor.js';
import { formatShape } from '../tensor.js';

export type SampleWeightLike = ArrayLike<number>;
export type ClassWeight = Readonly<Record<number, number>>;

/** Checks a sampleWeight for N samples; returns it as a Float64Array. */
export function checkSampleWeight(sw: unknown, N: number, label: string): Float64Array {
  if (sw === null || typeof sw !== 'object' || typeof (sw as ArrayLike<number>).length !== 'number') {
    throw new SeqcastError(
      'config',
      `${label}: sampleWeight must be an array of one number per sample (got ${describe(sw)})`,
    );
  }
  const a = sw as ArrayLike<unknown>;
  if (a.length !== N) {
    throw new SeqcastError(
      'shape',
      `${label}: sampleWeight has ${a.length} weights but x has ${N} samples; give one per sample`,
    );
  }
  const out = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const w = a[i];
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw new SeqcastError(
        'config',
        `${label}: sampleWeight[${i}] is ${shown(w)}; sample weights must be finite numbers ≥ 0`,
      );
    }
    out[i] = w;
  }
  return out;
}

/**
 * Per-sample weights from a classWeight map and the targets Y ([N, C] one-hot or [N, 1], or [N] labels when
 * `sparse`), for an output of C = `width` units (C = 1: the binary classes 0 and 1).
 */
export function classWeightToSampleWeights(
  cw: unknown,
  Y: Tensor,
  width: number,
  rowsPerSample: number,
  sparse: boolean,
  label: string,
): Float64Array {
  if (cw === null || typeof cw !== 'object' || Array.isArray(cw)) {
    throw new SeqcastError(
      'config',
      `${label}: classWeight must be an object { class: weight } such as { 0: 1, 1: 5 } (got ${describe(cw)})`,
    );
  }
  if (rowsPerSample !== 1) {
    throw new SeqcastError(
      'config',
      `${label}: classWeight needs one output row per sample, but the model outputs ${formatShape(Y.shape)} targets; weight sequence outputs with sampleWeight`,
    );
  }
  const classes = width === 1 ? 2 : width;
  const table = new Float64Array(classes).fill(1);
  for (const [k, w] of Object.entries(cw as Record<string, unknown>)) {
    const c = Number(k);
    if (!/^\d+$/.test(k) || c >= classes) {
      throw new SeqcastError(
        'config',
        `${label}: classWeight has class ${JSON.stringify(k)}, but the model's ${width === 1 ? 'one output unit has' : `${width} output units have`} classes 0 to ${classes - 1}`,
      );
    }
    if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
      throw new SeqcastError(
        'config',
        `${label}: classWeight[${k}] is ${shown(w)}; class weights must be finite numbers ≥ 0`,
      );
    }
    table[c] = w;
  }
  const N = Y.shape[0];
  const per = Y.data.length / N;
  const out = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let c: number;
    if (sparse || per === 1) c = Math.round(Y.data[i * per]);
    else {
      c = 0;
      for (let j = 1; j < per; j++) if (Y.data[i * per + j] > Y.data[i * per + c]) c = j;
    }
    // A class outside the table (a regression target rounded, say) weighs 1, as dict.get(c, 1.0) gives.
    out[i] = c >= 0 && c < classes ? table[c] : 1;
  }
  return out;
}

/** Fills `rows` with the weight of each row of the batch of samples `pick(0) … pick(n−1)`. */
export function batchRowWeights(
  weights: Float64Array,
  pick: (r: number) => number,
  n: number,
  rowsPerSample: number,
  rows: Float64Array,
): Float64Array {
  for (let r = 0; r < n; r++) rows.fill(weights[pick(r)], r * rowsPerSample, (r + 1) * rowsPerSample);
  return rows.subarray(0, n * rowsPerSample);
}

function shown(v: unknown): string {
  return typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v));
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : (JSON.stringify(v) ?? typeof v);
}

/**
 * The row weights of a loss over a sequence output that carries a mask (Keras's apply_mask,
 * keras/src/losses/loss.py): row (b, t) weighs mask[b, t] · total / valid · weights[r], total = B·T,
 * valid = Σ mask (0 when no step is real), so that the reduction Σ w·l / total is the mean of l over the
 * real steps. `weights` (sample or class weights per row, or null) is returned as is without a mask.
 */
export function maskedRowWeights(
  mask: StepMask | null,
  weights: Float64Array | null,
  rows: number,
  where: string,
): Float64Array | null {
  if (mask === null) return weights;
  const total = mask.batch * mask.steps;
  if (rows !== total) {
    throw new SeqcastError('shape', `${where}: the output has ${rows} rows but its mask ${total} steps`);
  }
  let valid = 0;
  for (let r = 0; r < total; r++) valid += mask.data[r];
  const scale = valid === 0 ? 0 : total / valid;
  const out = new Float64Array(total);
  for (let r = 0; r < total; r++) out[r] = mask.data[r] * scale * (weights === null ? 1 : weights[r]);
  return out;
}
