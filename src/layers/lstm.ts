/**
 * LSTM (Keras `LSTM`), with Keras's weight layout and gate order i, f, c, o:
 *
 *     z   = x_t · W + h_{t-1} · U + b           gate blocks along the last axis: i, f, c, o
 *     i   = ract(z_i),  f = ract(z_f),  g = act(z_c),  o = ract(z_o)
 *     c_t = f ⊙ c_{t-1} + i ⊙ g
 *     h_t = o ⊙ act(c_t)
 *
 * Shapes: x_t [B, I], W = kernel [I, 4U], U = recurrent_kernel [U, 4U], b = bias [4U], h_t and c_t [B, U];
 * block k of a [·, 4U] matrix is its columns k·U .. (k+1)·U-1. `act` is the activation (default tanh),
 * `ract` the recurrent activation (default sigmoid). Backward through time, with dh_t the gradient reaching
 * h_t from the outputs and dhNext / dcNext the gradients carried back from step t+1:
 *
 *     dhTotal = dh_t + dhNext
 *     dz_o    = dhTotal ⊙ act(c_t) ⊙ ract'(o)
 *     dc      = dcNext + dhTotal ⊙ o ⊙ act'(c_t)
 *     dz_i    = dc ⊙ g ⊙ ract'(i),  dz_f = dc ⊙ c_{t-1} ⊙ ract'(f),  dz_c = dc ⊙ i ⊙ act'(g)
 *     dcNext  = dc ⊙ f,  dhNext = dz_t · Uᵀ        (become dc_0, dh_0 after step 1)
 *     dW = Σ_t x_tᵀ · dz_t,  dU = Σ_t h_{t-1}ᵀ · dz_t,  db = Σ_t Σ_b dz_t,  dx_t = dz_t · Wᵀ
 *
 * Every derivative is written from the activation's output (the backend's `activateBackward`), which is
 * why the forward pass keeps the post-activation gates and act(c_t).
 *
 * With recurrent dropout (training; recurrent-dropout.ts) gate block k's products read h_{t-1} ⊙ m_k (and,
 * with input dropout too, x_t ⊙ d_k): dhNext = Σ_k (dz_k · U_kᵀ) ⊙ m_k, dU_k = Σ_t (h_{t-1} ⊙ m_k)ᵀ · dz_k,
 * dW_k = Σ_t (x_t ⊙ d_k)ᵀ · dz_k, dx_t = Σ_k (dz_k · W_kᵀ) ⊙ d_k.
 */
import { CellMask } from './mask.js';
import { CellDropout } from './recurrent-dropout.js';
import { SeqcastError } from '../errors.js';
import type { Initializer } from '../initializers.js';
import type { Activation, Backend, LstmStep } from '../kernels/backend.js';
import { mat, matT } from '../kernels/backend.js';
import type { DType, FloatArray } from '../tensor.js';
import { allocate } from '../tensor.js';
import type { RecurrentCell } from './cell.js';
import { accumulateColumnSums, columnBlock, fillRowsWithBias, loadInitialState, Workspace } from './cell.js';
import type { BuildContext, WeightSpec } from './layer.js';
import type { ConfigOf, OptionsOf } from './descriptor.js';
import { booleanOption, describeLayer } from './descriptor.js';
import { Recurrent } from './recurrent.js';
import {
  RECURRENT_ACTIVATION,
  RECURRENT_BIAS_OPTION,
  RECURRENT_OPTIONS,
  recurrentKerasKeys,
} from './recurrent-options.js';

export interface LSTMCellOptions {
  readonly units: number;
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  readonly useBias: boolean;
  readonly unitForgetBias: boolean;
}

