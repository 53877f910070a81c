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
 */
import { SeqcastError } from '../errors.js';
import type { Initializer } from '../initializers.js';
import type { Activation, Backend } from '../kernels/backend.js';
import type { FloatArray } from '../tensor.js';
import type { RecurrentCell } from './cell.js';
import { accumulateColumnSums, columnBlock, fillRowsWithBias, loadInitialState, Workspace } from './cell.js';
import type { BuildContext, WeightSpec } from './layer.js';
import type { ConfigOf, OptionsOf } from './descriptor.js';
import { booleanOption, describeLayer } from './descriptor.js';
import { Recurrent } from './recurrent.js';
import { RECURRENT_ACTIVATION, RECURRENT_OPTIONS, recurrentKerasKeys } from './recurrent-options.js';

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
  private ws!: Workspace;
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
    const act = this.activation;
    const ract = this.recurrentActivation;
    this.ws.ensure(T, B);
    const { h, c, gates, cAct } = this.ws.buf;
    this.T = T;
    this.B = B;
    this.x = x;
    loadInitialState(h, state0[0] ?? null, B * U);
    loadInitialState(c, state0[1] ?? null, B * U);
    const fused = act === 'tanh' && ract === 'sigmoid' ? be.lstmForwardStep : undefined;
    // 1. input projection of every step at once: z = x · W + b
    fillRowsWithBias(gates, 0, T * B, this.bias, 0, G);
    be.gemm(false, false, T * B, G, I, x, 0, I, this.kernel, 0, G, gates, 0, G, true);
    // 2. the recurrence, step by step
    for (let t = 1; t <= T; t++) {
      const zOff = (t - 1) * B * G; // block t-1 of gates holds step t
      const sPrev = (t - 1) * B * U; // h_{t-1}, c_{t-1}
      const sOff = t * B * U; // h_t, c_t
      const aOff = (t - 1) * B * U; // act(c_t)
      // z_t += h_{t-1} · U, then the gate activations in place: ract on i, f, o; act on c
      be.gemm(false, false, B, G, U, h, sPrev, U, this.recurrentKernel, 0, G, gates, zOff, G, true);
      if (fused !== undefined) {
        fused.call(be, B, U, gates, zOff, c, sPrev, sOff, cAct, aOff, h);
        continue;
      }
      for (let b = 0; b < B; b++) {
        const row = zOff + b * G;
        be.activate(ract, gates, row, 2 * U);
        be.activate(act, gates, row + 2 * U, U);
        be.activate(ract, gates, row + 3 * U, U);
      }
      // c_t = f ⊙ c_{t-1} + i ⊙ g, and a copy of it in cAct to activate
      for (let b = 0; b < B; b++) {
        const row = zOff + b * G;
        for (let j = 0; j < U; j++) {
          const k = b * U + j;
          const ct = gates[row + U + j] * c[sPrev + k] + gates[row + j] * gates[row + 2 * U + j];
          c[sOff + k] = ct;
          cAct[aOff + k] = ct;
        }
      }
      be.activate(act, cAct, aOff, B * U);
      // h_t = o ⊙ act(c_t)
      for (let b = 0; b < B; b++) {
        const row = zOff + b * G;
        for (let j = 0; j < U; j++) {
          const k = b * U + j;
          h[sOff + k] = gates[row + 3 * U + j] * cAct[aOff + k];
        }
      }
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
    const probe = this.gradientProbe;
    const be = this.backend;
    const act = this.activation;
    const ract = this.recurrentActivation;
    this.ws.ensureBackward(T, B);
    const { h, c, gates, cAct, dz, dhNext, dcNext } = this.ws.buf;
    loadInitialState(dhNext, dStateT[0] ?? null, B * U);
    loadInitialState(dcNext, dStateT[1] ?? null, B * U);
    // the fused step has no probe output: with a gradient probe on, the plain loops run
    const fused = act === 'tanh' && ract === 'sigmoid' && probe === null ? be.lstmBackwardStep : undefined;
    for (let t = T; t >= 1; t--) {
      const zOff = (t - 1) * B * G; // block t-1 of gates and dz holds step t
      const o = (t - 1) * B * U; // block t-1 of dh and cAct holds step t
      const sPrev = (t - 1) * B * U; // c_{t-1}
      if (fused !== undefined) {
        fused.call(be, B, U, gates, zOff, cAct, o, c, sPrev, dh, o, dhNext, dcNext, dz);
        be.gemm(false, true, B, U, G, dz, zOff, G, this.recurrentKernel, 0, G, dhNext, 0, U, false);
        continue;
      }
      // dhTotal = dh_t + dhNext; dz_o (before ract') = dhTotal ⊙ act(c_t);
      // dh block ← dhTotal ⊙ o ⊙ act'(c_t), the path into c_t
      for (let b = 0; b < B; b++) {
        const row = zOff + b * G;
        for (let j = 0; j < U; j++) {
          const k = b * U + j;
          const dhTotal = dh[o + k] + dhNext[k];
          if (probe !== null) probe[o + k] = dhTotal;
          dz[row + 3 * U + j] = dhTotal * cAct[o + k];
          dh[o + k] = dhTotal * gates[row + 3 * U + j];
        }
      }
      be.activateBackward(act, cAct, o, dh, o, B * U);
      // dc = dcNext + (path through h_t); gate gradients before their activations' derivatives; dcNext = dc ⊙ f
      for (let b = 0; b < B; b++) {
        const row = zOff + b * G;
        for (let j = 0; j < U; j++) {
          const k = b * U + j;
          const dc = dcNext[k] + dh[o + k];
          dz[row + j] = dc * gates[row + 2 * U + j]; // di = dc ⊙ g
          dz[row + U + j] = dc * c[sPrev + k]; // df = dc ⊙ c_{t-1}
          dz[row + 2 * U + j] = dc * gates[row + j]; // dg = dc ⊙ i
          dcNext[k] = dc * gates[row + U + j];
        }
      }
      // through the gate activations, from their outputs: dz_t complete
      for (let b = 0; b < B; b++) {
        const row = zOff + b * G;
        be.activateBackward(ract, gates, row, dz, row, 2 * U);
        be.activateBackward(act, gates, row + 2 * U, dz, row + 2 * U, U);
        be.activateBackward(ract, gates, row + 3 * U, dz, row + 3 * U, U);
      }
      // dhNext = dz_t · Uᵀ
      be.gemm(false, true, B, U, G, dz, zOff, G, this.recurrentKernel, 0, G, dhNext, 0, U, false);
    }
    dState0[0].set(dhNext.subarray(0, B * U));
    dState0[1].set(dcNext.subarray(0, B * U));
    // weight gradients: one product each over all steps (accumulates)
    be.gemm(true, false, I, G, T * B, this.x, 0, I, dz, 0, G, this.dKernel, 0, G, true);
    be.gemm(true, false, U, G, T * B, h, 0, U, dz, 0, G, this.dRecurrentKernel, 0, G, true);
    if (this.dBias !== null) accumulateColumnSums(be, dz, 0, T * B, G, G, this.dBias, 0);
    be.gemm(false, true, T * B, I, G, dz, 0, G, this.kernel, 0, G, dx, 0, I, false);
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

  getConfig(): Readonly<Record<string, unknown>> {
    return {
      units: this.units,
      activation: this.activation,
      recurrentActivation: this.recurrentActivation,
      useBias: this.useBias,
      unitForgetBias: this.unitForgetBias,
    };
  }
}

/**
 * One step by the textbook, in plain loops: the documentation of what the fused kernel computes, and its
 * test oracle. x [B, I], hPrev and cPrev [B, U], kernel [I, 4U], recurrentKernel [U, 4U], bias [4U] or
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

/** The LSTM's options: the recurrent ones, its gate activation and the unit forget bias. */
const LSTM_OPTIONS = {
  ...RECURRENT_OPTIONS,
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
