/**
 * SimpleRNN (Keras `SimpleRNN`), the Elman recurrence:
 *
 *     h_t = act(x_t · W + h_{t-1} · U + b)
 *
 * Shapes: x_t [B, I], W = kernel [I, U], U = recurrent_kernel [U, U], b = bias [U], h_t [B, U].
 * Backward through time, with dh_t the gradient reaching h_t from the outputs and dhNext the gradient
 * carried back from step t+1:
 *
 *     dz_t      = (dh_t + dhNext) ⊙ act'(h_t)
 *     dhNext    = dz_t · Uᵀ                      (becomes dh_0 after step 1)
 *     dW = Σ_t x_tᵀ · dz_t,  dU = Σ_t h_{t-1}ᵀ · dz_t,  db = Σ_t Σ_b dz_t,  dx_t = dz_t · Wᵀ
 *
 * With recurrent dropout (training, mask m [B, U]; recurrent-dropout.ts) h_{t-1} ⊙ m replaces h_{t-1} in the
 * product: dhNext = (dz_t · Uᵀ) ⊙ m and dU = Σ_t (h_{t-1} ⊙ m)ᵀ · dz_t.
 */
import { CellMask } from './mask.js';
import { CellDropout } from './recurrent-dropout.js';
import { SeqcastError } from '../errors.js';
import type { Activation, Backend, SimpleRnnStep } from '../kernels/backend.js';
import { mat, matT } from '../kernels/backend.js';
import type { DType, FloatArray } from '../tensor.js';
import { allocate } from '../tensor.js';
import type { RecurrentCell } from './cell.js';
import { accumulateColumnSums, fillRowsWithBias, loadInitialState, Workspace } from './cell.js';
import type { BuildContext, WeightSpec } from './layer.js';
import type { ConfigOf, OptionsOf } from './descriptor.js';
import { describeLayer } from './descriptor.js';
import { Recurrent } from './recurrent.js';
import { RECURRENT_BIAS_OPTION, RECURRENT_OPTIONS, recurrentKerasKeys } from './recurrent-options.js';

export interface SimpleRNNCellOptions {
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
}

export class SimpleRNNCell implements RecurrentCell {
  readonly units: number;
  readonly stateCount = 1 as const;
  readonly activation: Activation;
  readonly useBias: boolean;
  private inputDim = 0;
  private backend!: Backend;
  private ws!: Workspace<'h' | 'dhNext'>;
  /** The backend step's argument, filled once per forward / backward call; only `t` changes per step. */
  private step!: SimpleRnnStep;
  private T = 0;
  private B = 0;
  private kernel!: FloatArray;
  private recurrentKernel!: FloatArray;
  private bias: FloatArray | null = null;
  private dKernel!: FloatArray;
  private dRecurrentKernel!: FloatArray;
  private dBias: FloatArray | null = null;
  private x!: FloatArray;
  gradientProbe: FloatArray | null = null;
  /** The mask of the current call, set by the layer (see mask.ts); null: every step is real. */
  readonly masks = new CellMask();
  /** The dropout masks of the current call, set by the layer (see recurrent-dropout.ts). */
  readonly dropout = new CellDropout(1);
  private dtype: DType = 'float32';

  constructor(options: SimpleRNNCellOptions) {
    this.units = options.units;
    this.activation = options.activation;
    this.useBias = options.useBias;
  }

