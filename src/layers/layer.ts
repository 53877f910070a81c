/**
 * What every layer is to the model that holds it.
 *
 * Life cycle: `build(inputShape, ctx)` checks the input shape and returns the output shape;
 * `weightSpecs()` then lists the weights in Keras order; the model allocates all weights of all layers in
 * one contiguous array and hands each layer its views with `attach`. `forward` computes and keeps what
 * `backward` needs; `backward` ACCUMULATES into the gradient views (zeroing is the model's separate call)
 * and returns the gradient with respect to the input.
 *
 * Tensors returned by `forward` and `backward` are views of the layer's own buffers, valid until its next
 * call: a training loop allocates nothing per step. The model copies out what it hands to users.
 */
import type { StepMask } from './mask.js';
import { SeqcastError } from '../errors.js';
import type { Initializer } from '../initializers.js';
import type { Activation, Backend } from '../kernels/backend.js';
import { ACTIVATIONS } from '../kernels/backend.js';
import type { DType, FloatArray, Shape, Tensor } from '../tensor.js';
import { formatShape } from '../tensor.js';

export interface WeightSpec {
  /** Keras name: `kernel`, `recurrent_kernel`, `bias`; `forward/…`, `backward/…` inside Bidirectional. */
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: Initializer;
}

export interface BuildContext {
  readonly dtype: DType;
  readonly backend: Backend;
  /** The model's seed, from which a layer without a seed of its own seeds its dropout masks. */
  readonly seed?: number;
  /** The model's fixed batch size (Sequential's `batchSize`), which a stateful layer needs; absent: any. */
  readonly batchSize?: number;
}

export type LayerClass =
  | 'Dense'
  | 'Embedding'
  | 'SimpleRNN'
  | 'LSTM'
  | 'GRU'
  | 'Bidirectional'
  | 'Masking'
  | 'Dropout'
  | 'GlobalAveragePooling1D'
  | 'SpatialDropout1D'
  | 'TimeDistributed';

export interface Layer {
  /** Unique within a model; Keras style (`lstm`, `lstm_1`) when not given. */
  name: string;
  readonly className: LayerClass;
  build(inputShape: Shape, ctx: BuildContext): Shape;
  weightSpecs(): readonly WeightSpec[];
  attach(weights: readonly FloatArray[], grads: readonly FloatArray[]): void;
  /** `training`: the pass fit makes (dropout drops); otherwise inference (dropout is the identity). */
  forward(x: Tensor, training?: boolean): Tensor;
  backward(dy: Tensor): Tensor;
  /** Every option, defaults included, camelCase: what a saved model records. */
  getConfig(): Readonly<Record<string, unknown>>;
  /** A layer that reads a mask (recurrent ones) is given its input's before each forward pass (see mask.ts). */
  setInputMask?(mask: StepMask | null): void;
  /**
   * The mask of this layer's output, from its input (`x`, the masking layer) and its input's mask. A layer
   * without it passes the mask on when its output is a sequence as long as its input (Dense), else drops it.
   */
  outputMask?(inputMask: StepMask | null, x: Tensor): StepMask | null;
}

/** Keras's default layer name for a class (its `to_snake_case`): `SimpleRNN` → `simple_rnn`, `LSTM` → `lstm`. */
export function defaultLayerName(className: LayerClass): string {
  return className
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

// ---- option checks shared by the layer constructors ----------------------------------------------------

export function checkUnits(layer: string, units: unknown): number {
  if (typeof units !== 'number' || !Number.isInteger(units) || units < 1) {
    throw new SeqcastError('config', `${layer}: units must be an integer ≥ 1 (got ${String(units)})`);
  }
  return units;
}

export function checkActivation(
  layer: string,
  option: string,
  value: unknown,
  fallback: Activation,
): Activation {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (ACTIVATIONS as readonly string[]).includes(value))
    return value as Activation;
  if (value === 'softmax') {
    throw new SeqcastError(
      'config',
      `${layer}: ${option} cannot be 'softmax', which normalises over the last axis of a layer's output: use it as Dense's activation (dense({ units, activation: 'softmax' })); here use one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}`,
    );
  }
  throw new SeqcastError(
    'config',
    `${layer}: ${option} must be one of ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')} (got ${JSON.stringify(value)})`,
  );
}

export function checkBoolean(layer: string, option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new SeqcastError(
      'config',
      `${layer}: ${option} must be true or false (got ${JSON.stringify(value)})`,
    );
  }
  return value;
}

// ---- shape checks shared by forward passes --------------------------------------------------------------

/** Checks a call's input against the shape the layer was built for; returns the batch size. */
export function checkInput(layerName: string, x: Tensor, built: Shape, dtype: DType): number {
  const expected = [null, ...built];
  let ok = x.shape.length === expected.length;
  for (let a = 0; ok && a < expected.length; a++) {
    const e = expected[a];
    if (e !== null && x.shape[a] !== e) ok = false;
  }
  if (!ok) {
    throw new SeqcastError(
      'shape',
      `layer '${layerName}': input has shape ${formatShape(x.shape)} but the layer was built for ` +
        `${formatShape(expected)} (None = any length)`,
    );
  }
  const wantF64 = dtype === 'float64';
  if (wantF64 !== x.data instanceof Float64Array) {
    throw new SeqcastError(
      'shape',
      `layer '${layerName}': input is ${x.data instanceof Float64Array ? 'float64' : 'float32'} but the layer computes in ${dtype}`,
    );
  }
  return x.shape[0];
}
