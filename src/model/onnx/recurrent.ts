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
 * Masks: the mask's count of real steps per row is the node's `sequence_lens`. ONNX runs the first
 * `sequence_lens[b]` steps of row b, so this is seqcast's (Keras's) masked loop exactly when each row's
 * padding is at its end; for padding anywhere else the numbers differ (the README says so).
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

/** The value flowing between layers: its name, whether it is a sequence, and the mask it carries. */
export interface Flow {
  readonly x: string;
  readonly sequence: boolean;
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

/** The real-step count of each row, int32 [B], from a [B, T, 1] mask. */
export function sequenceLengths(g: OnnxGraph, mask: string): string {
  const [sum] = g.node('ReduceSum', [mask, g.ints([1, 2])], { keepdims: 0 });
  return g.node('Cast', [sum], { to: 6 }, 1, 'sequence_lens')[0];
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
  const lens = flow.mask === null ? '' : sequenceLengths(g, flow.mask);
  const [xt] = g.node('Transpose', [flow.x], { perm: [1, 0, 2] }, 1, 'time_major');
  const attrs: Record<string, AttrValue> = {
    hidden_size: U,
    direction: D === 2 ? 'bidirectional' : layer.goBackwards ? 'reverse' : 'forward',
    ...activationAttrs(kind, config, D),
  };
  if (kind === 'GRU') attrs.linear_before_reset = config.resetAfter === true ? 1 : 0;
  const Y = layer.returnSequences ? g.fresh(`${layer.name}_Y`) : '';
  const Yh = g.fresh(`${layer.name}_Y_h`);
  g.nodeTo(ONNX_OP[kind], [xt, W, R, B, lens], [Y, Yh], attrs);

  if (D === 2) return bidirectionalOutput(g, flow, bidirectional!, Y, Yh);
  if (!layer.returnSequences) {
    const [h] = g.node('Squeeze', [Yh, g.ints([0])], {}, 1, layer.name);
    return { x: h, sequence: false, mask: null };
  }
  // Y [T, 1, B, U] → [T, B, U]; goBackwards: Keras's outputs are in processing order, ONNX's in time order
  let [y] = g.node('Squeeze', [Y, g.ints([1])]);
  if (layer.goBackwards)
    [y] = g.node('Slice', [y, g.ints([-1]), g.ints([-(2 ** 53) + 1]), g.ints([0]), g.ints([-1])]);
  [y] = g.node('Transpose', [y], { perm: [1, 0, 2] }, 1, layer.name);
  if (flow.mask !== null && !layer.goBackwards) {
    // after a row's last real step Keras repeats the carried h (ONNX writes 0): Y_h, [1, B, U] → [B, 1, U]
    const [last] = g.node('Transpose', [Yh], { perm: [1, 0, 2] });
    const [real] = g.node('Cast', [flow.mask], { to: 9 });
    [y] = g.node('Where', [real, y, last], {}, 1, layer.name);
  }
  return { x: y, sequence: true, mask: flow.mask };
}

/** The merged output of a bidirectional node: Y [T, 2, B, U] or Y_h [2, B, U]. */
function bidirectionalOutput(g: OnnxGraph, flow: Flow, layer: Bidirectional, Y: string, Yh: string): Flow {
  const sequences = layer.forwardLayer.returnSequences;
  // sequences: [T, 2, B, U] → [B, T, 2, U]; last states: [2, B, U] → [B, 2, U]
  const [both] = sequences
    ? g.node('Transpose', [Y], { perm: [2, 0, 1, 3] })
    : g.node('Transpose', [Yh], { perm: [1, 0, 2] });
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
  return { x: out, sequence: sequences, mask: sequences ? flow.mask : null };
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
