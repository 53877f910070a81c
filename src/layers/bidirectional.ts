/**
 * Bidirectional (Keras `Bidirectional`): two copies of a recurrent layer with their own weights, one
 * reading x_1..x_T and one reading x_T..x_1 (the wrapped layer's `goBackwards` flipped), merged.
 *
 * With returnSequences the backward copy's outputs are reversed back, so position t holds the backward state
 * after reading x_T..x_t; without, the backward part is its final state (after reading x_1). Merge modes
 * (f forward, b backward): concat [f, b] on the last axis (2U), sum f + b, mul f ⊙ b, ave (f + b) / 2.
 * Weights: the wrapped layer's, prefixed `forward/`, then the same prefixed `backward/`.
 *
 * Backward: concat splits dy; sum passes dy to both; mul gives df = dy ⊙ b, db = dy ⊙ f; ave dy / 2 to both;
 * dx = dx_forward + dx_backward.
 *
 * States, as in Keras: `call(x, initialState)` splits the list in half, the forward layer's states ([h] or
 * [h, c]) first, then the backward layer's; with a wrapped layer of `returnState: true`, `call` returns the
 * forward layer's final states then the backward layer's (the backward ones after reading x_1). A stateful
 * wrapped layer makes both halves stateful, each carrying its own final states; `resetStates` resets both.
 *
 * Keras's merge_mode None (the two directions as two outputs) is refused: a Sequential model carries one
 * output from layer to layer.
 */
import type { StepMask } from './mask.js';
import { SeqcastError } from '../errors.js';
import type { DType, FloatArray, Shape, Tensor } from '../tensor.js';
import type { RecurrentGradients, RecurrentOutput } from './recurrent.js';
import { allocate } from '../tensor.js';
import { checkOptions, listKeys, unknownKey } from '../options.js';
import type { ConfigOf, Json, LayerDescriptor, OptionSpec, OptionsOf } from './descriptor.js';
import { fail, isJson, KERAS_HEAD_KEYS, prefixed } from './descriptor.js';
import type { BuildContext, Layer, WeightSpec } from './layer.js';
import { Recurrent } from './recurrent.js';

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave';
export const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave'];

const TWO_OUTPUTS = 'null would make two outputs, which a sequential stack cannot pass on';

const MERGE_MODE: OptionSpec<MergeMode> = {
  keras: 'merge_mode',
  default: 'concat',
  check(where, key, v) {
    if (v === null) {
      fail(
        `${where}: ${key} null (Keras's two separate outputs) is not supported, because a Sequential model ` +
          `passes one output from layer to layer; use one of ${listKeys(MERGE_MODES)}`,
      );
    }
    if (!(MERGE_MODES as readonly unknown[]).includes(v)) {
      fail(`${where}: ${key} must be one of ${listKeys(MERGE_MODES)} (got ${JSON.stringify(v)})`);
    }
    return v as MergeMode;
  },
  fromKeras(where, v, key) {
    const mode = v === undefined ? 'concat' : v;
    if (!(MERGE_MODES as readonly unknown[]).includes(mode)) {
      fail(
        `${where} has ${key} ${JSON.stringify(mode)}; seqcast merges with ${listKeys(MERGE_MODES)} (${TWO_OUTPUTS})`,
      );
    }
    return mode as MergeMode;
  },
};

const BIDIRECTIONAL_OPTIONS = {
  /** How the two directions combine. Default 'concat' (as in Keras); Keras's null (two outputs) is refused. */
  mergeMode: MERGE_MODE,
};

export type BidirectionalConfig = ConfigOf<typeof BIDIRECTIONAL_OPTIONS>;
export type BidirectionalOptions = OptionsOf<typeof BIDIRECTIONAL_OPTIONS>;

/**
 * Bidirectional's descriptor. Besides its own options its configs hold the wrapped layer: camelCase
 * `layer: { className, config }`, Keras `layer: { class_name, config }` (and Keras 3's `backward_layer`,
 * accepted when it mirrors `layer`).
 */