export class LSTMCell implements RecurrentCell {
  readonly units: number;
  readonly stateCount = 2 as const;
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  readonly useBias: boolean;
  readonly unitForgetBias: boolean;
  private inputDim = 0;
  private backend!: Backend;
  private ws!: Workspace<'h' | 'c' | 'gates' | 'cAct' | 'dz' | 'dhNext' | 'dcNext'>;
  private T = 0;
  private B = 0;
  private kernel!: FloatArray;
  private recurrentKernel!: FloatArray;
  private bias: FloatArray | null = null;
  private dKernel!: FloatArray;
  private dRecurrentKernel!: FloatArray;
  private dBias: FloatArray | null = null;
  private x!: FloatArray;
  /** The backend step's argument, filled once per forward / backward call; only `t` changes per step. */
  private step!: LstmStep;
  gradientProbe: FloatArray | null = null;
  /** The mask of the current call, set by the layer (see mask.ts); null: every step is real. */
  readonly masks = new CellMask();
  /** The dropout masks of the current call, set by the layer (see recurrent-dropout.ts). */
  readonly dropout = new CellDropout(4);
  private dtype: DType = 'float32';

  constructor(options: LSTMCellOptions) {
    this.units = options.units;
    this.activation = options.activation;
    this.recurrentActivation = options.recurrentActivation;
    this.useBias = options.useBias;
    this.unitForgetBias = options.unitForgetBias;
  }

  get states(): readonly FloatArray[] {
    return [this.ws.buf.h, this.ws.buf.c];
  }

  build(inputDim: number, ctx: BuildContext): void {
    const U = this.units;
    this.inputDim = inputDim;
    this.backend = ctx.backend;
    this.dtype = ctx.dtype;
    this.ws = new Workspace(
      ctx.dtype,
      {
        h: (T, B) => (T + 1) * B * U, // [T+1, B, U]: h_0 .. h_T
        c: (T, B) => (T + 1) * B * U, // [T+1, B, U]: c_0 .. c_T
        gates: (T, B) => T * B * 4 * U, // [T, B, 4U]: i, f, g, o after their activations
        cAct: (T, B) => T * B * U, // [T, B, U]: act(c_1) .. act(c_T)
        dz: (T, B) => T * B * 4 * U, // [T, B, 4U]: gradients of the pre-activation gates
        dhNext: (_T, B) => B * U, // [B, U]
        dcNext: (_T, B) => B * U, // [B, U]
      },
      ['dz', 'dhNext', 'dcNext'],
    );
    const none = allocate(ctx.dtype, 0);
    this.step = {
      B: 0,
      U,
      t: 0,
      activation: this.activation,
      recurrentActivation: this.recurrentActivation,
      recurrentKernel: none,
      h: none,
      c: none,
      gates: none,
      cAct: none,
      dh: none,
      dz: none,
      dhNext: none,
      dcNext: none,
      probe: null,
      recurrentDropout: null,
      hDrop: none,
      dhDrop: none,
    };
  }

  weightSpecs(): readonly WeightSpec[] {
    const U = this.units;
    const specs: WeightSpec[] = [
      { name: 'kernel', shape: [this.inputDim, 4 * U], init: { kind: 'glorotUniform' } },
      { name: 'recurrent_kernel', shape: [U, 4 * U], init: { kind: 'orthogonal', gain: 1 } },
    ];
    if (this.useBias) {
      const init: Initializer = this.unitForgetBias
        ? { kind: 'unitForgetBias', units: U }
        : { kind: 'zeros' };
      specs.push({ name: 'bias', shape: [4 * U], init });
    }
    return specs;
  }

  attach(weights: readonly FloatArray[], grads: readonly FloatArray[]): void {
    [this.kernel, this.recurrentKernel] = weights;
    this.step.recurrentKernel = this.recurrentKernel;
    [this.dKernel, this.dRecurrentKernel] = grads;
    this.bias = this.useBias ? weights[2] : null;
    this.dBias = this.useBias ? grads[2] : null;
  }

