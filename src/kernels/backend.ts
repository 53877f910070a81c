/**
 * The small interface every layer computes through. A faster backend (WebAssembly SIMD, worker threads)
 * implements the same calls and replaces the plain one without a change to any layer.
 *
 * Matrices are row-major with an explicit offset and leading dimension (the distance between rows), as in
 * BLAS, so a layer can point at one time step's block or one gate's columns of a larger buffer without
 * making a view object per step.
 */
import type { FloatArray } from '../tensor.js';

export type Activation = 'linear' | 'tanh' | 'sigmoid' | 'relu';

export const ACTIVATIONS: readonly Activation[] = ['linear', 'tanh', 'sigmoid', 'relu'];

export interface Backend {
  readonly name: string;

  /**
   * C[M, N] = op(A)[M, K] · op(B)[K, N], or C += … when `accumulate` is true.
   * op(A)[i, k] = transA ? A[aOff + k·lda + i] : A[aOff + i·lda + k]; op(B) likewise with bOff, ldb;
   * C[i, j] = C[cOff + i·ldc + j].
   */
  gemm(
    transA: boolean,
    transB: boolean,
    M: number,
    N: number,
    K: number,
    A: FloatArray,
    aOff: number,
    lda: number,
    B: FloatArray,
    bOff: number,
    ldb: number,
    C: FloatArray,
    cOff: number,
    ldc: number,
    accumulate: boolean,
  ): void;

  /** x[off .. off+n) ← act(x[off .. off+n)), in place. */
  activate(act: Activation, x: FloatArray, off: number, n: number): void;

  /**
   * dx[off .. off+n) ← dx · act'(·), the derivative written from the activation's OUTPUT y
   * (tanh' = 1 − y², sigmoid' = y(1 − y), relu' = [y > 0], linear' = 1), in place.
   */
  activateBackward(
    act: Activation,
    y: FloatArray,
    yOff: number,
    dx: FloatArray,
    dxOff: number,
    n: number,
  ): void;

  /**
   * Optional: one LSTM step after its products, for Keras' default activations (sigmoid gates, tanh cell).
   * gates[zOff …] is a [B, 4U] block of pre-activations i | f | g | o, activated in place; then
   * c_t = f ⊙ c_{t−1} + i ⊙ g, cAct = tanh(c_t), h_t = o ⊙ cAct, each a contiguous [B, U] block
   * (c_{t−1} at c[sPrev], c_t at c[sOff], cAct at cAct[aOff], h_t at h[sOff]). A layer without it, or with
   * other activations, runs the same arithmetic in its own loops.
   */
  lstmForwardStep?(
    B: number,
    U: number,
    gates: FloatArray,
    zOff: number,
    c: FloatArray,
    sPrev: number,
    sOff: number,
    cAct: FloatArray,
    aOff: number,
    h: FloatArray,
  ): void;

  /**
   * Optional: the elementwise part of one LSTM step backward. With dhTotal = dh[dhOff …] + dhNext:
   * dz_o = dhTotal ⊙ cAct ⊙ o(1−o); dc = dcNext + dhTotal ⊙ o ⊙ (1 − cAct²); dz_i = dc ⊙ g ⊙ i(1−i);
   * dz_f = dc ⊙ c_{t−1} ⊙ f(1−f); dz_g = dc ⊙ i ⊙ (1 − g²); dcNext ← dc ⊙ f. Writes dz[zOff …] ([B, 4U]).
   */
  lstmBackwardStep?(
    B: number,
    U: number,
    gates: FloatArray,
    zOff: number,
    cAct: FloatArray,
    aOff: number,
    c: FloatArray,
    sPrev: number,
    dh: FloatArray,
    dhOff: number,
    dhNext: FloatArray,
    dcNext: FloatArray,
    dz: FloatArray,
  ): void;

  /**
   * Optional: one GRU step (resetAfter, sigmoid gates, tanh candidate) after the recurrent product.
   * gates[g …] ([B, 3U]) holds mx = x·W + b[0], mh[g …] holds h_{t−1}·U + b[1]; gates become
   * z = σ(mx_z + mh_z), r = σ(mx_r + mh_r), hh = tanh(mx_h + r ⊙ mh_h), and
   * h[ht …] = z ⊙ h[hp …] + (1 − z) ⊙ hh ([B, U] blocks).
   */
  gruForwardStep?(
    B: number,
    U: number,
    gates: FloatArray,
    mh: FloatArray,
    g: number,
    h: FloatArray,
    hp: number,
    ht: number,
  ): void;

  /**
   * Optional: the elementwise part of one GRU step backward (resetAfter). With dht = dh[hp …] + dhNext:
   * dzPre = dht ⊙ (h_{t−1} − hh) ⊙ z(1−z), dhhPre = dht ⊙ (1−z) ⊙ (1−hh²), drPre = dhhPre ⊙ mh_h ⊙ r(1−r);
   * writes dMX[g …] = [dzPre, drPre, dhhPre], dMH[g …] = [dzPre, drPre, dhhPre ⊙ r], dhNext = dht ⊙ z.
   */
  gruBackwardStep?(
    B: number,
    U: number,
    gates: FloatArray,
    mh: FloatArray,
    g: number,
    h: FloatArray,
    hp: number,
    dh: FloatArray,
    dhNext: FloatArray,
    dMX: FloatArray,
    dMH: FloatArray,
  ): void;
}