export const BIDIRECTIONAL_LAYER: LayerDescriptor = {
  className: 'Bidirectional',
  fromConfig(config, readLayer) {
    const { layer, ...options } = config;
    const inner = layer as { type?: unknown; className?: unknown; config?: unknown } | undefined;
    const innerClass = inner?.className ?? inner?.type;
    if (!isJson(inner) || typeof innerClass !== 'string' || !isJson(inner.config)) {
      fail(
        'Bidirectional: config.layer must be { className (or type): "SimpleRNN" | "LSTM" | "GRU", config: {...} }',
      );
    }
    const wrapped = readLayer(innerClass, inner.config);
    if (!(wrapped instanceof Recurrent))
      fail(`Bidirectional: can only wrap SimpleRNN, LSTM or GRU (got ${innerClass})`);
    return new Bidirectional(wrapped, options as BidirectionalOptions);
  },
  toKeras(layer, writeLayer) {
    const bi = layer as Bidirectional;
    const inner = bi.forwardLayer;
    return {
      merge_mode: bi.mergeMode,
      layer: writeLayer(inner, inner.name.slice('forward_'.length)),
    };
  },
  fromKeras(config, where, readWrapped) {
    const known = [...KERAS_HEAD_KEYS, 'merge_mode', 'layer', 'backward_layer'];
    const key = unknownKey(config, known);
    if (key !== undefined) {
      fail(
        `${where} has key '${key}', which seqcast does not know; the keys it reads are ${known.join(', ')}`,
      );
    }
    const mergeMode = MERGE_MODE.fromKeras!(where, config.merge_mode, 'merge_mode');
    const inner = wrappedRecurrent(
      readWrapped(config.layer, `${where} layer`),
      config.layer,
      `${where} layer`,
    );
    inner.name = inner.name.startsWith('forward_') ? inner.name.slice('forward_'.length) : inner.name;
    const layer = prefixed(where, () => new Bidirectional(inner, { name: config.name as string, mergeMode }));
    if (config.backward_layer !== undefined && config.backward_layer !== null) {
      const at = `${where} backward_layer`;
      const other = wrappedRecurrent(readWrapped(config.backward_layer, at), config.backward_layer, at);
      const mirror = { ...inner.getConfig(), name: '', goBackwards: !inner.goBackwards };
      if (
        other.className !== inner.className ||
        JSON.stringify({ ...other.getConfig(), name: '' }) !== JSON.stringify(mirror)
      ) {
        fail(
          `${where} has a backward_layer that is not the mirror of its layer (same class and options, go_backwards flipped); ` +
            `seqcast's Bidirectional runs one layer both ways`,
        );
      }
    }
    return layer;
  },
};

function wrappedRecurrent(layer: Layer, entry: unknown, where: string): Recurrent {
  if (!(layer instanceof Recurrent)) {
    const cls = isJson(entry) ? entry.class_name : undefined;
    fail(`${where} has class ${JSON.stringify(cls)}; a Bidirectional wraps 'SimpleRNN', 'LSTM' or 'GRU'`);
  }
  return layer;
}

export class Bidirectional implements Layer {
  name: string;
  readonly className = 'Bidirectional' as const;
  readonly mergeMode: MergeMode;
  readonly forwardLayer: Recurrent;
  readonly backwardLayer: Recurrent;
  /** The wrapped layer's: `call` also returns the final states of both halves. */
  readonly returnState: boolean;
  /** The wrapped layer's: both halves carry their states from one call to the next. */
  readonly stateful: boolean;
  private dtype: DType = 'float32';
  private out: FloatArray = new Float32Array(0);
  private dF: FloatArray = new Float32Array(0);
  private dB: FloatArray = new Float32Array(0);
  private dx: FloatArray = new Float32Array(0);
  private f: Tensor | null = null;
  private b: Tensor | null = null;

