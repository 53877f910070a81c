/**
 * GRU (Keras `GRU`), gate blocks along the last axis in the order z, r, h (block k = columns k·U .. (k+1)·U-1):
 *
 *   resetAfter true (Keras 3 default), b = bias [2, 3U] (row 0 input bias, row 1 recurrent bias):
 *     mx = x_t · W + b[0],  mh = h_{t-1} · U + b[1]
 *     z = ract(mx_z + mh_z),  r = ract(mx_r + mh_r),  hh = act(mx_h + r ⊙ mh_h)
 *   resetAfter false, b = bias [3U]:
 *     mx = x_t · W + b
 *     z = ract(mx_z + h_{t-1} · U_z),  r = ract(mx_r + h_{t-1} · U_r),  hh = act(mx_h + (r ⊙ h_{t-1}) · U_h)
 *   both:
 *     h_t = z ⊙ h_{t-1} + (1 − z) ⊙ hh
 *
 * Shapes: x_t [B, I], W = kernel [I, 3U], U = recurrent_kernel [U, 3U], h_t [B, U]; `act` = activation,
 * `ract` = recurrentActivation. Backward through time, with dh_t the gradient reaching h_t from the outputs,
 * dhNext the gradient carried back from step t+1, and a "Pre" suffix for a gradient before the activation:
 *
 *     dht     = dh_t + dhNext
 *     dzPre   = dht ⊙ (h_{t-1} − hh) ⊙ ract'(z),   dhhPre = dht ⊙ (1 − z) ⊙ act'(hh)
 *   resetAfter true:
 *     drPre   = dhhPre ⊙ mh_h ⊙ ract'(r)
 *     dMX     = [dzPre, drPre, dhhPre],  dMH = [dzPre, drPre, dhhPre ⊙ r]
 *     dhNext  = dht ⊙ z + dMH · Uᵀ
 *     dU = Σ_t h_{t-1}ᵀ · dMH,  db[0] = Σ dMX,  db[1] = Σ dMH
 *   resetAfter false:
 *     drh     = dhhPre · U_hᵀ,  drPre = drh ⊙ h_{t-1} ⊙ ract'(r),  dMX = [dzPre, drPre, dhhPre]
 *     dhNext  = dht ⊙ z + drh ⊙ r + [dzPre, drPre] · U_{zr}ᵀ
 *     dU_{zr} = Σ_t h_{t-1}ᵀ · [dzPre, drPre],  dU_h = Σ_t (r ⊙ h_{t-1})ᵀ · dhhPre,  db = Σ dMX
 *   both:
 *     dW = Σ_t x_tᵀ · dMX,  dx_t = dMX · Wᵀ,  dh_0 = dhNext after step 1
 *
 * With recurrent dropout (training; recurrent-dropout.ts) gate block k's recurrent product reads
 * h_{t-1} ⊙ m_k (resetAfter false: rh = r ⊙ (h_{t-1} ⊙ m_h)), while z ⊙ h_{t-1} keeps the real state; each
 * product's gradient to h_{t-1} is multiplied by m_k, and dU_k is formed from h_{t-1} ⊙ m_k. With input
 * dropout too, block k's input product reads x_t ⊙ d_k: dW_k = Σ_t (x_t ⊙ d_k)ᵀ · dMX_k,
 * dx_t = Σ_k (dMX_k · W_kᵀ) ⊙ d_k.
 */
import { CellMask } from './mask.js';
import { CellDropout } from './recurrent-dropout.js';
import { SeqcastError } from '../errors.js';
import type { Activation, Backend, GruStep } from '../kernels/backend.js';
import { mat, matT } from '../kernels/backend.js';
import type { DType, FloatArray } from '../tensor.js';
import { allocate } from '../tensor.js';
import type { RecurrentCell } from './cell.js';
import { accumulateColumnSums, columnBlock, fillRowsWithBias, loadInitialState, Workspace } from './cell.js';
import type { BuildContext, WeightSpec } from './layer.js';
import type { ConfigOf, OptionsOf } from './descriptor.js';
import { booleanOption, describeLayer, fail } from './descriptor.js';
import { Recurrent } from './recurrent.js';
import { RECURRENT_ACTIVATION, RECURRENT_OPTIONS, recurrentKerasKeys } from './recurrent-options.js';

export interface GRUCellOptions {
  readonly units: number;
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  readonly useBias: boolean;
  readonly resetAfter: boolean;
}

