/**
 * Recurrent dropout (Keras `recurrent_dropout`) and the per-gate input dropout that comes with it in an LSTM
 * or GRU, as Keras 3 computes them (keras/src/layers/rnn/{simple_rnn,lstm,gru}.py, `DropoutRNNCell`):
 *
 *     SimpleRNN  h_t = act(x̃_t · W + b + (h_{t−1} ⊙ m) · U)
 *     LSTM       z_k = x̃_k · W_k + b_k + (h_{t−1} ⊙ m_k) · U_k          k = i, f, c, o
 *     GRU        the same for k = z, r, h; resetAfter: hh = act(x_h · W_h + b_h + r ⊙ ((h_{t−1} ⊙ m_h) · U_h + b'_h)),
 *                else hh = act(x_h · W_h + b_h + (r ⊙ (h_{t−1} ⊙ m_h)) · U_h);  h_t = z ⊙ h_{t−1} + (1 − z) ⊙ hh
 *
 * Only the recurrent products read the dropped state: the carried state, GRU's z ⊙ h_{t−1} and LSTM's c are the
 * real ones. Each m_k is [B, U], drawn once per call (one mask per sequence of the batch, reused at every step),
 * 1/(1 − rate) where kept and 0 where dropped (dropout-mask.ts); in inference there is none.
 *
 * One mask per gate block: since Keras 3.8 (keras-team/keras#20656, #20663) a layer with recurrent_dropout > 0
 * runs Keras's `implementation=1` and draws `dropout_mask_count` masks (LSTM 4, GRU 3), for the recurrent state
 * and, when `dropout` > 0 too, for the inputs (x̃_k = x_t ⊙ d_k, d_k [B, I]): what Keras 2 did. Keras 3.0–3.7
 * shared one mask among the gates, and TF.js still does (its mask [0] for every gate, and in its GRU the mixed
 * term z ⊙ h_{t−1} dropped too). Without recurrent dropout the layer's one [B, I] input mask is applied by
 * Recurrent.call, as before. Which units are dropped is random either way; these are the structure and the
 * expectation a model is trained with.
 *
 * `CellDropout` holds one call's masks for its cell and does the products over all steps that the per-gate input
 * masks change; the steps (src/kernels/steps.ts) do the recurrent products, reading `recurrent`.
 */
import type { Backend } from '../kernels/backend.js';
import { mat, matT } from '../kernels/backend.js';
import type { Random } from '../random.js';
import type { DType, FloatArray } from '../tensor.js';
import { allocate } from '../tensor.js';
import { drawDropoutMask } from './dropout-mask.js';

export class CellDropout {
  /** Gate blocks n: 1 (SimpleRNN), 4 (LSTM, i f c o), 3 (GRU, z r h). */
  readonly blocks: number;
  /** The recurrent masks of the current call, [B, n·U] (block k = m_k), or null: none. */
  recurrent: FloatArray | null = null;
  /** The per-gate input masks of the current call, [B, n·I] (block k = d_k), or null: none. */
  input: FloatArray | null = null;
  /** [T, B, n·U]: h_{t−1} ⊙ m_k of every step, written by the forward steps, read for dU. */
  hDrop: FloatArray = new Float32Array(0);
  /** [B, n·U]: the backward steps' scratch. */
  dhDrop: FloatArray = new Float32Array(0);
  /** [T, B, n·I]: x_t ⊙ d_k of every step. */
  private xDrop: FloatArray = new Float32Array(0);
  /** [T, B, n·I]: dz_k · W_kᵀ of every step, before the masks. */
  private dxDrop: FloatArray = new Float32Array(0);
  private recurrentStore: FloatArray = new Float32Array(0);
  private inputStore: FloatArray = new Float32Array(0);

  constructor(blocks: number) {
    this.blocks = blocks;
  }

  /**
   * Draws the masks of one call from the layer's generator: per-gate input masks when `inputRate` > 0, then
   * recurrent masks when `recurrentRate` > 0; a rate of 0 leaves that mask null (inference passes 0 for both).
   */
  draw(
    rng: Random,
    inputRate: number,
    recurrentRate: number,
    B: number,
    I: number,
    U: number,
    dtype: DType,
  ): void {
    const n = this.blocks;
    this.input = null;
    this.recurrent = null;
    if (inputRate > 0) {
      this.inputStore = drawDropoutMask(rng, inputRate, B * n * I, this.inputStore, dtype);
      this.input = this.inputStore;
    }
    if (recurrentRate > 0) {
      this.recurrentStore = drawDropoutMask(rng, recurrentRate, B * n * U, this.recurrentStore, dtype);
      this.recurrent = this.recurrentStore;
    }
  }

