/**
 * The recurrent layer: everything a SimpleRNN, LSTM and GRU share. It owns the layout (batch-major
 * [B, T, I] outside, time-major [T, B, I] for the cell), `goBackwards` (the cell reads step T first; the
 * outputs stay in processing order, as in Keras), `returnSequences`, `returnState`, initial states and
 * `stateful`. The cell owns the equations and the products over all steps; each time step is the backend's
 * step (src/kernels/backend.ts, the step contract).
 *
 * Stateful (Keras `stateful`): the layer keeps [B, U] states (B the model's fixed batch size), hands them to
 * the cell as the initial state (block 0 of its state buffers) when `call` is given none, and copies block T
 * back after the forward pass: with a mask that is the masked rule's state, so a row masked throughout keeps
 * its state. The carried state is a constant to the backward pass (Keras keeps it in a non-trainable
 * variable): no gradient crosses from one batch to the next. `resetStates()` zeroes it or sets given values.
 *
 * `recurrentBias` (PyTorch's two biases, recurrent-options.ts) is the layer's, not the cell's (split-bias.ts):
 * the cells and the backends' kernels are unchanged, and a layer without it is exactly what it was.
 *
 * The options all three share, with their Keras names, defaults and checks, are in recurrent-options.ts.
 */
import { SeqcastError } from '../errors.js';
import type { DType, FloatArray, Shape, Tensor } from '../tensor.js';
import { allocate, copyRows, firstNonFinite, formatShape } from '../tensor.js';
import type { RecurrentCell } from './cell.js';
import { Workspace } from './cell.js';
import { SplitBias, withRecurrentBias } from './split-bias.js';
import type { Initializer } from '../initializers.js';
import type { BuildContext, Layer, LayerClass, WeightSpec } from './layer.js';
import { checkInput } from './layer.js';
import type { RecurrentConfig } from './recurrent-options.js';
import { RECURRENT_INITIALIZER_DRAWS } from './recurrent-options.js';
import type { StepMask } from './mask.js';
import { timeMajorMask } from './mask.js';
import { drawDropoutMask, dropoutRandom } from './dropout-mask.js';
import type { Random } from '../random.js';

/** `call`'s result: the output and, with `returnState`, the final states ([h] or [h, c], each [B, U]). */
export interface RecurrentOutput {
  readonly output: Tensor;
  readonly states: readonly Tensor[];
}

/** `backwardCall`'s result: gradients with respect to the input and to the initial states. */
export interface RecurrentGradients {
  readonly dx: Tensor;
  readonly dInitialState: readonly Tensor[];
}

export abstract class Recurrent<
  C extends RecurrentCell = RecurrentCell,
  K extends RecurrentConfig = RecurrentConfig,
