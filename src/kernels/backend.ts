/**
 * The small interface every layer computes through: products, activations, and one step per recurrent
 * cell (the step contract, below). A faster backend (WebAssembly SIMD, native code) implements the same
 * calls and replaces the plain one without a change to any layer.
 *
 * Matrices are row-major views with an explicit offset and leading dimension (the distance between rows),
 * as in BLAS, so a layer can point at one time step's block or one gate's columns of a larger buffer
 * without copying. The products inside a step reuse their views (src/kernels/steps.ts): a training loop
 * allocates nothing per step.
 *
 * Every method takes any FloatArray. The float32 kernels of the wasm and native backends run on
 * Float32Arrays; anything else is computed by the JavaScript arithmetic, so a backend is always correct.
 */
import type { FloatArray } from '../tensor.js';

/**
 * The activations, by their camelCase names. Two hard sigmoids, because Keras 3 changed the definition:
 * - 'hardSigmoid' is Keras 3's `hard_sigmoid`, relu6(x + 3) / 6 = clip(x/6 + 0.5, 0, 1)
 *   (keras/src/activations/activations.py: 0 for x ≤ −3, 1 for x ≥ 3);
 * - 'hardSigmoidTfjs' is TF.js's (and Keras 2's) `hard_sigmoid`, clip(0.2·x + 0.5, 0, 1)
 *   (tfjs-layers backend/tfjs_backend.ts `hardSigmoid`; tf-keras backend.py `hard_sigmoid`).
 * A model.json is the TF.js format, so its "hard_sigmoid" is read as 'hardSigmoidTfjs' (layers/descriptor.ts).
 */
export type Activation = 'linear' | 'tanh' | 'sigmoid' | 'relu' | 'hardSigmoid' | 'hardSigmoidTfjs';

export const ACTIVATIONS: readonly Activation[] = [
  'linear',
  'tanh',
  'sigmoid',
  'relu',
  'hardSigmoid',
  'hardSigmoidTfjs',
];

/**
 * A matrix inside a flat array, as BLAS addresses one: element (i, k) of the stored matrix is
 * data[offset + i·ld + k] (ld, the leading dimension, is the distance between rows). With `trans`, the
 * operand is its transpose: op(X)[i, k] = data[offset + k·ld + i].
 */
export interface MatrixView {
  data: FloatArray;
  offset: number;
  ld: number;
  trans: boolean;
}

/** A product's output: C[i, j] = data[offset + i·ld + j] (never transposed). */
export interface OutputView {
  data: FloatArray;
  offset: number;
  ld: number;
}

/** The view of a matrix stored at `offset` with leading dimension `ld`. */
export function mat(data: FloatArray, offset: number, ld: number): MatrixView {
  return { data, offset, ld, trans: false };
}

/** The view of the transpose of a matrix stored at `offset` with leading dimension `ld`. */
export function matT(data: FloatArray, offset: number, ld: number): MatrixView {
  return { data, offset, ld, trans: true };
}

export interface Backend {
  readonly name: string;

  /**
   * C[M, N] = op(A)[M, K] · op(B)[K, N], or C += … when `accumulate` is true, with op(X) = Xᵀ when
   * `x.trans` (see MatrixView).
   */
  gemm(
    M: number,
    N: number,
    K: number,
    a: MatrixView,
    b: MatrixView,
    c: OutputView,
    accumulate: boolean,
  ): void;

  /** x[off .. off+n) ← act(x[off .. off+n)), in place. */
  activate(act: Activation, x: FloatArray, off: number, n: number): void;

  /**
   * dx[off .. off+n) ← dx · act'(·), the derivative written from the activation's OUTPUT y
   * (tanh' = 1 − y², sigmoid' = y(1 − y), relu' = [y > 0], linear' = 1, hardSigmoid' = [0 < y < 1] / 6,
   * hardSigmoidTfjs' = [0 < y < 1] · 0.2), in place.
   */
  activateBackward(
    act: Activation,
    y: FloatArray,
    yOff: number,
    dx: FloatArray,
    dxOff: number,
    n: number,
  ): void;

  /** One SimpleRNN time step forward: see {@link SimpleRnnStep}. */
  simpleRnnForward(step: SimpleRnnStep): void;
  /** One SimpleRNN time step backward: see {@link SimpleRnnStep}. */
  simpleRnnBackward(step: SimpleRnnStep): void;
  /** One LSTM time step forward: see {@link LstmStep}. */
  lstmForward(step: LstmStep): void;
  /** One LSTM time step backward: see {@link LstmStep}. */
  lstmBackward(step: LstmStep): void;
  /** One GRU time step forward (either `resetAfter`): see {@link GruStep}. */
  gruForward(step: GruStep): void;
  /** One GRU time step backward (either `resetAfter`): see {@link GruStep}. */
  gruBackward(step: GruStep): void;
}