  constructor(layer: Recurrent, options: BidirectionalOptions = {}) {
    checkOptions('Bidirectional', options, [...Object.keys(BIDIRECTIONAL_OPTIONS), 'name']);
    if (!(layer instanceof Recurrent)) {
      throw new SeqcastError('config', 'Bidirectional: the wrapped layer must be a SimpleRNN, LSTM or GRU');
    }
    this.mergeMode =
      options.mergeMode === undefined
        ? 'concat'
        : MERGE_MODE.check('Bidirectional', 'mergeMode', options.mergeMode);
    this.name = options.name ?? '';
    this.returnState = layer.returnState;
    this.stateful = layer.stateful;
    this.forwardLayer = layer.clone({ name: `forward_${layer.name || layer.className.toLowerCase()}` });
    this.backwardLayer = layer.clone({
      name: `backward_${layer.name || layer.className.toLowerCase()}`,
      goBackwards: !layer.goBackwards,
    });
    // Keras: with a mask, each half's output at a masked step is 0 when the layer returns sequences
    this.forwardLayer.zeroOutputForMask = this.forwardLayer.returnSequences;
    this.backwardLayer.zeroOutputForMask = this.backwardLayer.returnSequences;
  }

  /** The mask of the next forward pass, for both halves (the backward half reads it reversed, with its input). */
  setInputMask(mask: StepMask | null): void {
    this.forwardLayer.setInputMask(mask);
    this.backwardLayer.setInputMask(mask);
  }

  /** Its input's mask when it returns sequences, as Keras's Bidirectional.compute_mask. */
  outputMask(inputMask: StepMask | null): StepMask | null {
    return this.returnSequences ? inputMask : null;
  }

  get returnSequences(): boolean {
    return this.forwardLayer.returnSequences;
  }

  build(inputShape: Shape, ctx: BuildContext): Shape {
    this.dtype = ctx.dtype;
    let shape: Shape;
    try {
      shape = this.forwardLayer.build(inputShape, ctx);
      this.backwardLayer.build(inputShape, ctx);
    } catch (e) {
      if (e instanceof SeqcastError) {
        throw new SeqcastError(e.code, `layer '${this.name}' (Bidirectional): ${e.message}`);
      }
      throw e;
    }
    const U = this.forwardLayer.units;
    const merged = this.mergeMode === 'concat' ? 2 * U : U;
    return [...shape.slice(0, -1), merged];
  }

  weightSpecs(): readonly WeightSpec[] {
    return [
      ...this.forwardLayer.weightSpecs().map((s) => ({ ...s, name: `forward/${s.name}` })),
      ...this.backwardLayer.weightSpecs().map((s) => ({ ...s, name: `backward/${s.name}` })),
    ];
  }

  attach(weights: readonly FloatArray[], grads: readonly FloatArray[]): void {
    const n = this.forwardLayer.weightSpecs().length;
    this.forwardLayer.attach(weights.slice(0, n), grads.slice(0, n));
    this.backwardLayer.attach(weights.slice(n), grads.slice(n));
  }

  forward(x: Tensor, training = false): Tensor {
    return this.call(x, undefined, training).output;
  }

