/**
 * SimpleRNN, LSTM, GRU and Bidirectional as ONNX `RNN`, `LSTM`, `GRU` nodes (opset 14+; layout 0, time-major,
 * which every onnxruntime provider runs). Weight layouts, with U units, I inputs and D directions:
 *
 *   seqcast (Keras)  kernel [I, G·U], recurrent_kernel [U, G·U], gate blocks along the last axis:
 *                    LSTM i, f, c, o;  GRU z, r, h;  SimpleRNN one block
 *   ONNX             W [D, G·U, I], R [D, G·U, U] (each block transposed), B [D, 2·G·U] = [Wb, Rb]:
 *                    LSTM i, o, f, c;  GRU z, r, h;  RNN one block
 *
 * GRU `resetAfter: true` is ONNX's `linear_before_reset = 1` with Wb, Rb the two bias rows; `resetAfter:
 * false` is `linear_before_reset = 0` with Rb = 0 (ONNX's h gate adds Rb_h outside the reset, Keras has no
 * recurrent bias there). Activations go in the `activations` attribute, per direction: LSTM (f, g, h) =
 * (recurrentActivation, activation, activation), GRU (f, g) = (recurrentActivation, activation), RNN (f) =
 * (activation); 'linear' is Affine(1, 0), the hard sigmoids HardSigmoid with Keras 3's (1/6, 0.5) or TF.js's
 * and Keras 2's (0.2, 0.5). `activation_alpha` / `activation_beta` hold the parameters of the activations
 * that take them, in the order of the activations (onnxruntime's reading, checked by test/onnx.test.ts).
 *
 * Masks: seqcast's (Keras's) masked loop skips the masked steps, carrying the state over them. ONNX's nodes
 * run the first `sequence_lens[b]` steps of row b, so the graph first moves each row's real steps to its
 * front, in order (`compact`: TopK on a key, GatherND), runs the node with `sequence_lens` = the count of real
 * steps, and, for sequence outputs, puts each output back at its step (`expand`): a masked step gets the
 * output of the last real step before it (Keras repeats the carried h), 0 before a row's first real step
 * (and at every masked step inside Bidirectional, which zeroes them). So any mask is exact — padding at the
 * end, at the start, or holes.
 */
import type { Activation } from '../../kernels/backend.js';
import { SeqcastError } from '../../errors.js';
import type { Bidirectional } from '../../layers/bidirectional.js';
import type { Recurrent } from '../../layers/recurrent.js';
import type { FloatArray } from '../../tensor.js';
import type { AttrValue, OnnxGraph } from './graph.js';

/** For each ONNX gate block, the Keras block it comes from. */
const GATE_ORDER: Readonly<Record<'SimpleRNN' | 'LSTM' | 'GRU', readonly number[]>> = {
  SimpleRNN: [0],
  LSTM: [0, 3, 1, 2],
  GRU: [0, 1, 2],
};

const ONNX_OP = { SimpleRNN: 'RNN', LSTM: 'LSTM', GRU: 'GRU' } as const;

/** A recurrent layer's weights by Keras name (`kernel`, `recurrent_kernel`, `bias`). */
export type CellWeights = ReadonlyMap<string, FloatArray>;

/** The value flowing between layers: its name and the mask it carries. */
export interface Flow {
  readonly x: string;
  /** float32 [B, T, 1], 1 for a real step; null without a mask. */
  readonly mask: string | null;
}

interface CellConfig {
  readonly activation: Activation;
  readonly recurrentActivation?: Activation;
  readonly useBias: boolean;
  readonly resetAfter?: boolean;
}

/** The ONNX activation of a seqcast activation, with its alpha and beta when it takes them. */
function onnxActivation(act: Activation): { name: string; alpha?: number; beta?: number } {
  switch (act) {
    case 'tanh':
      return { name: 'Tanh' };
    case 'sigmoid':
      return { name: 'Sigmoid' };
    case 'relu':
      return { name: 'Relu' };
    case 'linear':
      return { name: 'Affine', alpha: 1, beta: 0 };
    case 'hardSigmoid':
      return { name: 'HardSigmoid', alpha: 1 / 6, beta: 0.5 };
    case 'hardSigmoidTfjs':
      return { name: 'HardSigmoid', alpha: 0.2, beta: 0.5 };
  }
}