  get states(): readonly FloatArray[] {
    return [this.ws.buf.h];
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
        dhNext: (_T, B) => B * U, // [B, U]
      },
      ['dhNext'],
    );
    const none = allocate(ctx.dtype, 0);
    this.step = {
      B: 0,
      U,
      t: 0,
      activation: this.activation,
      recurrentKernel: none,
      h: none,
      dh: none,
      dhNext: none,
      probe: null,
      recurrentDropout: null,
      hDrop: none,
      dhDrop: none,
    };
  }

  weightSpecs(): readonly WeightSpec[] {
    const U = this.units;
    const specs: WeightSpec[] = [
      { name: 'kernel', shape: [this.inputDim, U], init: { kind: 'glorotUniform' } },
      { name: 'recurrent_kernel', shape: [U, U], init: { kind: 'orthogonal', gain: 1 } },
    ];
    if (this.useBias) specs.push({ name: 'bias', shape: [U], init: { kind: 'zeros' } });
    return specs;
  }

  attach(weights: readonly FloatArray[], grads: readonly FloatArray[]): void {
    [this.kernel, this.recurrentKernel] = weights;
    this.step.recurrentKernel = this.recurrentKernel;
    [this.dKernel, this.dRecurrentKernel] = grads;
    this.bias = this.useBias ? weights[2] : null;
    this.dBias = this.useBias ? grads[2] : null;
  }

  // x [T*B*I] time-major; h [(T+1)*B*U]; kernel [I, U]; recurrentKernel [U, U]; bias [U]
  forward(x: FloatArray, T: number, B: number, state0: readonly (FloatArray | null)[]): void {
    const U = this.units;
    const I = this.inputDim;
    const be = this.backend;
    this.ws.ensure(T, B);
    const h = this.ws.buf.h;
    this.T = T;
    this.B = B;
    this.x = x;
    loadInitialState(h, state0[0] ?? null, B * U);
    // 1. input projection of every step at once into h_1..h_T: z = x · W + b
    fillRowsWithBias(h, B * U, T * B, this.bias, 0, U);
    be.gemm(T * B, U, I, mat(x, 0, I), mat(this.kernel, 0, U), mat(h, B * U, U), true);
    // 2. the recurrence, step by step (the backend's step): z_t += h_{t-1} · U; h_t = act(z_t)
    const step = this.step;
    step.B = B;
    step.h = h;
    const drops = this.dropout;
    drops.ensure(T, B, I, U, this.dtype);
    step.recurrentDropout = drops.recurrent;
    step.hDrop = drops.hDrop;
    const masks = this.masks;
    for (let t = 1; t <= T; t++) {
      step.t = t;
      be.simpleRnnForward(step);
      masks.carry(t, B, U, h);
    }
  }

  // dh [T*B*U] (overwritten with dz); dx [T*B*I]; dState0[0] [B*U]
  backward(
    dh: FloatArray,
    dStateT: readonly (FloatArray | null)[],
    dx: FloatArray,
    dState0: readonly FloatArray[],
  ): void {
    const U = this.units;
    const I = this.inputDim;
    const { T, B } = this;
    if (T === 0) throw new SeqcastError('state', 'SimpleRNN: backward() called before forward()');
    const be = this.backend;
    this.ws.ensureBackward(T, B);
    const h = this.ws.buf.h;
    const dhNext = this.ws.buf.dhNext;
    loadInitialState(dhNext, dStateT[0] ?? null, B * U);
    const step = this.step;
    step.B = B;
    step.h = h;
    step.dh = dh;
    step.dhNext = dhNext;
    step.probe = this.gradientProbe;
    const drops = this.dropout;
    drops.ensureBackward(T, B, I, U, this.dtype);
    step.recurrentDropout = drops.recurrent;
    step.hDrop = drops.hDrop;
    step.dhDrop = drops.dhDrop;
    const masks = this.masks;
    for (let t = T; t >= 1; t--) {
      step.t = t;
      masks.hold(t, B, U, dh, dhNext, null);
      be.simpleRnnBackward(step); // dh block t-1 becomes dz_t
      masks.release(t, B, U, dhNext, null, step.probe);
    }
    dState0[0].set(dhNext.subarray(0, B * U));
    // weight gradients: one product each over all steps (accumulates)
    be.gemm(I, U, T * B, matT(this.x, 0, I), mat(dh, 0, U), mat(this.dKernel, 0, U), true);
    if (drops.recurrent === null)
      be.gemm(U, U, T * B, matT(h, 0, U), mat(dh, 0, U), mat(this.dRecurrentKernel, 0, U), true);
    else drops.recurrentKernelGradient(be, T, B, U, dh, U, this.dRecurrentKernel, 0, 1);
    if (this.dBias !== null) accumulateColumnSums(be, dh, 0, T * B, U, U, this.dBias, 0);
    be.gemm(T * B, I, U, mat(dh, 0, U), matT(this.kernel, 0, U), mat(dx, 0, I), false);
  }

  internals(): Readonly<Record<string, Float64Array>> {
    const n = this.B * this.units;
    return { h: Float64Array.from(this.ws.buf.h.subarray(n, (this.T + 1) * n)) };
  }
}

/**
 * One step by the textbook, in plain loops: the documentation of what every backend's step computes
 * (src/kernels/steps.ts and the fused kernels), and its test oracle. x [B, I], hPrev [B, U], kernel [I, U], recurrentKernel [U, U], bias [U] or null → h [B, U].
 */
export function simpleRnnStepNaive(
  x: ArrayLike<number>,
  hPrev: ArrayLike<number>,
  kernel: ArrayLike<number>,
  recurrentKernel: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  B: number,
  I: number,
  U: number,
  act: (v: number) => number,
): Float64Array {
  const h = new Float64Array(B * U);
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < U; j++) {
      let z = bias === null ? 0 : bias[j];
      for (let i = 0; i < I; i++) z += x[b * I + i] * kernel[i * U + j];
      for (let k = 0; k < U; k++) z += hPrev[b * U + k] * recurrentKernel[k * U + j];
      h[b * U + j] = act(z);
    }
  }
  return h;
}

/** The SimpleRNN's options: the recurrent ones and PyTorch's second bias. */
const SIMPLE_RNN_OPTIONS = { ...RECURRENT_OPTIONS, recurrentBias: RECURRENT_BIAS_OPTION };

export type SimpleRNNConfig = ConfigOf<typeof SIMPLE_RNN_OPTIONS>;
export type SimpleRNNOptions = OptionsOf<typeof SIMPLE_RNN_OPTIONS, 'units'>;

/** The SimpleRNN's descriptor: its options, Keras names and keys (see descriptor.ts). */
export const SIMPLE_RNN_LAYER = describeLayer({
  className: 'SimpleRNN',
  options: SIMPLE_RNN_OPTIONS,
  keras: recurrentKerasKeys(false),
  create: (config) => new SimpleRNN(config),
});

export class SimpleRNN extends Recurrent<SimpleRNNCell, SimpleRNNConfig> {
  readonly className = 'SimpleRNN' as const;

  constructor(options: SimpleRNNOptions) {
    const config = SIMPLE_RNN_LAYER.resolve(options);
    super(new SimpleRNNCell(config), config);
  }
}

/** A fully-connected recurrent layer: `h_t = act(x_t · kernel + h_{t-1} · recurrent_kernel + bias)`. */
export function simpleRNN(options: SimpleRNNOptions): SimpleRNN {
  return new SimpleRNN(options);
}