export class GRUCell implements RecurrentCell {
  readonly units: number;
  readonly stateCount = 1 as const;
  readonly activation: Activation;
  readonly recurrentActivation: Activation;
  readonly useBias: boolean;
  readonly resetAfter: boolean;
  private inputDim = 0;
  private backend!: Backend;
  private ws!: Workspace<'h' | 'gates' | 'mh' | 'rh' | 'dMX' | 'dMH' | 'drh' | 'dhNext'>;
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
  private step!: GruStep;
  gradientProbe: FloatArray | null = null;
  /** The mask of the current call, set by the layer (see mask.ts); null: every step is real. */
  readonly masks = new CellMask();
  /** The dropout masks of the current call, set by the layer (see recurrent-dropout.ts). */
  readonly dropout = new CellDropout(3);
  private dtype: DType = 'float32';

  constructor(options: GRUCellOptions) {
    this.units = options.units;
    this.activation = options.activation;
    this.recurrentActivation = options.recurrentActivation;
    this.useBias = options.useBias;
    this.resetAfter = options.resetAfter;
  }

  get states(): readonly FloatArray[] {
    return [this.ws.buf.h];
  }

  build(inputDim: number, ctx: BuildContext): void {
    const U = this.units;
    const U3 = 3 * U; // the three gate blocks
    this.inputDim = inputDim;
    this.backend = ctx.backend;
    this.dtype = ctx.dtype;
    const after = this.resetAfter ? 1 : 0; // the buffers of the other variant stay empty
    const before = 1 - after;
    this.ws = new Workspace(
      ctx.dtype,
      {
        h: (T, B) => (T + 1) * B * U, // [T+1, B, U]: h_0 .. h_T
        gates: (T, B) => T * B * U3, // [T, B, 3U]: mx, then overwritten with post-activation z, r, hh
        mh: (T, B) => after * T * B * U3, // [T, B, 3U] (resetAfter): h_{t-1} · U + b[1]
        rh: (T, B) => before * T * B * U, // [T, B, U] (not resetAfter): r ⊙ h_{t-1}
        dMX: (T, B) => T * B * U3, // [T, B, 3U]: [dzPre, drPre, dhhPre]
        dMH: (T, B) => after * T * B * U3, // [T, B, 3U] (resetAfter): [dzPre, drPre, dhhPre ⊙ r]
        drh: (_T, B) => before * B * U, // [B, U] (not resetAfter): d(r ⊙ h_{t-1}) of one step
        dhNext: (_T, B) => B * U, // [B, U]
      },
      ['dMX', 'dMH', 'drh', 'dhNext'],
    );
    const none = allocate(ctx.dtype, 0);
    this.step = {
      B: 0,
      U,
      t: 0,
      activation: this.activation,
      recurrentActivation: this.recurrentActivation,
      resetAfter: this.resetAfter,
      recurrentKernel: none,
      h: none,
      gates: none,
      mh: none,
      rh: none,
      dh: none,
      dMX: none,
      dMH: none,
      drh: none,
      dhNext: none,
      probe: null,
      recurrentDropout: null,
      hDrop: none,
      dhDrop: none,
    };
  }