/** The activations attributes of one node (`directions` copies of the cell's list). */
function activationAttrs(
  kind: keyof typeof ONNX_OP,
  config: CellConfig,
  directions: number,
): Record<string, AttrValue> {
  const ract = config.recurrentActivation ?? 'sigmoid';
  const one =
    kind === 'LSTM'
      ? [ract, config.activation, config.activation]
      : kind === 'GRU'
        ? [ract, config.activation]
        : [config.activation];
  const acts = Array.from({ length: directions }, () => one)
    .flat()
    .map(onnxActivation);
  const attrs: Record<string, AttrValue> = { activations: acts.map((a) => a.name) };
  const alpha = acts.filter((a) => a.alpha !== undefined).map((a) => a.alpha!);
  const beta = acts.filter((a) => a.beta !== undefined).map((a) => a.beta!);
  if (alpha.length > 0) attrs.activation_alpha = { floats: alpha };
  if (beta.length > 0) attrs.activation_beta = { floats: beta };
  return attrs;
}

/** W [G·U, I], R [G·U, U] and B [2·G·U] of one direction, in ONNX's gate order. */
function directionWeights(
  kind: keyof typeof ONNX_OP,
  config: CellConfig,
  units: number,
  inputs: number,
  weights: CellWeights,
  where: string,
): { W: Float32Array; R: Float32Array; B: Float32Array } {
  const order = GATE_ORDER[kind];
  const G = order.length;
  const U = units;
  const kernel = need(weights, 'kernel', where);
  const recurrent = need(weights, 'recurrent_kernel', where);
  const W = new Float32Array(G * U * inputs);
  const R = new Float32Array(G * U * U);
  const B = new Float32Array(2 * G * U);
  order.forEach((k, g) => {
    for (let j = 0; j < U; j++) {
      const row = g * U + j;
      const col = k * U + j;
      for (let i = 0; i < inputs; i++) W[row * inputs + i] = kernel[i * G * U + col];
      for (let i = 0; i < U; i++) R[row * U + i] = recurrent[i * G * U + col];
    }
  });
  if (config.useBias) {
    const bias = need(weights, 'bias', where);
    const twoRows = kind === 'GRU' && config.resetAfter === true; // [2, 3U]: input bias, recurrent bias
    order.forEach((k, g) => {
      for (let j = 0; j < U; j++) {
        B[g * U + j] = bias[k * U + j];
        if (twoRows) B[G * U + g * U + j] = bias[G * U + k * U + j];
      }
    });
  }
  return { W, R, B };
}

function need(weights: CellWeights, name: string, where: string): FloatArray {
  const w = weights.get(name);
  if (w === undefined) throw new SeqcastError('weights', `${where}: weight '${name}' is missing`);
  return w;
}

/**
 * The masked steps taken out: each row's real steps moved to its front in their order (a stable sort on
 * (real first, then time), by TopK on mask·T + (T − 1 − t)), the rest behind them, and the count of real
 * steps (`sequence_lens`, int32 [B]). `count` [B, T, 1] int64 is the number of real steps up to and including
 * step t, which maps the compacted outputs back to the steps of the row; `real` [B, T, 1] bool is the mask.
 */
interface Compacted {
  readonly x: string;
  readonly lens: string;
  readonly real: string;
  readonly count: string;
}

