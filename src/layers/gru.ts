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
 */
import { SeqcastError } from '../errors.js';
import type { Activation, Backend } from '../kernels/backend.js';
import type { FloatArray } from '../tensor.js';
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
  /** Keras' default activations: the backend's fused steps (when it has them) compute exactly these. */
  private fusedSteps = false;
  gradientProbe: FloatArray | null = null;

  constructor(options: GRUCellOptions) {
    this.units = options.units;
    this.activation = options.activation;
    this.recurrentActivation = options.recurrentActivation;
    this.useBias = options.useBias;
    this.resetAfter = options.resetAfter;
    this.fusedSteps = this.activation === 'tanh' && this.recurrentActivation === 'sigmoid';
  }

  get states(): readonly FloatArray[] {
    return [this.ws.buf.h];
  }

  build(inputDim: number, ctx: BuildContext): void {
    const U = this.units;
    const U3 = 3 * U; // the three gate blocks
    this.inputDim = inputDim;
    this.backend = ctx.backend;
    const sizes: Record<string, (T: number, B: number) => number> = {
      h: (T, B) => (T + 1) * B * U, // [T+1, B, U]: h_0 .. h_T
      gates: (T, B) => T * B * U3, // [T, B, 3U]: mx, then overwritten with post-activation z, r, hh
      dMX: (T, B) => T * B * U3, // [T, B, 3U]: [dzPre, drPre, dhhPre]
      dhNext: (_T, B) => B * U, // [B, U]
    };
    if (this.resetAfter) {
      sizes.mh = (T, B) => T * B * U3; // [T, B, 3U]: h_{t-1} · U + b[1]
      sizes.dMH = (T, B) => T * B * U3; // [T, B, 3U]: [dzPre, drPre, dhhPre ⊙ r]
    } else {
      sizes.rh = (T, B) => T * B * U; // [T, B, U]: r ⊙ h_{t-1}
      sizes.drh = (_T, B) => B * U; // [B, U]: d(r ⊙ h_{t-1}) of one step
    }
    this.ws = new Workspace(ctx.dtype, sizes, ['dMX', 'dhNext', 'dMH', 'drh']);
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
    // 1. input projection of every step at once: mx = x · W + b[0] (or + b)
    fillRowsWithBias(gates, 0, T * B, this.bias, 0, U3);
    this.backend.gemm(false, false, T * B, U3, I, x, 0, I, this.kernel, 0, U3, gates, 0, U3, true);
    if (this.resetAfter) fillRowsWithBias(this.ws.buf.mh, 0, T * B, this.bias, U3, U3);
    // 2. the recurrence
    for (let t = 1; t <= T; t++) {
      if (this.resetAfter) {
        if (this.forwardStepResetAfter(t, B)) continue; // the fused step also formed h_t
      } else {
        this.forwardStepResetBefore(t, B);
      }
      const g = (t - 1) * B * U3;
      const hp = (t - 1) * B * U;
      const ht = t * B * U;
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < U; j++) {
          const z = gates[g + b * U3 + j];
          h[ht + b * U + j] = z * h[hp + b * U + j] + (1 - z) * gates[g + b * U3 + 2 * U + j];
        }
      }
    }
  }

  // one step t, resetAfter true: mh_t [B, 3U] accumulates h_{t-1} · U (it holds b[1] already); gates of step t
  // become z = ract(mx_z + mh_z), r = ract(mx_r + mh_r), hh = act(mx_h + r ⊙ mh_h)
  private forwardStepResetAfter(t: number, B: number): boolean {
    const U = this.units;
    const U3 = 3 * U; // the three gate blocks
    const be = this.backend;
    const { h, gates, mh } = this.ws.buf;
    const g = (t - 1) * B * U3;
    be.gemm(false, false, B, U3, U, h, (t - 1) * B * U, U, this.recurrentKernel, 0, U3, mh, g, U3, true);
    if (this.fusedSteps && be.gruForwardStep !== undefined) {
      be.gruForwardStep(B, U, gates, mh, g, h, (t - 1) * B * U, t * B * U);
      return true;
    }
    for (let b = 0; b < B; b++) {
      const o = g + b * U3;
      for (let k = 0; k < 2 * U; k++) gates[o + k] += mh[o + k];
      be.activate(this.recurrentActivation, gates, o, 2 * U);
      for (let j = 0; j < U; j++) gates[o + 2 * U + j] += gates[o + U + j] * mh[o + 2 * U + j];
      be.activate(this.activation, gates, o + 2 * U, U);
    }
    return false;
  }

  // one step t, resetAfter false: [mx_z, mx_r] accumulates h_{t-1} · U_{zr}; rh_t = r ⊙ h_{t-1} [B, U];
  // mx_h accumulates rh_t · U_h
  private forwardStepResetBefore(t: number, B: number): void {
    const U = this.units;
    const U3 = 3 * U; // the three gate blocks
    const be = this.backend;
    const { h, gates, rh } = this.ws.buf;
    const g = (t - 1) * B * U3;
    const hp = (t - 1) * B * U;
    be.gemm(false, false, B, 2 * U, U, h, hp, U, this.recurrentKernel, 0, U3, gates, g, U3, true);
    for (let b = 0; b < B; b++) {
      const o = g + b * U3;
      be.activate(this.recurrentActivation, gates, o, 2 * U);
      for (let j = 0; j < U; j++) rh[hp + b * U + j] = gates[o + U + j] * h[hp + b * U + j];
    }
    be.gemm(false, false, B, U, U, rh, hp, U, this.recurrentKernel, 2 * U, U3, gates, g + 2 * U, U3, true);
    for (let b = 0; b < B; b++) be.activate(this.activation, gates, g + b * U3 + 2 * U, U);
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
    const probe = this.gradientProbe;
    const be = this.backend;
    this.ws.ensureBackward(T, B);
    const { h, gates, dMX, dhNext } = this.ws.buf;
    loadInitialState(dhNext, dStateT[0] ?? null, B * U);
    const fused = this.resetAfter && this.fusedSteps && probe === null ? be.gruBackwardStep : undefined;
    for (let t = T; t >= 1; t--) {
      const g = (t - 1) * B * U3;
      const hp = (t - 1) * B * U; // h_{t-1} in h; step t in dh
      if (fused !== undefined) {
        const { mh, dMH } = this.ws.buf;
        fused.call(be, B, U, gates, mh, g, h, hp, dh, dhNext, dMX, dMH);
        be.gemm(false, true, B, U, U3, dMH, g, U3, this.recurrentKernel, 0, U3, dhNext, 0, U, true);
        continue;
      }
      // the update h_t = z ⊙ h_{t-1} + (1 − z) ⊙ hh; dhNext keeps its direct part dht ⊙ z
      for (let b = 0; b < B; b++) {
        const o = g + b * U3;
        for (let j = 0; j < U; j++) {
          const k = b * U + j;
          const dht = dh[hp + k] + dhNext[k];
          if (probe !== null) probe[hp + k] = dht;
          const z = gates[o + j];
          dMX[o + j] = dht * (h[hp + k] - gates[o + 2 * U + j]);
          dMX[o + 2 * U + j] = dht * (1 - z);
          dhNext[k] = dht * z;
        }
        be.activateBackward(this.recurrentActivation, gates, o, dMX, o, U); // dzPre
        be.activateBackward(this.activation, gates, o + 2 * U, dMX, o + 2 * U, U); // dhhPre
      }
      if (this.resetAfter) this.backwardStepResetAfter(t, B);
      else this.backwardStepResetBefore(t, B);
    }
    dState0[0].set(dhNext.subarray(0, B * U));
    // weight gradients: one product each over all steps (accumulates)
    const x = this.x;
    const dRK = this.dRecurrentKernel;
    be.gemm(true, false, I, U3, T * B, x, 0, I, dMX, 0, U3, this.dKernel, 0, U3, true);
    if (this.resetAfter) {
      const dMH = this.ws.buf.dMH;
      be.gemm(true, false, U, U3, T * B, h, 0, U, dMH, 0, U3, dRK, 0, U3, true);
      if (this.dBias !== null) {
        accumulateColumnSums(be, dMX, 0, T * B, U3, U3, this.dBias, 0);
        accumulateColumnSums(be, dMH, 0, T * B, U3, U3, this.dBias, U3);
      }
    } else {
      const rh = this.ws.buf.rh;
      be.gemm(true, false, U, 2 * U, T * B, h, 0, U, dMX, 0, U3, dRK, 0, U3, true);
      be.gemm(true, false, U, U, T * B, rh, 0, U, dMX, 2 * U, U3, dRK, 2 * U, U3, true);
      if (this.dBias !== null) accumulateColumnSums(be, dMX, 0, T * B, U3, U3, this.dBias, 0);
    }
    be.gemm(false, true, T * B, I, U3, dMX, 0, U3, this.kernel, 0, U3, dx, 0, I, false);
  }

  // one step t, resetAfter true: drPre = dhhPre ⊙ mh_h ⊙ ract'(r); dMH_t = [dzPre, drPre, dhhPre ⊙ r];
  // dhNext accumulates dMH_t · Uᵀ
  private backwardStepResetAfter(t: number, B: number): void {
    const U = this.units;
    const U3 = 3 * U; // the three gate blocks
    const be = this.backend;
    const { gates, mh, dMX, dMH, dhNext } = this.ws.buf;
    const g = (t - 1) * B * U3;
    for (let b = 0; b < B; b++) {
      const o = g + b * U3;
      for (let j = 0; j < U; j++) dMX[o + U + j] = dMX[o + 2 * U + j] * mh[o + 2 * U + j];
      be.activateBackward(this.recurrentActivation, gates, o + U, dMX, o + U, U); // drPre
      for (let k = 0; k < 2 * U; k++) dMH[o + k] = dMX[o + k];
      for (let j = 0; j < U; j++) dMH[o + 2 * U + j] = dMX[o + 2 * U + j] * gates[o + U + j];
    }
    be.gemm(false, true, B, U, U3, dMH, g, U3, this.recurrentKernel, 0, U3, dhNext, 0, U, true);
  }

  // one step t, resetAfter false: drh = dhhPre · U_hᵀ [B, U]; drPre = drh ⊙ h_{t-1} ⊙ ract'(r);
  // dhNext accumulates drh ⊙ r + [dzPre, drPre] · U_{zr}ᵀ
  private backwardStepResetBefore(t: number, B: number): void {
    const U = this.units;
    const U3 = 3 * U; // the three gate blocks
    const be = this.backend;
    const { h, gates, dMX, drh, dhNext } = this.ws.buf;
    const g = (t - 1) * B * U3;
    const hp = (t - 1) * B * U;
    be.gemm(false, true, B, U, U, dMX, g + 2 * U, U3, this.recurrentKernel, 2 * U, U3, drh, 0, U, false);
    for (let b = 0; b < B; b++) {
      const o = g + b * U3;
      for (let j = 0; j < U; j++) {
        const k = b * U + j;
        dMX[o + U + j] = drh[k] * h[hp + k];
        dhNext[k] += drh[k] * gates[o + U + j];
      }
      be.activateBackward(this.recurrentActivation, gates, o + U, dMX, o + U, U); // drPre
    }
    be.gemm(false, true, B, U, 2 * U, dMX, g, U3, this.recurrentKernel, 0, U3, dhNext, 0, U, true);
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

  getConfig(): Readonly<Record<string, unknown>> {
    return {
      units: this.units,
      activation: this.activation,
      recurrentActivation: this.recurrentActivation,
      useBias: this.useBias,
      resetAfter: this.resetAfter,
    };
  }
}

/**
 * One step by the textbook, in plain loops: the documentation of what the fused kernel computes, and its
 * test oracle. x [B, I], hPrev [B, U], kernel [I, 3U], recurrentKernel [U, 3U], bias [2, 3U] (resetAfter),
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