  weightSpecs(): readonly WeightSpec[] {
    const U = this.units;
    const U3 = 3 * U; // the three gate blocks
    const specs: WeightSpec[] = [
      { name: 'kernel', shape: [this.inputDim, U3], init: { kind: 'glorotUniform' } },
      { name: 'recurrent_kernel', shape: [U, U3], init: { kind: 'orthogonal', gain: 1 } },
    ];
    if (this.useBias) {
      const shape = this.resetAfter ? [2, U3] : [U3];
      specs.push({ name: 'bias', shape, init: { kind: 'zeros' } });
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

  // x [T*B*I] time-major; h [(T+1)*B*U]; gates [T*B*3U]; kernel [I, 3U]; recurrentKernel [U, 3U];
  // bias [2, 3U] (resetAfter) or [3U]
  forward(x: FloatArray, T: number, B: number, state0: readonly (FloatArray | null)[]): void {
    const U = this.units;
    const U3 = 3 * U; // the three gate blocks
    const I = this.inputDim;
    this.ws.ensure(T, B);
    const { h, gates } = this.ws.buf;
    this.T = T;
    this.B = B;
    this.x = x;
    loadInitialState(h, state0[0] ?? null, B * U);
    const drops = this.dropout;
    drops.ensure(T, B, I, U, this.dtype);
    // 1. input projection of every step at once: mx = x · W + b[0] (or + b); per gate block with per-gate
    // input masks
    fillRowsWithBias(gates, 0, T * B, this.bias, 0, U3);
    if (drops.input === null)
      this.backend.gemm(T * B, U3, I, mat(x, 0, I), mat(this.kernel, 0, U3), mat(gates, 0, U3), true);
    else drops.projectInputs(this.backend, x, T, B, I, U, this.kernel, gates);
    if (this.resetAfter) fillRowsWithBias(this.ws.buf.mh, 0, T * B, this.bias, U3, U3);
    // 2. the recurrence, step by step (the backend's step: the recurrent product, gates, h_t)
    const step = this.fillStep(B);
    const masks = this.masks;
    for (let t = 1; t <= T; t++) {
      step.t = t;
      this.backend.gruForward(step);
      masks.carry(t, B, U, h);
    }
  }

  /** The step's buffers of the current workspace and batch (forward's and, once allocated, backward's). */
  private fillStep(B: number): GruStep {
    const step = this.step;
    const buf = this.ws.buf;
    step.B = B;
    step.h = buf.h;
    step.gates = buf.gates;
    step.mh = buf.mh;
    step.rh = buf.rh;
    step.dMX = buf.dMX;
    step.dMH = buf.dMH;
    step.drh = buf.drh;
    step.dhNext = buf.dhNext;
    step.recurrentDropout = this.dropout.recurrent;
    step.hDrop = this.dropout.hDrop;
    step.dhDrop = this.dropout.dhDrop;
    return step;
  }

  // dh [T*B*U]; dx [T*B*I] (overwritten); dState0[0] [B*U] (overwritten); accumulates into dKernel,
  // dRecurrentKernel, dBias
  backward(
    dh: FloatArray,
    dStateT: readonly (FloatArray | null)[],
    dx: FloatArray,
    dState0: readonly FloatArray[],
  ): void {
    const U = this.units;
    const U3 = 3 * U; // the three gate blocks
    const I = this.inputDim;
    const { T, B } = this;
    if (T === 0) throw new SeqcastError('state', 'GRU: backward() called before forward()');
    const be = this.backend;
    this.ws.ensureBackward(T, B);
    const drops = this.dropout;
    drops.ensureBackward(T, B, I, U, this.dtype);
    const { h, dMX, dhNext } = this.ws.buf;
    loadInitialState(dhNext, dStateT[0] ?? null, B * U);
    const step = this.fillStep(B);
    step.dh = dh;
    step.probe = this.gradientProbe;
    const masks = this.masks;
    for (let t = T; t >= 1; t--) {
      step.t = t;
      masks.hold(t, B, U, dh, dhNext, null);
      be.gruBackward(step);
      masks.release(t, B, U, dhNext, null, step.probe);
    }
    dState0[0].set(dhNext.subarray(0, B * U));
    // weight gradients: one product each over all steps (accumulates)
    const x = this.x;
    const dRK = this.dRecurrentKernel;
    if (drops.input === null)
      be.gemm(I, U3, T * B, matT(x, 0, I), mat(dMX, 0, U3), mat(this.dKernel, 0, U3), true);
    if (this.resetAfter) {
      const dMH = this.ws.buf.dMH;
      if (drops.recurrent === null)
        be.gemm(U, U3, T * B, matT(h, 0, U), mat(dMH, 0, U3), mat(dRK, 0, U3), true);
      else drops.recurrentKernelGradient(be, T, B, U, dMH, U3, dRK, 0, 3);
      if (this.dBias !== null) {
        accumulateColumnSums(be, dMX, 0, T * B, U3, U3, this.dBias, 0);
        accumulateColumnSums(be, dMH, 0, T * B, U3, U3, this.dBias, U3);
      }
    } else {
      const rh = this.ws.buf.rh;
      if (drops.recurrent === null)
        be.gemm(U, 2 * U, T * B, matT(h, 0, U), mat(dMX, 0, U3), mat(dRK, 0, U3), true);
      else drops.recurrentKernelGradient(be, T, B, U, dMX, U3, dRK, 0, 2);
      be.gemm(U, U, T * B, matT(rh, 0, U), mat(dMX, 2 * U, U3), mat(dRK, 2 * U, U3), true); // rh holds m_h
      if (this.dBias !== null) accumulateColumnSums(be, dMX, 0, T * B, U3, U3, this.dBias, 0);
    }
    if (drops.input === null)
      be.gemm(T * B, I, U3, mat(dMX, 0, U3), matT(this.kernel, 0, U3), mat(dx, 0, I), false);
    else drops.inputGradients(be, dMX, T, B, I, U, this.kernel, this.dKernel, dx);
  }

  internals(): Readonly<Record<string, Float64Array>> {
    const U = this.units;
    const n = this.B * U;
    const rows = this.T * this.B;
    const { h, gates } = this.ws.buf;
    return {
      h: Float64Array.from(h.subarray(n, (this.T + 1) * n)),
      z: columnBlock(gates, rows, 3 * U, 0, U),
      r: columnBlock(gates, rows, 3 * U, 1, U),
      candidate: columnBlock(gates, rows, 3 * U, 2, U),
    };
  }
}

/**
 * One step by the textbook, in plain loops: the documentation of what every backend's step computes
 * (src/kernels/steps.ts and the fused kernels), and its test oracle. x [B, I], hPrev [B, U], kernel [I, 3U], recurrentKernel [U, 3U], bias [2, 3U] (resetAfter),
 * [3U] (not resetAfter) or null → h [B, U].
 */
export function gruStepNaive(
  x: ArrayLike<number>,
  hPrev: ArrayLike<number>,
  kernel: ArrayLike<number>,
  recurrentKernel: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  B: number,
  I: number,
  U: number,
  resetAfter: boolean,
  act: (v: number) => number,
  ract: (v: number) => number,
): Float64Array {
  const G = 3 * U;
  const h = new Float64Array(B * U);
  const mx = new Float64Array(G);
  const mh = new Float64Array(G);
  for (let b = 0; b < B; b++) {
    // mx = x · W + b[0] (or + b); mh = h_{t-1} · U (+ b[1] when resetAfter)
    for (let c = 0; c < G; c++) {
      let sx = bias === null ? 0 : bias[c];
      for (let i = 0; i < I; i++) sx += x[b * I + i] * kernel[i * G + c];
      mx[c] = sx;
      let sh = bias === null || !resetAfter ? 0 : bias[G + c];
      for (let k = 0; k < U; k++) sh += hPrev[b * U + k] * recurrentKernel[k * G + c];
      mh[c] = sh;
    }
    for (let j = 0; j < U; j++) {
      const z = ract(mx[j] + mh[j]);
      let hh: number;
      if (resetAfter) {
        const r = ract(mx[U + j] + mh[U + j]);
        hh = act(mx[2 * U + j] + r * mh[2 * U + j]);
      } else {
        // (r ⊙ h_{t-1}) · U_h needs every r of this row
        let s = mx[2 * U + j];
        for (let k = 0; k < U; k++) {
          const rk = ract(mx[U + k] + mh[U + k]);
          s += rk * hPrev[b * U + k] * recurrentKernel[k * G + 2 * U + j];
        }
        hh = act(s);
      }
      h[b * U + j] = z * hPrev[b * U + j] + (1 - z) * hh;
    }
  }
  return h;
}

/** The GRU's options: the recurrent ones, its gate activation and where the reset gate applies. */
const GRU_OPTIONS = {
  ...RECURRENT_OPTIONS,
  /** Of the gates z, r. Default 'sigmoid' (the logistic function, as in Keras 3; not TF.js's hard sigmoid). */
  recurrentActivation: RECURRENT_ACTIVATION,
  /** Apply the reset gate after the recurrent product (Keras 3 default, bias [2, 3U]). Default true. */
  resetAfter: {
    ...booleanOption('reset_after', true),
    fromKeras(where: string, v: unknown, key: string): boolean {
      if (v === undefined) {
        fail(
          `${where} does not state reset_after, whose default differs between TF.js (false) and Keras 3 (true); ` +
            `add "reset_after": true or false as the model was built`,
        );
      }
      return booleanOption(key, true).fromKeras!(where, v, key);
    },
  },
};

export type GRUConfig = ConfigOf<typeof GRU_OPTIONS>;
export type GRUOptions = OptionsOf<typeof GRU_OPTIONS, 'units'>;

/** The GRU's descriptor: its options, Keras names and keys (see descriptor.ts). */
export const GRU_LAYER = describeLayer({
  className: 'GRU',
  options: GRU_OPTIONS,
  keras: recurrentKerasKeys(true),
  create: (config) => new GRU(config),
});

export class GRU extends Recurrent<GRUCell, GRUConfig> {
  readonly className = 'GRU' as const;

  constructor(options: GRUOptions) {
    const config = GRU_LAYER.resolve(options);
    super(new GRUCell(config), config);
  }
}

/** A gated recurrent unit layer (Keras GRU: gates z, r, h; `resetAfter` true by default). */
export function gru(options: GRUOptions): GRU {
  return new GRU(options);
}