  /** Grows the buffers the current masks need for T steps of B rows (forward: hDrop, xDrop). */
  ensure(T: number, B: number, I: number, U: number, dtype: DType): void {
    const n = this.blocks;
    if (this.recurrent !== null) this.hDrop = grow(this.hDrop, T * B * n * U, dtype);
    if (this.input !== null) this.xDrop = grow(this.xDrop, T * B * n * I, dtype);
  }

  /** Grows the backward buffers (dhDrop, dxDrop). */
  ensureBackward(T: number, B: number, I: number, U: number, dtype: DType): void {
    const n = this.blocks;
    if (this.recurrent !== null) this.dhDrop = grow(this.dhDrop, B * n * U, dtype);
    if (this.input !== null) this.dxDrop = grow(this.dxDrop, T * B * n * I, dtype);
  }

  /**
   * With per-gate input masks: z[:, k·U .. (k+1)·U) += (x ⊙ d_k) · W_k for every gate block k, over all T·B
   * rows at once. x [T, B, I] time-major; kernel [I, n·U]; z [T, B, n·U]. Accumulates into z.
   */
  projectInputs(
    be: Backend,
    x: FloatArray,
    T: number,
    B: number,
    I: number,
    U: number,
    kernel: FloatArray,
    z: FloatArray,
  ): void {
    const n = this.blocks;
    const d = this.input!;
    const xd = this.xDrop;
    const nI = n * I;
    const G = n * U;
    for (let r = 0; r < T * B; r++) {
      const row = (r % B) * nI; // the mask row of sequence b = r mod B
      for (let k = 0; k < n; k++)
        for (let i = 0; i < I; i++) xd[r * nI + k * I + i] = x[r * I + i] * d[row + k * I + i];
    }
    for (let k = 0; k < n; k++)
      be.gemm(T * B, U, I, mat(xd, k * I, nI), mat(kernel, k * U, G), mat(z, k * U, G), true);
  }

  /**
   * The backward of projectInputs: dKernel[:, k] += (x ⊙ d_k)ᵀ · dz_k (accumulates) and
   * dx = Σ_k (dz_k · W_kᵀ) ⊙ d_k (overwritten). dz [T, B, n·U]; dx [T, B, I].
   */
  inputGradients(
    be: Backend,
    dz: FloatArray,
    T: number,
    B: number,
    I: number,
    U: number,
    kernel: FloatArray,
    dKernel: FloatArray,
    dx: FloatArray,
  ): void {
    const n = this.blocks;
    const d = this.input!;
    const xd = this.xDrop;
    const dxd = this.dxDrop;
    const nI = n * I;
    const G = n * U;
    for (let k = 0; k < n; k++) {
      be.gemm(I, U, T * B, matT(xd, k * I, nI), mat(dz, k * U, G), mat(dKernel, k * U, G), true);
      be.gemm(T * B, I, U, mat(dz, k * U, G), matT(kernel, k * U, G), mat(dxd, k * I, nI), false);
    }
    for (let r = 0; r < T * B; r++) {
      const row = (r % B) * nI;
      for (let i = 0; i < I; i++) {
        let sum = 0;
        for (let k = 0; k < n; k++) sum += dxd[r * nI + k * I + i] * d[row + k * I + i];
        dx[r * I + i] = sum;
      }
    }
  }

  /**
   * With recurrent masks: dRecurrentKernel[:, k·U .. (k+1)·U) += (h ⊙ m_k)ᵀ · dz_k over all T·B rows, for gate
   * blocks k0 ≤ k < k1; dz's rows have leading dimension ldz (its block k at column k·U). Accumulates.
   */
  recurrentKernelGradient(
    be: Backend,
    T: number,
    B: number,
    U: number,
    dz: FloatArray,
    ldz: number,
    dRecurrentKernel: FloatArray,
    k0: number,
    k1: number,
  ): void {
    const n = this.blocks;
    const G = n * U;
    for (let k = k0; k < k1; k++) {
      be.gemm(
        U,
        U,
        T * B,
        matT(this.hDrop, k * U, n * U),
        mat(dz, k * U, ldz),
        mat(dRecurrentKernel, k * U, G),
        true,
      );
    }
  }
}

/** `buf` if it holds n values of the dtype, else a new array of n. */
function grow(buf: FloatArray, n: number, dtype: DType): FloatArray {
  return buf.length >= n && buf instanceof Float64Array === (dtype === 'float64') ? buf : allocate(dtype, n);
}