  // x [T*B*I] time-major; h, c [(T+1)*B*U]; gates [T*B*4U]; cAct [T*B*U];
  // kernel [I, 4U]; recurrentKernel [U, 4U]; bias [4U]
  forward(x: FloatArray, T: number, B: number, state0: readonly (FloatArray | null)[]): void {
    const U = this.units;
    const G = 4 * U;
    const I = this.inputDim;
    const be = this.backend;
    this.ws.ensure(T, B);
    const { h, c, gates, cAct } = this.ws.buf;
    this.T = T;
    this.B = B;
    this.x = x;
    loadInitialState(h, state0[0] ?? null, B * U);
    loadInitialState(c, state0[1] ?? null, B * U);
    const drops = this.dropout;
    drops.ensure(T, B, I, U, this.dtype);
    // 1. input projection of every step at once: z = x · W + b (per gate block with per-gate input masks)
    fillRowsWithBias(gates, 0, T * B, this.bias, 0, G);
    if (drops.input === null)
      be.gemm(T * B, G, I, mat(x, 0, I), mat(this.kernel, 0, G), mat(gates, 0, G), true);
    else drops.projectInputs(be, x, T, B, I, U, this.kernel, gates);
    // 2. the recurrence, step by step (the backend's step: z_t += h_{t-1} · U, gates, c_t, h_t)
    const step = this.step;
    step.B = B;
    step.h = h;
    step.c = c;
    step.gates = gates;
    step.cAct = cAct;
    step.recurrentDropout = drops.recurrent;
    step.hDrop = drops.hDrop;
    const masks = this.masks;
    for (let t = 1; t <= T; t++) {
      step.t = t;
      be.lstmForward(step);
      masks.carry(t, B, U, h, c);
    }
  }

  // dh [T*B*U] (overwritten); dz [T*B*4U]; dx [T*B*I]; dState0[0], dState0[1] [B*U] (dh_0, dc_0)
  backward(
    dh: FloatArray,
    dStateT: readonly (FloatArray | null)[],
    dx: FloatArray,
    dState0: readonly FloatArray[],
  ): void {
    const U = this.units;
    const G = 4 * U;
    const I = this.inputDim;
    const { T, B } = this;
    if (T === 0) throw new SeqcastError('state', 'LSTM: backward() called before forward()');
    const be = this.backend;
    this.ws.ensureBackward(T, B);
    const { h, c, gates, cAct, dz, dhNext, dcNext } = this.ws.buf;
    loadInitialState(dhNext, dStateT[0] ?? null, B * U);
    loadInitialState(dcNext, dStateT[1] ?? null, B * U);
    const step = this.step;
    step.B = B;
    step.h = h;
    step.c = c;
    step.gates = gates;
    step.cAct = cAct;
    step.dh = dh;
    step.dz = dz;
    step.dhNext = dhNext;
    step.dcNext = dcNext;
    step.probe = this.gradientProbe;
    const drops = this.dropout;
    drops.ensureBackward(T, B, I, U, this.dtype);
    step.recurrentDropout = drops.recurrent;
    step.hDrop = drops.hDrop;
    step.dhDrop = drops.dhDrop;
    const masks = this.masks;
    for (let t = T; t >= 1; t--) {
      step.t = t;
      masks.hold(t, B, U, dh, dhNext, dcNext);
      be.lstmBackward(step);
      masks.release(t, B, U, dhNext, dcNext, step.probe);
    }
    dState0[0].set(dhNext.subarray(0, B * U));
    dState0[1].set(dcNext.subarray(0, B * U));
    // weight gradients: one product each over all steps (accumulates)
    if (drops.input === null)
      be.gemm(I, G, T * B, matT(this.x, 0, I), mat(dz, 0, G), mat(this.dKernel, 0, G), true);
    if (drops.recurrent === null)
      be.gemm(U, G, T * B, matT(h, 0, U), mat(dz, 0, G), mat(this.dRecurrentKernel, 0, G), true);
    else drops.recurrentKernelGradient(be, T, B, U, dz, G, this.dRecurrentKernel, 0, 4);
    if (this.dBias !== null) accumulateColumnSums(be, dz, 0, T * B, G, G, this.dBias, 0);
    if (drops.input === null)
      be.gemm(T * B, I, G, mat(dz, 0, G), matT(this.kernel, 0, G), mat(dx, 0, I), false);
    else drops.inputGradients(be, dz, T, B, I, U, this.kernel, this.dKernel, dx);
  }