/**
 * The step contract. A recurrent cell owns one step object per layer, fills its buffers once per forward
 * (and backward) call and sets only `t` before each call of the backend's step, so a step allocates
 * nothing. Every buffer is time-major and addressed by `t` (1 ≤ t ≤ T) inside the backend:
 * states [T+1, B, U] (block 0 = the initial state, block t = the state after step t); per-step blocks
 * [T, B, ·] (block t−1 = step t); carried gradients [B, U].
 *
 * A step computes everything of one time step that depends on h_{t−1}: the recurrent product, the gates
 * and the new state forward; the gate gradients, the gradient probe and dh_{t−1} backward. The products
 * over all steps (x · W, the weight gradients, dx) stay in the cell.
 *
 * A backend must compute every activation pair the layers allow. Its fast kernels may cover Keras'
 * defaults only; for any other activations (and any array that is not a Float32Array) it computes the
 * same arithmetic through its own gemm / activate / activateBackward (src/kernels/steps.ts), so a
 * backend's result never depends on which path it took.
 *
 * `probe` (gradient flow, dL/dh_t): when not null, backward stores dhTotal = dh_t + dhNext into block t−1
 * of this [T, B, U] buffer, the whole gradient reaching h_t. Storing it changes no other value.
 *
 * `recurrentDropout` (training with Keras `recurrent_dropout`): when not null, a [B, n·U] mask, one [B, U]
 * block per gate block (n = 1 SimpleRNN, 4 LSTM i|f|c|o, 3 GRU z|r|h), the same at every step. Gate block
 * k's recurrent product then reads h_{t−1} ⊙ m_k instead of h_{t−1}; nothing else does (the carried state,
 * GRU's z ⊙ h_{t−1}, LSTM's c). Forward writes h_{t−1} ⊙ m into block t−1 of `hDrop` ([T, B, n·U], what the
 * cell's dU is formed from); backward sends each gate block's gradient through U_kᵀ into `dhDrop` ([B, n·U]
 * scratch) and adds its product with m_k to dhNext. With null (inference, rate 0) both buffers may be empty
 * and the step is exactly the step without dropout.
 */
export interface StepCommon {
  /** Batch rows. */
  B: number;
  /** Units. */
  U: number;
  /** The step, 1 ≤ t ≤ T. */
  t: number;
  /** The activation (of the candidate, and of the LSTM cell state). */
  activation: Activation;
  /** dL/dh_t from the layer's outputs, [T, B, U]; a step may overwrite block t−1. */
  dh: FloatArray;
  /** The gradient carried back from step t+1, [B, U]: read, then replaced by dL/dh_{t−1} (via h_{t−1}). */
  dhNext: FloatArray;
  /** [T, B, U] or null; see above. */
  probe: FloatArray | null;
  /** [B, n·U] or null: the recurrent dropout mask; see above. */
  recurrentDropout: FloatArray | null;
  /** [T, B, n·U]: h_{t−1} ⊙ m per gate block (with a recurrent dropout mask; else unused). */
  hDrop: FloatArray;
  /** [B, n·U]: backward scratch, the gradient reaching h_{t−1} ⊙ m_k (with a mask; else unused). */
  dhDrop: FloatArray;
}

/**
 * SimpleRNN, h_t = act(x_t · W + b + h_{t−1} · U).
 * forward: block t of `h` holds x_t · W + b on entry; it accumulates h_{t−1} · U and is activated in place.
 * backward: dz_t = (dh_t + dhNext) ⊙ act'(h_t) is written over block t−1 of `dh`; dhNext ← dz_t · Uᵀ.
 */
export interface SimpleRnnStep extends StepCommon {
  /** [U, U] */
  recurrentKernel: FloatArray;
  /** [T+1, B, U] */
  h: FloatArray;
}

/**
 * LSTM, gate blocks i | f | g | o (src/layers/lstm.ts has the equations).
 * forward: block t−1 of `gates` ([B, 4U]) holds x_t · W + b on entry; it accumulates h_{t−1} · U, is
 * activated in place (ract on i, f, o; act on g); c_t, cAct = act(c_t) and h_t are written.
 * backward: writes block t−1 of `dz` (the pre-activation gate gradients), updates dcNext, and replaces
 * dhNext by dz_t · Uᵀ.
 */
export interface LstmStep extends StepCommon {
  /** Of the gates i, f, o. */
  recurrentActivation: Activation;
  /** [U, 4U] */
  recurrentKernel: FloatArray;
  /** [T+1, B, U] */
  h: FloatArray;
  /** [T+1, B, U] */
  c: FloatArray;
  /** [T, B, 4U] */
  gates: FloatArray;
  /** [T, B, U]: act(c_t) */
  cAct: FloatArray;
  /** [T, B, 4U] */
  dz: FloatArray;
  /** [B, U]: the gradient reaching c_t from step t+1, replaced by the one reaching c_{t−1}. */
  dcNext: FloatArray;
}

/**
 * GRU, gate blocks z | r | h (src/layers/gru.ts has the equations), both `resetAfter` variants.
 * forward: block t−1 of `gates` ([B, 3U]) holds mx = x_t · W + b[0] on entry and the post-activation
 * z, r, hh on exit; with resetAfter, block t−1 of `mh` holds b[1] on entry and accumulates h_{t−1} · U;
 * without, block t−1 of `rh` receives r ⊙ h_{t−1} (r ⊙ h_{t−1} ⊙ m_h with recurrent dropout). h_t is written.
 * backward: writes block t−1 of `dMX` (and of `dMH` with resetAfter; `drh` is scratch without) and
 * replaces dhNext by the gradient reaching h_{t−1}.
 * The buffers of the other variant are empty arrays.
 */
export interface GruStep extends StepCommon {
  /** Of the gates z, r. */
  recurrentActivation: Activation;
  resetAfter: boolean;
  /** [U, 3U] */
  recurrentKernel: FloatArray;
  /** [T+1, B, U] */
  h: FloatArray;
  /** [T, B, 3U] */
  gates: FloatArray;
  /** [T, B, 3U] (resetAfter): h_{t−1} · U + b[1] */
  mh: FloatArray;
  /** [T, B, U] (not resetAfter): r ⊙ h_{t−1} */
  rh: FloatArray;
  /** [T, B, 3U] */
  dMX: FloatArray;
  /** [T, B, 3U] (resetAfter) */
  dMH: FloatArray;
  /** [B, U] (not resetAfter) */
  drh: FloatArray;
}