  /**
   * The forward pass with optional initial states: the forward layer's ([h] or [h, c], each [B, U]) then the
   * backward layer's, as Keras splits the list. With `returnState`, `states` holds the final states in the same
   * order.
   */
  // x [B, T, I]; f, b [B, T, U] (sequences) or [B, U]; out [B, T, U'] or [B, U'] with U' = 2U for concat
  call(x: Tensor, initialState?: readonly Tensor[], training = false): RecurrentOutput {
    const [initF, initB] = this.splitStates(initialState, 'initialState');
    const rf = this.forwardLayer.call(x, initF, training);
    const rb = this.backwardLayer.call(x, initB, training);
    const f = rf.output;
    const b = rb.output;
    this.f = f;
    this.b = b;
    const U = this.forwardLayer.units;
    const B = x.shape[0];
    const T = this.returnSequences ? x.shape[1] : 1;
    const W = this.mergeMode === 'concat' ? 2 * U : U;
    if (this.out.length < B * T * W) this.out = allocate(this.dtype, B * T * W);
    const out = this.out;
    const fd = f.data;
    const bd = b.data;
    for (let n = 0; n < B; n++) {
      for (let t = 0; t < T; t++) {
        const fo = (n * T + t) * U;
        const bo = (n * T + (T - 1 - t)) * U; // backward outputs re-reversed (T = 1 when not sequences)
        const o = (n * T + t) * W;
        switch (this.mergeMode) {
          case 'concat':
            for (let j = 0; j < U; j++) {
              out[o + j] = fd[fo + j];
              out[o + U + j] = bd[bo + j];
            }
            break;
          case 'sum':
            for (let j = 0; j < U; j++) out[o + j] = fd[fo + j] + bd[bo + j];
            break;
          case 'mul':
            for (let j = 0; j < U; j++) out[o + j] = fd[fo + j] * bd[bo + j];
            break;
          case 'ave':
            for (let j = 0; j < U; j++) out[o + j] = (fd[fo + j] + bd[bo + j]) / 2;
            break;
        }
      }
    }
    const shape = this.returnSequences ? [B, T, W] : [B, W];
    return { output: { shape, data: out.subarray(0, B * T * W) }, states: [...rf.states, ...rb.states] };
  }

  backward(dy: Tensor): Tensor {
    return this.backwardCall(dy).dx;
  }

  /**
   * Backward through the last `call`: `dOutput` has the merged output's shape (or is null); `dStates` the
   * final states' (forward then backward, entries may be null). Accumulates weight gradients; returns dL/dx
   * and dL/d(initial states), forward then backward.
   */
  backwardCall(dOutput: Tensor | null, dStates?: readonly (Tensor | null)[]): RecurrentGradients {
    if (this.f === null || this.b === null) {
      throw new SeqcastError('state', `layer '${this.name}': backward() called before forward()`);
    }
    const n = this.forwardLayer.cell.stateCount;
    if (dStates !== undefined && dStates.length !== 2 * n) {
      throw new SeqcastError(
        'shape',
        `layer '${this.name}' (Bidirectional): the state gradients must be ${2 * n} (forward then backward), got ${dStates.length}`,
      );
    }
    const dStatesF = dStates?.slice(0, n);
    const dStatesB = dStates?.slice(n);
    if (dOutput === null) {
      const fw = this.forwardLayer.backwardCall(null, dStatesF);
      const bw = this.backwardLayer.backwardCall(null, dStatesB);
      return this.sumDx(fw, bw);
    }
    const dy = dOutput;
    const U = this.forwardLayer.units;
    const B = this.f.shape[0];
    const T = this.returnSequences ? this.f.shape[1] : 1;
    const W = this.mergeMode === 'concat' ? 2 * U : U;
    if (dy.data.length !== B * T * W) {
      throw new SeqcastError(
        'shape',
        `layer '${this.name}': the output gradient holds ${dy.data.length} values, expected ${B * T * W}`,
      );
    }
    if (this.dF.length < B * T * U) {
      this.dF = allocate(this.dtype, B * T * U);
      this.dB = allocate(this.dtype, B * T * U);
    }
    const { dF, dB } = this;
    const fd = this.f.data;
    const bd = this.b.data;
    const g = dy.data;
    for (let n = 0; n < B; n++) {
      for (let t = 0; t < T; t++) {
        const fo = (n * T + t) * U;
        const bo = (n * T + (T - 1 - t)) * U;
        const o = (n * T + t) * W;
        switch (this.mergeMode) {
          case 'concat':
            for (let j = 0; j < U; j++) {
              dF[fo + j] = g[o + j];
              dB[bo + j] = g[o + U + j];
            }
            break;
          case 'sum':
            for (let j = 0; j < U; j++) dF[fo + j] = dB[bo + j] = g[o + j];
            break;
          case 'mul':
            for (let j = 0; j < U; j++) {
              dF[fo + j] = g[o + j] * bd[bo + j];
              dB[bo + j] = g[o + j] * fd[fo + j];
            }
            break;
          case 'ave':
            for (let j = 0; j < U; j++) dF[fo + j] = dB[bo + j] = g[o + j] / 2;
            break;
        }
      }
    }
    const size = B * T * U;
    const fw = this.forwardLayer.backwardCall({ shape: this.f.shape, data: dF.subarray(0, size) }, dStatesF);
    const bw = this.backwardLayer.backwardCall({ shape: this.b.shape, data: dB.subarray(0, size) }, dStatesB);
    return this.sumDx(fw, bw);
  }