  internals(): Readonly<Record<string, Float64Array>> {
    const U = this.units;
    const n = this.B * U;
    const rows = this.T * this.B;
    const { h, c, gates } = this.ws.buf;
    return {
      h: Float64Array.from(h.subarray(n, (this.T + 1) * n)),
      c: Float64Array.from(c.subarray(n, (this.T + 1) * n)),
      i: columnBlock(gates, rows, 4 * U, 0, U),
      f: columnBlock(gates, rows, 4 * U, 1, U),
      g: columnBlock(gates, rows, 4 * U, 2, U),
      o: columnBlock(gates, rows, 4 * U, 3, U),
    };
  }
}

/**
 * One step by the textbook, in plain loops: the documentation of what every backend's step computes
 * (src/kernels/steps.ts and the fused kernels), and its test oracle. x [B, I], hPrev and cPrev [B, U], kernel [I, 4U], recurrentKernel [U, 4U], bias [4U] or
 * null → h and c [B, U].
 */
export function lstmStepNaive(
  x: ArrayLike<number>,
  hPrev: ArrayLike<number>,
  cPrev: ArrayLike<number>,
  kernel: ArrayLike<number>,
  recurrentKernel: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  B: number,
  I: number,
  U: number,
  act: (v: number) => number,
  ract: (v: number) => number,
): { h: Float64Array; c: Float64Array } {
  const G = 4 * U;
  const h = new Float64Array(B * U);
  const c = new Float64Array(B * U);
  const z = new Float64Array(G);
  for (let b = 0; b < B; b++) {
    for (let n = 0; n < G; n++) {
      let s = bias === null ? 0 : bias[n];
      for (let i = 0; i < I; i++) s += x[b * I + i] * kernel[i * G + n];
      for (let k = 0; k < U; k++) s += hPrev[b * U + k] * recurrentKernel[k * G + n];
      z[n] = s;
    }
    for (let j = 0; j < U; j++) {
      const ig = ract(z[j]);
      const fg = ract(z[U + j]);
      const gg = act(z[2 * U + j]);
      const og = ract(z[3 * U + j]);
      const ct = fg * cPrev[b * U + j] + ig * gg;
      c[b * U + j] = ct;
      h[b * U + j] = og * act(ct);
    }
  }
  return { h, c };
}

/** The LSTM's options: the recurrent ones, PyTorch's second bias, its gate activation and the unit forget bias. */
const LSTM_OPTIONS = {
  ...RECURRENT_OPTIONS,
  recurrentBias: RECURRENT_BIAS_OPTION,
  /** Of the gates i, f, o. Default 'sigmoid' (the logistic function, as in Keras 3). */
  recurrentActivation: RECURRENT_ACTIVATION,
  /** Initialise the forget gate's bias block to 1 (the rest to 0), as Keras does. Default true. */
  unitForgetBias: {
    ...booleanOption('unit_forget_bias', true),
    // Only initialisation reads it; TF.js writes null for its default (false).
    fromKeras: (where: string, v: unknown, key: string) =>
      v === null ? false : booleanOption(key, true).fromKeras!(where, v, key),
  },
};

export type LSTMConfig = ConfigOf<typeof LSTM_OPTIONS>;
export type LSTMOptions = OptionsOf<typeof LSTM_OPTIONS, 'units'>;

/** The LSTM's descriptor: its options, Keras names and keys (see descriptor.ts). */
export const LSTM_LAYER = describeLayer({
  className: 'LSTM',
  options: LSTM_OPTIONS,
  keras: recurrentKerasKeys(true),
  create: (config) => new LSTM(config),
});

export class LSTM extends Recurrent<LSTMCell, LSTMConfig> {
  readonly className = 'LSTM' as const;

  constructor(options: LSTMOptions) {
    const config = LSTM_LAYER.resolve(options);
    super(new LSTMCell(config), config);
  }
}

/**
 * A long short-term memory layer, Keras layout: gates i, f, c, o; `c_t = f ⊙ c_{t-1} + i ⊙ g`,
 * `h_t = o ⊙ act(c_t)`; states [h, c].
 */
export function lstm(options: LSTMOptions): LSTM {
  return new LSTM(options);
}