function compact(g: OnnxGraph, x: string, mask: string): Compacted {
  const [m] = g.node('Squeeze', [mask, g.ints([2])]); // [B, T] float, 1 = real
  const [shape] = g.node('Shape', [x]);
  const [T] = g.node('Gather', [shape, g.ints([1])], { axis: 0 }); // [1] int64
  const [Tscalar] = g.node('Squeeze', [T]);
  const [steps] = g.node('Range', [g.scalarInt(0), Tscalar, g.scalarInt(1)]);
  const [t] = g.node('Cast', [steps], { to: 1 });
  const [Tf] = g.node('Cast', [Tscalar], { to: 1 });
  const [lastStep] = g.node('Sub', [Tf, g.scalar(1)]);
  const [later] = g.node('Sub', [lastStep, t]); // T − 1 − t
  const [realFirst] = g.node('Mul', [m, Tf]);
  const [key] = g.node('Add', [realFirst, later]);
  const [, order] = g.node('TopK', [key, T], { axis: 1, largest: 1, sorted: 1 }, 2, 'order');
  const [at] = g.node('Unsqueeze', [order, g.ints([2])]);
  const [xc] = g.node('GatherND', [x, at], { batch_dims: 1 }, 1, 'compacted');
  const [sum] = g.node('ReduceSum', [m, g.ints([1])], { keepdims: 0 });
  const [lens] = g.node('Cast', [sum], { to: 6 }, 1, 'sequence_lens');
  const [mi] = g.node('Cast', [mask], { to: 7 });
  const [count] = g.node('CumSum', [mi, g.scalarInt(1)]);
  const [real] = g.node('Cast', [mask], { to: 9 });
  return { x: xc, lens, real, count };
}

/**
 * The outputs of the compacted steps, `y` [B, T, …] in compacted order, at the steps of the row: step t reads
 * compacted step `index` [B, T, 1] where `valid`, else 0.
 */
function expand(g: OnnxGraph, y: string, index: string, valid: string, name: string): string {
  const [at] = g.node('GatherND', [y, index], { batch_dims: 1 });
  return g.node('Where', [valid, at, g.scalar(0)], {}, 1, name)[0];
}

/** The compacted index of the last real step up to t (its output is the carried state); 0 before the first. */
function lastRealIndex(g: OnnxGraph, c: Compacted): string {
  const [minus] = g.node('Sub', [c.count, g.scalarInt(1)]);
  return g.node('Max', [minus, g.scalarInt(0)])[0];
}

/**
 * Emits one recurrent layer (D = 1) or a Bidirectional (D = 2) over `flow` ([B, T, I]); returns the layer's
 * output flow. `directions[d]` holds direction d's weights; `inputs` is I.
 */