> implements Layer {
  name: string;
  abstract readonly className: LayerClass;
  readonly cell: C;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly stateful: boolean;
  private readonly config: K;
  /** PyTorch's second bias (SimpleRNN and LSTM's `recurrentBias`; see the module comment). */
  private readonly recurrentBias: boolean;
  private inputShape: Shape | null = null;
  private dtype: DType = 'float32';
  private ws!: Workspace<'x' | 'dx' | 'dxOut' | 'out' | 'dh' | 'state' | 'dState0'>;
  private T = 0;
  private B = 0;
  /** The mask the next call reads (set by Sequential or Bidirectional); null: every step is real. */
  private inputMask: StepMask | null = null;
  /** The mask of the last call, time-major in processing order, and its backing store. */
  private stepMask: Uint8Array | null = null;
  private stepMaskStore: Uint8Array = new Uint8Array(0);
  /** Each row's first real step in the last call (see findFirstRealSteps). */
  private firstReal: Int32Array = new Int32Array(0);
  /**
   * With a mask and returnSequences: the output at a masked step is 0 instead of the carried h_{t−1}
   * (Keras's zero_output_for_mask, which Bidirectional forces on its halves). Not a user option here.
   */
  zeroOutputForMask = false;
  /**
   * Set by predictStep's one-step layers: every call continues the sequence of the previous one, so a masked
   * step before the call's first real step repeats the last output (the carried h) instead of Keras's 0 at
   * the start of a call. Not a user option.
   */
  continuesSequence = false;
  /** Dropout of the inputs in training (see dropout-mask.ts): its generator, and the mask of the last call. */
  private dropoutRng: Random | null = null;
  private dropMask: FloatArray | null = null;
  private dropMaskStore: FloatArray = new Float32Array(0);
  /** A stateful layer's states ([h] or [h, c], each [B, U] for its fixed batch size B), or null. */
  private carried: FloatArray[] | null = null;
  private carriedBatch = 0;
  /** With recurrentBias: the two biases the cell reads as one (split-bias.ts). */
  private biases: SplitBias | null = null;

  /** `config` is complete and checked: the layer's descriptor resolved it. */
  protected constructor(cell: C, config: K & { readonly name: string }) {
    const { name, ...rest } = config;
    this.cell = cell;
    this.config = rest as unknown as K;
    this.name = name;
    this.returnSequences = config.returnSequences;
    this.returnState = config.returnState;
    this.goBackwards = config.goBackwards;
    this.stateful = config.stateful;
    this.recurrentBias = (config as { readonly recurrentBias?: boolean }).recurrentBias === true;
    if (this.recurrentBias && !config.useBias) {
      throw new SeqcastError(
        'config',
        `${config.name || 'a recurrent layer'}: recurrentBias needs useBias true (it is a second bias added to the first)`,
      );
    }
    if (config.initialization === 'pytorch' && config.recurrentInitializer !== 'orthogonal') {
      throw new SeqcastError(
        'config',
        `${config.name || 'a recurrent layer'}: initialization 'pytorch' draws every weight, the recurrent kernel too; ` +
          `leave out recurrentInitializer ${JSON.stringify(config.recurrentInitializer)} or use initialization 'keras'`,
      );
    }
  }

  get units(): number {
    return this.cell.units;
  }

  build(inputShape: Shape, ctx: BuildContext): Shape {
    if (inputShape.length !== 2 || inputShape[1] === null) {
      throw new SeqcastError(
        'shape',
        `layer '${this.name}' (${this.className}) expects input of shape [batch, timesteps, features] ` +
          `but received ${formatShape([null, ...inputShape])}; a recurrent layer needs 3-D input — ` +
          `reshape a series to [samples, timesteps, features], or set returnSequences: true on the recurrent layer before it`,
      );
    }
    const [T, I] = inputShape as [number | null, number];
    this.inputShape = inputShape;
    this.dtype = ctx.dtype;
    this.dropoutRng = dropoutRandom(this.config.seed, ctx.seed, this.name);
    this.cell.build(I, ctx);
    const U = this.cell.units;
    this.carried = null;
    if (this.stateful) {
      if (ctx.batchSize === undefined) {
        throw new SeqcastError(
          'config',
          `layer '${this.name}' (${this.className}) is stateful, which needs a fixed batch size (the final states of ` +
            `sample i of one batch are the initial states of sample i of the next): give it with ` +
            `sequential(layers, { inputShape, batchSize }) (in a model.json, the first number of batch_input_shape)`,
        );
      }
      this.carriedBatch = ctx.batchSize;
      this.carried = [];
      for (let k = 0; k < this.cell.stateCount; k++)
        this.carried.push(allocate(ctx.dtype, ctx.batchSize * U));
    }
    this.ws = new Workspace(
      ctx.dtype,
      {
        x: (t, b) => t * b * I, // [T, B, I] time-major input
        dx: (t, b) => t * b * I, // [T, B, I] time-major input gradient
        dxOut: (t, b) => b * t * I, // [B, T, I]
        out: (t, b) => b * t * U, // [B, T, U] or [B, U]
        dh: (t, b) => t * b * U, // [T, B, U]
        state: (_t, b) => this.cell.stateCount * b * U, // final states, [B, U] each
        dState0: (_t, b) => this.cell.stateCount * b * U,
      },
      ['dx', 'dxOut', 'dh', 'dState0'],
    );
    return this.returnSequences ? [T, U] : [U];
  }

  /**
   * The cell's weights, the recurrent kernel drawn with `recurrentInitializer`; with recurrentBias,
   * `recurrent_bias` (zeros) follows `bias` (PyTorch's order: weight_ih, weight_hh, bias_ih, bias_hh).
   */
  weightSpecs(): readonly WeightSpec[] {
    const init = RECURRENT_INITIALIZER_DRAWS[this.config.recurrentInitializer];
    let specs = this.cell.weightSpecs().map((s) => (s.name === 'recurrent_kernel' ? { ...s, init } : s));
    if (this.recurrentBias) specs = withRecurrentBias(specs);
    if (this.config.initialization === 'pytorch') {
      const pytorch: Initializer = { kind: 'pytorchUniform', fanIn: this.cell.units };
      specs = specs.map((s) => ({ ...s, init: pytorch }));
    }
    return specs;
  }

  attach(weights: readonly FloatArray[], grads: readonly FloatArray[]): void {
    if (!this.recurrentBias) {
      this.cell.attach(weights, grads);
      return;
    }
    this.biases = SplitBias.attach(this.cell, weights, grads, this.dtype);
  }

  forward(x: Tensor, training = false): Tensor {
    return this.call(x, undefined, training).output;
  }

  backward(dy: Tensor): Tensor {
    return this.backwardCall(dy).dx;
  }

  /**
   * The mask of the input of the next forward pass or `call` ([B, T], see mask.ts), or null for none. It stays
   * until it is set again; Sequential sets it before every forward pass.
   */
  setInputMask(mask: StepMask | null): void {
    this.inputMask = mask;
  }

  /** The mask this layer's output carries: its input's, when it returns sequences (Keras's compute_mask). */
  outputMask(inputMask: StepMask | null): StepMask | null {
    return this.returnSequences ? inputMask : null;
  }

  /**
   * The forward pass with optional initial states ([h] or [h, c], each [B, U]). A stateful layer starts from
   * its carried states when none are given (from `initialState` when given, as in Keras) and keeps the final
   * states for the next call.
   */
  call(x: Tensor, initialState?: readonly Tensor[], training = false): RecurrentOutput {
    if (this.inputShape === null)
      throw new SeqcastError('state', `layer '${this.name}': call() before build()`);
    const B = checkInput(this.name, x, this.inputShape, this.dtype);
    const T = x.shape[1];
    const I = x.shape[2];
    const U = this.cell.units;
    if (T < 1)
      throw new SeqcastError(
        'shape',
        `layer '${this.name}': the input has 0 timesteps; a sequence needs at least 1`,
      );
    if (this.carried !== null && B !== this.carriedBatch) {
      throw new SeqcastError(
        'shape',
        `layer '${this.name}' (${this.className}) is stateful with batch size ${this.carriedBatch} but received ` +
          `${B} sequences; every batch must hold exactly ${this.carriedBatch} (sample i continues sample i of the batch before)`,
      );
    }
    const state0 =
      initialState === undefined && this.carried !== null
        ? this.carried
        : this.checkInitialState(initialState, B);
    this.ws.ensure(T, B);
    const { buf } = this.ws;
    // batch-major [B, T, I] → time-major [T, B, I], reversed in time for goBackwards
    const xs = x.data;
    for (let t = 0; t < T; t++) {
      const src = this.goBackwards ? T - 1 - t : t;
      for (let b = 0; b < B; b++) {
        const from = (b * T + src) * I;
        copyRows(xs, from, buf.x, (t * B + b) * I, I);
      }
    }
    this.dropMask = null;
    const { dropout, recurrentDropout } = this.config;
    // with recurrentDropout an LSTM or GRU has one input mask per gate block (Keras), which the cell applies
    const perGate = training && recurrentDropout > 0 && this.cell.dropout.blocks > 1;
    if (training && dropout > 0 && !perGate) {
      // one mask per sequence of the batch, [B, I], the same at every step (Keras's DropoutRNNCell)
      const m = drawDropoutMask(this.dropoutRng!, this.config.dropout, B * I, this.dropMaskStore, this.dtype);
      this.dropMaskStore = m;
      this.dropMask = m;
      for (let t = 0; t < T; t++) {
        for (let r = 0; r < B * I; r++) buf.x[t * B * I + r] *= m[r];
      }
    }
    const recurrentRate = training ? recurrentDropout : 0;
    this.cell.dropout.draw(this.dropoutRng!, perGate ? dropout : 0, recurrentRate, B, I, U, this.dtype);
    const mask = this.inputMask;
    if (mask !== null && (mask.batch !== B || mask.steps !== T)) {
      throw new SeqcastError(
        'shape',
        `layer '${this.name}': the mask is [${mask.batch}, ${mask.steps}] but the input has ${B} sequences of ${T} steps`,
      );
    }
    this.stepMask = mask === null ? null : timeMajorMask(mask, this.goBackwards, this.stepMaskStore);
    if (this.stepMask !== null) this.stepMaskStore = this.stepMask;
    this.cell.masks.mask = this.stepMask;
    this.biases?.beforeForward();
    this.cell.forward(buf.x, T, B, state0);
    this.T = T;
    this.B = B;
    if (this.carried !== null) this.carryFinalStates(T, B * U);
    const h = this.cell.states[0];
    let output: Tensor;
    this.findFirstRealSteps(T, B);
    if (this.returnSequences) {
      for (let t = 0; t < T; t++) {
        for (let b = 0; b < B; b++) {
          const from = ((t + 1) * B + b) * U;
          if (this.outputIsZero(t, b)) buf.out.fill(0, (b * T + t) * U, (b * T + t + 1) * U);
          else copyRows(h, from, buf.out, (b * T + t) * U, U);
        }
      }
      output = { shape: [B, T, U], data: buf.out.subarray(0, B * T * U) };
    } else {
      buf.out.set(h.subarray(T * B * U, (T + 1) * B * U), 0);
      for (let b = 0; b < B; b++) if (this.noRealStep(b, T)) buf.out.fill(0, b * U, (b + 1) * U);
      output = { shape: [B, U], data: buf.out.subarray(0, B * U) };
    }
    const states: Tensor[] = [];
    if (this.returnState) {
      for (let k = 0; k < this.cell.stateCount; k++) {
        buf.state.set(this.cell.states[k].subarray(T * B * U, (T + 1) * B * U), k * B * U);
        states.push({ shape: [B, U], data: buf.state.subarray(k * B * U, (k + 1) * B * U) });
      }
    }
    return { output, states };
  }

  /**
   * Backward through time for the last `call`. `dOutput` has the output's shape (or is null when only the
   * states receive gradient); `dStates` the final states' (entries may be null). Accumulates weight
   * gradients; returns dL/dx and dL/d(initial state) (also when the initial state was the default zeros).
   */
  backwardCall(dOutput: Tensor | null, dStates?: readonly (Tensor | null)[]): RecurrentGradients {
    const { T, B } = this;
    if (T === 0) throw new SeqcastError('state', `layer '${this.name}': backward() called before forward()`);
    const U = this.cell.units;
    const I = this.inputShape![1] as number;
    this.ws.ensureBackward(T, B);
    this.cell.masks.mask = this.stepMask; // the mask of the call being differentiated
    const { buf } = this.ws;
    const outShape = this.returnSequences ? [B, T, U] : [B, U];
    const dh = buf.dh;
    dh.fill(0, 0, T * B * U);
    if (dOutput !== null) {
      checkGradientShape(this.name, 'output', dOutput, outShape);
      const d = dOutput.data;
      // an output that is 0 at a masked step does not depend on anything: its gradient stops there
      if (this.returnSequences) {
        for (let t = 0; t < T; t++) {
          for (let b = 0; b < B; b++) {
            if (this.outputIsZero(t, b)) continue;
            const from = (b * T + t) * U;
            copyRows(d, from, dh, (t * B + b) * U, U);
          }
        }
      } else {
        dh.set(d.subarray(0, B * U), (T - 1) * B * U);
        for (let b = 0; b < B; b++)
          if (this.noRealStep(b, T)) dh.fill(0, ((T - 1) * B + b) * U, ((T - 1) * B + b + 1) * U);
      }
    }
    const dStateT: (FloatArray | null)[] = [];
    for (let k = 0; k < this.cell.stateCount; k++) {
      const ds = dStates?.[k] ?? null;
      if (ds !== null) checkGradientShape(this.name, `state ${k}`, ds, [B, U]);
      dStateT.push(ds === null ? null : ds.data);
    }
    const dState0: FloatArray[] = [];
    for (let k = 0; k < this.cell.stateCount; k++)
      dState0.push(buf.dState0.subarray(k * B * U, (k + 1) * B * U));
    const probe = this.cell.gradientProbe;
    if (probe !== null && probe.length < T * B * U) this.cell.gradientProbe = allocate(this.dtype, T * B * U);
    this.biases?.beforeBackward();
    this.cell.backward(dh, dStateT, buf.dx, dState0);
    this.biases?.afterBackward();
    const drop = this.dropMask;
    if (drop !== null) {
      for (let t = 0; t < T; t++) for (let r = 0; r < B * I; r++) buf.dx[t * B * I + r] *= drop[r];
    }
    // time-major [T, B, I] → batch-major [B, T, I], undoing the goBackwards reversal
    for (let t = 0; t < T; t++) {
      const dst = this.goBackwards ? T - 1 - t : t;
      for (let b = 0; b < B; b++) {
        const from = (t * B + b) * I;
        copyRows(buf.dx, from, buf.dxOut, (b * T + dst) * I, I);
      }
    }
    return {
      dx: { shape: [B, T, I], data: buf.dxOut.subarray(0, B * T * I) },
      dInitialState: dState0.map((d) => ({ shape: [B, U], data: d })),
    };
  }

  /**
   * What the last forward (and backward) computed, step by step in processing order (time-major [T, B, ·]):
   * the inputs, the cell's states and gates, and — after a backward with `probeGradients(true)` — dL/dh_t
   * and dL/dx_t. For `trace` and `gradientFlow`; copies, safe to keep.
   */
  inspect(): {
    readonly steps: number;
    readonly batch: number;
    readonly input: Float64Array;
    readonly internals: Readonly<Record<string, Float64Array>>;
    readonly dh: Float64Array | null;
    readonly dx: Float64Array | null;
  } {
    const { T, B } = this;
    if (T === 0) throw new SeqcastError('state', `layer '${this.name}': inspect() before forward()`);
    const I = this.inputShape![1] as number;
    const probe = this.cell.gradientProbe;
    const dx = this.ws.buf.dx; // empty until the first backward pass
    return {
      steps: T,
      batch: B,
      input: Float64Array.from(this.ws.buf.x.subarray(0, T * B * I)),
      internals: this.cell.internals(),
      dh: probe === null ? null : Float64Array.from(probe.subarray(0, T * B * this.cell.units)),
      dx: probe === null || dx.length === 0 ? null : Float64Array.from(dx.subarray(0, T * B * I)),
    };
  }

  /** Record dL/dh_t of every step in the following backward passes (true), or stop (false). */
  probeGradients(on: boolean): void {
    this.cell.gradientProbe = on ? allocate(this.dtype, Math.max(1, this.ws.capacity())) : null;
  }

  /**
   * Zeroes a stateful layer's states, or sets them to `states` ([h] or [h, c], each [B, U] for the model's
   * batch size B; copied). Keras's `reset_states` (Keras 2 and TF.js take the values too; Keras 3's
   * `reset_state` only zeroes). A layer that is not stateful keeps no states: an error (TF.js's too; Keras 3
   * does nothing).
   */
  resetStates(states?: readonly Tensor[]): void {
    const carried = this.requireCarried('resetStates()');
    if (states === undefined) {
      for (const c of carried) c.fill(0);
      return;
    }
    const values = this.checkStateValues(states, this.carriedBatch, 'resetStates()');
    for (let k = 0; k < carried.length; k++) carried[k].set(values[k]);
  }

  /** Keras 3's name for `resetStates`. */
  resetState(states?: readonly Tensor[]): void {
    this.resetStates(states);
  }

  /** Copies of a stateful layer's current states ([h] or [h, c], each [B, U]); null when it is not stateful. */
  get states(): readonly Tensor[] | null {
    if (this.carried === null) return null;
    const B = this.carriedBatch;
    const U = this.cell.units;
    return this.carried.map((c) => ({ shape: [B, U], data: c.slice() }));
  }

  /**
   * Carries `other`'s states instead of its own (the same arrays): a stream (model/stream.ts) built beside a
   * stateful model advances that model's states. Both must be stateful, with the same batch size and units.
   */
  shareStates(other: Recurrent): void {
    const mine = this.requireCarried('shareStates()');
    const theirs = other.requireCarried('shareStates()');
    if (
      mine.length !== theirs.length ||
      mine[0].length !== theirs[0].length ||
      dtypeMismatch(mine[0], theirs[0])
    ) {
      throw new SeqcastError(
        'state',
        `layer '${this.name}': shareStates() needs a layer of the same kind, units and batch size`,
      );
    }
    this.carried = theirs;
  }

  /** A new, unbuilt layer with the same options except `overrides` (Bidirectional makes its backward copy so). */
  clone(overrides: Partial<RecurrentConfig> & { readonly name?: string }): Recurrent<C, K> {
    const Ctor = this.constructor as new (options: object) => Recurrent<C, K>;
    return new Ctor({ ...this.getConfig(), ...overrides });
  }

  /** Every option, defaults included: the typed config the layer's descriptor resolved. */
  getConfig(): K & { readonly name: string } {
    return { name: this.name, ...this.config };
  }

  /**
   * Keras's masked loop starts its previous output at 0, whatever the initial state (keras/src/backend/
   * tensorflow/rnn.py, `flat_zero_output`): a masked step before a row's first real step outputs 0, as does
   * a row with no real step at all (its last output); later masked steps repeat the last real output, which
   * is the carried h. With zero initial states both rules give the same numbers. `firstReal[b]` is row b's
   * first real step in processing order (T when none).
   */
  private findFirstRealSteps(T: number, B: number): void {
    const mask = this.stepMask;
    if (mask === null) return;
    if (this.firstReal.length < B) this.firstReal = new Int32Array(B);
    for (let b = 0; b < B; b++) {
      let t = 0;
      while (t < T && mask[t * B + b] === 0) t++;
      this.firstReal[b] = t;
    }
  }

  /** Whether row b had no real step in the last call (its last output is then 0). */
  private noRealStep(b: number, T: number): boolean {
    return this.stepMask !== null && !this.continuesSequence && this.firstReal[b] === T;
  }

  /** Whether the output at step t (processing order) of row b is 0 rather than h_t (see findFirstRealSteps). */
  private outputIsZero(t: number, b: number): boolean {
    const mask = this.stepMask;
    if (mask === null || mask[t * this.B + b] !== 0) return false;
    return this.zeroOutputForMask || (!this.continuesSequence && t < this.firstReal[b]);
  }

  private checkInitialState(initialState: readonly Tensor[] | undefined, B: number): (FloatArray | null)[] {
    const n = this.cell.stateCount;
    if (initialState === undefined) return new Array<FloatArray | null>(n).fill(null);
    const values = this.checkStateValues(initialState, B, 'initialState');
    return initialState.map((s, k) => {
      if (s.data instanceof Float64Array !== (this.dtype === 'float64')) {
        throw new SeqcastError('shape', `layer '${this.name}': initial state ${k} must be ${this.dtype}`);
      }
      return values[k];
    });
  }

  /** Checks state tensors given by a caller: their count, each shape [B, U]; returns their data. */
  private checkStateValues(states: readonly Tensor[], B: number, what: string): FloatArray[] {
    const n = this.cell.stateCount;
    const U = this.cell.units;
    if (!Array.isArray(states) || states.length !== n) {
      const got = Array.isArray(states) ? `${states.length} were given` : `got ${typeof states}`;
      throw new SeqcastError(
        'shape',
        `layer '${this.name}' (${this.className}): ${what} must hold ${n} tensor${n > 1 ? 's ([h, c])' : ' ([h])'} ` +
          `of shape ${formatShape([B, U])} but ${got}`,
      );
    }
    return states.map((s, k) => {
      const shape: unknown = s?.shape;
      if (
        !Array.isArray(shape) ||
        shape.length !== 2 ||
        shape[0] !== B ||
        shape[1] !== U ||
        !ArrayBuffer.isView(s.data)
      ) {
        throw new SeqcastError(
          'shape',
          `layer '${this.name}' (${this.className}): ${what === 'initialState' ? 'initial state' : `${what}: state`} ${k} has shape ` +
            `${Array.isArray(shape) ? formatShape(shape as number[]) : String(shape)}, expected ${formatShape([B, U])}`,
        );
      }
      if (s.data.length !== B * U) {
        throw new SeqcastError(
          'shape',
          `layer '${this.name}': ${what} ${k} holds ${s.data.length} values, expected ${B * U}`,
        );
      }
      const bad = firstNonFinite(s.data);
      if (bad >= 0) {
        throw new SeqcastError(
          'non-finite',
          `layer '${this.name}' (${this.className}): ${what} ${k} holds ${s.data[bad]} at index ${bad}; states must be finite`,
        );
      }
      return s.data;
    });
  }

  /**
   * Copies the state after the last step (block T) into the carried states, unless it is not finite (the model
   * then reports the non-finite output, and the states stay those from before the call).
   */
  private carryFinalStates(T: number, n: number): void {
    const carried = this.carried!;
    for (let k = 0; k < carried.length; k++) {
      if (firstNonFinite(this.cell.states[k].subarray(T * n, (T + 1) * n)) >= 0) return;
    }
    for (let k = 0; k < carried.length; k++) carried[k].set(this.cell.states[k].subarray(T * n, (T + 1) * n));
  }

  private requireCarried(what: string): FloatArray[] {
    if (!this.stateful) {
      throw new SeqcastError(
        'state',
        `layer '${this.name}' (${this.className}): ${what} needs a stateful layer; this one keeps no states between ` +
          `calls (each starts from zeros or from call()'s initialState) — build it with stateful: true`,
      );
    }
    if (this.carried === null)
      throw new SeqcastError('state', `layer '${this.name}': ${what} before build()`);
    return this.carried;
  }
}

function dtypeMismatch(a: FloatArray, b: FloatArray): boolean {
  return a instanceof Float64Array !== b instanceof Float64Array;
}

function checkGradientShape(layer: string, what: string, g: Tensor, expected: readonly number[]): void {
  if (g.shape.length !== expected.length || g.shape.some((d, a) => d !== expected[a])) {
    throw new SeqcastError(
      'shape',
      `layer '${layer}': the gradient of the ${what} has shape ${formatShape(g.shape)}, expected ${formatShape(expected)}`,
    );
  }
}
