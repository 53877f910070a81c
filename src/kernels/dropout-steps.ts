/**
 * Recurrent dropout inside a step (the step contract's `recurrentDropout`, backend.ts): gate block k's
 * recurrent product reads h_{t−1} ⊙ m_k, and the gradient it sends back through U_kᵀ is multiplied by m_k.
 * The loops of steps.ts call these only when a step has a mask. Layouts: the mask m [B, n·U] and a step's
 * block of hDrop [B, n·U] hold gate block k in columns k·U .. (k+1)·U−1 of each row; G = n·U is the width of
 * the [U, G] recurrent kernel.
 */
import type { FloatArray } from '../tensor.js';
import type { StepCommon } from './backend.js';
import type { StepOps } from './step-views.js';
import { sa, sb, sc } from './step-views.js';

/**
 * Recurrent dropout, forward: block t−1 of hDrop [T, B, n·U] ← h_{t−1} ⊙ m, one [B, U] block per gate
 * block (m = st.recurrentDropout [B, n·U]); returns that block's offset.
 */
export function dropHidden(st: StepCommon & { readonly h: FloatArray }, n: number): number {
  const { B, U, t, h, hDrop } = st;
  const m = st.recurrentDropout!;
  const nU = n * U;
  const d = (t - 1) * B * nU;
  const hp = (t - 1) * B * U;
  for (let b = 0; b < B; b++) {
    for (let k = 0; k < n; k++) {
      const row = b * nU + k * U;
      for (let j = 0; j < U; j++) hDrop[d + row + j] = h[hp + b * U + j] * m[row + j];
    }
  }
  return d;
}

/**
 * out[b, k·U + j] += ((h_{t−1} ⊙ m_k) · U_k)[b, j] for gate blocks k0 ≤ k < k1, out's rows at outOff with
 * leading dimension ldOut; U_k = columns k·U .. (k+1)·U−1 of the [U, G] recurrent kernel; hDrop's block at d.
 * Accumulates.
 */
export function droppedProduct(
  be: StepOps,
  st: StepCommon & { readonly recurrentKernel: FloatArray },
  n: number,
  G: number,
  d: number,
  k0: number,
  k1: number,
  out: FloatArray,
  outOff: number,
  ldOut: number,
): void {
  const { B, U } = st;
  for (let k = k0; k < k1; k++) {
    be.gemm(
      B,
      U,
      U,
      sa(st.hDrop, d + k * U, n * U, false),
      sb(st.recurrentKernel, k * U, G, false),
      sc(out, outOff + k * U, ldOut),
      true,
    );
  }
}

/**
 * Recurrent dropout, backward: dhNext ← Σ_k (dz_k · U_kᵀ) ⊙ m_k over gate blocks k0 ≤ k < k1 (or += with
 * `accumulate`), dz_k = columns k·U .. of the [B, ·] rows of dz at dzOff (leading dimension ldz). dhDrop
 * [B, n·U] holds each dz_k · U_kᵀ on the way.
 */
export function droppedProductBackward(
  be: StepOps,
  st: StepCommon & { readonly recurrentKernel: FloatArray },
  n: number,
  G: number,
  dz: FloatArray,
  dzOff: number,
  ldz: number,
  k0: number,
  k1: number,
  accumulate: boolean,
): void {
  const { B, U, dhNext, dhDrop } = st;
  const m = st.recurrentDropout!;
  const nU = n * U;
  for (let k = k0; k < k1; k++) {
    be.gemm(
      B,
      U,
      U,
      sa(dz, dzOff + k * U, ldz, false),
      sb(st.recurrentKernel, k * U, G, true),
      sc(dhDrop, k * U, nU),
      false,
    );
  }
  for (let b = 0; b < B; b++) {
    for (let j = 0; j < U; j++) {
      let sum = 0;
      for (let k = k0; k < k1; k++) sum += dhDrop[b * nU + k * U + j] * m[b * nU + k * U + j];
      dhNext[b * U + j] = accumulate ? dhNext[b * U + j] + sum : sum;
    }
  }
}