export function recurrentNodes(
  g: OnnxGraph,
  flow: Flow,
  layer: Recurrent,
  bidirectional: Bidirectional | null,
  directions: readonly CellWeights[],
  inputs: number,
): Flow {
  const kind = layer.className as keyof typeof ONNX_OP;
  const where = `layer '${(bidirectional ?? layer).name}' (${(bidirectional ?? layer).className})`;
  const config = layer.getConfig() as unknown as CellConfig;
  const U = layer.units;
  const D = directions.length;
  const parts = directions.map((w) => directionWeights(kind, config, U, inputs, w, where));
  const G = GATE_ORDER[kind].length;
  const W = g.floats(`${layer.name}_W`, [D, G * U, inputs], concat(parts.map((p) => p.W)));
  const R = g.floats(`${layer.name}_R`, [D, G * U, U], concat(parts.map((p) => p.R)));
  const B = config.useBias ? g.floats(`${layer.name}_B`, [D, 2 * G * U], concat(parts.map((p) => p.B))) : '';
  const c = flow.mask === null ? null : compact(g, flow.x, flow.mask);
  const [xt] = g.node('Transpose', [c?.x ?? flow.x], { perm: [1, 0, 2] }, 1, 'time_major');
  const attrs: Record<string, AttrValue> = {
    hidden_size: U,
    direction: D === 2 ? 'bidirectional' : layer.goBackwards ? 'reverse' : 'forward',
    ...activationAttrs(kind, config, D),
  };
  if (kind === 'GRU') attrs.linear_before_reset = config.resetAfter === true ? 1 : 0;
  const Y = layer.returnSequences ? g.fresh(`${layer.name}_Y`) : '';
  const Yh = g.fresh(`${layer.name}_Y_h`);
  g.nodeTo(ONNX_OP[kind], [xt, W, R, B, c?.lens ?? ''], [Y, Yh], attrs);

  if (D === 2) return bidirectionalOutput(g, flow, c, bidirectional!, Y, Yh);
  if (!layer.returnSequences) {
    const [h] = g.node('Squeeze', [Yh, g.ints([0])], {}, 1, layer.name);
    return { x: h, mask: null };
  }
  // Y [T, 1, B, U] → [T, B, U]
  const [ySqueezed] = g.node('Squeeze', [Y, g.ints([1])]);
  if (c === null) {
    // goBackwards: Keras's outputs are in processing order (step T first), ONNX's in time order
    const [yt] = layer.goBackwards ? g.node('Slice', [ySqueezed, ...reverseTime(g, 0)]) : [ySqueezed];
    const [y] = g.node('Transpose', [yt], { perm: [1, 0, 2] }, 1, layer.name);
    return { x: y, mask: null };
  }
  const [yc] = g.node('Transpose', [ySqueezed], { perm: [1, 0, 2] }); // [B, T, U], compacted order
  if (!layer.goBackwards) {
    // step t: the output of the last real step up to t (Keras repeats the carried h); 0 before the first
    const [valid] = g.node('Greater', [c.count, g.scalarInt(0)]);
    return { x: expand(g, yc, lastRealIndex(g, c), valid, layer.name), mask: flow.mask };
  }
  // goBackwards, step T−1−t processed first: at step t the state after the real steps from t on, which is
  // ONNX's reverse pass at compacted step (real steps before t); 0 where no real step lies at or after t
  const [mi] = g.node('Cast', [flow.mask!], { to: 7 });
  const [before] = g.node('Sub', [c.count, mi]);
  const [lens2] = g.node('Unsqueeze', [c.lens, g.ints([1, 2])]);
  const [total] = g.node('Cast', [lens2], { to: 7 });
  const [valid] = g.node('Less', [before, total]);
  const y = expand(g, yc, before, valid, `${layer.name}_in_time`);
  const [out] = g.node('Slice', [y, ...reverseTime(g, 1)], {}, 1, layer.name);
  return { x: out, mask: flow.mask };
}

/** Slice's starts, ends, axes and steps that reverse axis `axis`. */
function reverseTime(g: OnnxGraph, axis: number): string[] {
  return [g.ints([-1]), g.ints([-(2 ** 53) + 1]), g.ints([axis]), g.ints([-1])];
}

/** The merged output of a bidirectional node: Y [T, 2, B, U] or Y_h [2, B, U]. */
function bidirectionalOutput(
  g: OnnxGraph,
  flow: Flow,
  c: Compacted | null,
  layer: Bidirectional,
  Y: string,
  Yh: string,
): Flow {
  const sequences = layer.forwardLayer.returnSequences;
  // sequences: [T, 2, B, U] → [B, T, 2, U]; last states: [2, B, U] → [B, 2, U]
  let [both] = sequences
    ? g.node('Transpose', [Y], { perm: [2, 0, 1, 3] })
    : g.node('Transpose', [Yh], { perm: [1, 0, 2] });
  if (sequences && c !== null) {
    // both halves at the real steps (forward: the output of step t; backward: the state from t on, which
    // ONNX's reverse pass gives at the same compacted step), 0 at the masked ones (Keras zeroes them)
    const [real] = g.node('Unsqueeze', [c.real, g.ints([3])]);
    both = expand(g, both, lastRealIndex(g, c), real, `${layer.name}_steps`);
  }
  const axis = sequences ? 2 : 1;
  let out: string;
  if (layer.mergeMode === 'concat') {
    [out] = g.node('Reshape', [both, g.ints(sequences ? [0, 0, -1] : [0, -1])], {}, 1, layer.name);
  } else {
    const [f, b] = g.node('Split', [both], { axis }, 2);
    let [m] = layer.mergeMode === 'mul' ? g.node('Mul', [f, b]) : g.node('Add', [f, b]);
    if (layer.mergeMode === 'ave') [m] = g.node('Div', [m, g.scalar(2)]);
    [out] = g.node('Squeeze', [m, g.ints([axis])], {}, 1, layer.name);
  }
  return { x: out, mask: sequences ? flow.mask : null };
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