  /**
   * Zeroes the states of both halves, or sets them to `states` (the forward layer's, then the backward
   * layer's, each [B, U]). Only for a stateful wrapped layer (Keras: "Layer must be stateful").
   */
  resetStates(states?: readonly Tensor[]): void {
    if (!this.stateful) {
      throw new SeqcastError(
        'state',
        `layer '${this.name}' (Bidirectional): resetStates() needs a stateful wrapped layer; this one keeps no states ` +
          `between calls — wrap a layer built with stateful: true`,
      );
    }
    const [f, b] = this.splitStates(states, 'resetStates()');
    this.forwardLayer.resetStates(f);
    this.backwardLayer.resetStates(b);
  }

  /** Keras 3's name for `resetStates`. */
  resetState(states?: readonly Tensor[]): void {
    this.resetStates(states);
  }

  /** Copies of both halves' states (forward then backward), or null when not stateful. */
  get states(): readonly Tensor[] | null {
    const f = this.forwardLayer.states;
    const b = this.backwardLayer.states;
    return f === null || b === null ? null : [...f, ...b];
  }

  /** Keras's split of a state list: the first half for the forward layer, the second for the backward one. */
  private splitStates(
    states: readonly Tensor[] | undefined,
    what: string,
  ): [readonly Tensor[] | undefined, readonly Tensor[] | undefined] {
    if (states === undefined) return [undefined, undefined];
    const n = this.forwardLayer.cell.stateCount;
    if (!Array.isArray(states) || states.length !== 2 * n) {
      const parts =
        n === 2
          ? '[h, c] of the forward layer, then [h, c] of the backward layer'
          : '[h] of the forward layer, then [h] of the backward layer';
      throw new SeqcastError(
        'shape',
        `layer '${this.name}' (Bidirectional): ${what} must hold ${2 * n} tensors (${parts}) but ` +
          `${Array.isArray(states) ? states.length : 'no list'} were given`,
      );
    }
    return [states.slice(0, n), states.slice(n)];
  }

  private sumDx(fw: RecurrentGradients, bw: RecurrentGradients): RecurrentGradients {
    const len = fw.dx.data.length;
    if (this.dx.length < len) this.dx = allocate(this.dtype, len);
    const dx = this.dx;
    for (let i = 0; i < len; i++) dx[i] = fw.dx.data[i] + bw.dx.data[i];
    return {
      dx: { shape: fw.dx.shape, data: dx.subarray(0, len) },
      dInitialState: [...fw.dInitialState, ...bw.dInitialState],
    };
  }

  getConfig(): BidirectionalConfig & {
    readonly name: string;
    readonly layer: { readonly className: string; readonly config: Json };
  } {
    const layer: Json = { ...this.forwardLayer.getConfig() };
    delete layer.name;
    return {
      name: this.name,
      mergeMode: this.mergeMode,
      layer: { className: this.forwardLayer.className, config: layer },
    };
  }
}

/** Runs a recurrent layer in both directions and merges the two: `bidirectional(lstm({ units: 32 }), { mergeMode: 'concat' })`. */
export function bidirectional(layer: Recurrent, options: BidirectionalOptions = {}): Bidirectional {
  return new Bidirectional(layer, options);
}
