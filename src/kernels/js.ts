/**
 * The plain JavaScript backend: straightforward loops over typed arrays, ordered so that the innermost loop
 * walks contiguous memory, with the reduction axis unrolled by four to cut loads and stores of C.
 * Sums are formed in float64 (JavaScript numbers) and rounded when stored.
 */
import type { FloatArray } from '../tensor.js';
import type { Activation, Backend } from './backend.js';

export const jsBackend: Backend = {
  name: 'js',
  gemm,
  activate,
  activateBackward,
};

function gemm(
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
): void {
  if (!accumulate) {
    for (let i = 0; i < M; i++) C.fill(0, cOff + i * ldc, cOff + i * ldc + N);
  }
  if (K === 0) return;
  if (!transB) {
    // C[i, :] += Σ_k op(A)[i, k] · B[k, :]: rows of B are contiguous.
    const aRowStep = transA ? 1 : lda; // distance from op(A)[i, k] to op(A)[i+1, k]
    const aColStep = transA ? lda : 1; // distance from op(A)[i, k] to op(A)[i, k+1]
    for (let i = 0; i < M; i++) {
      const c0 = cOff + i * ldc;
      const aI = aOff + i * aRowStep;
      let k = 0;
      for (; k + 3 < K; k += 4) {
        const a0 = A[aI + k * aColStep];
        const a1 = A[aI + (k + 1) * aColStep];
        const a2 = A[aI + (k + 2) * aColStep];
        const a3 = A[aI + (k + 3) * aColStep];
        const b0 = bOff + k * ldb;
        const b1 = b0 + ldb;
        const b2 = b1 + ldb;
        const b3 = b2 + ldb;
        for (let j = 0; j < N; j++) {
          C[c0 + j] += a0 * B[b0 + j] + a1 * B[b1 + j] + a2 * B[b2 + j] + a3 * B[b3 + j];
        }
      }
      for (; k < K; k++) {
        const a = A[aI + k * aColStep];
        const b0 = bOff + k * ldb;
        for (let j = 0; j < N; j++) C[c0 + j] += a * B[b0 + j];
      }
    }
    return;
  }
  if (!transA) {
    // C[i, j] += A[i, :] · B[j, :]: both rows contiguous, a dot product per element.
    for (let i = 0; i < M; i++) {
      const a0 = aOff + i * lda;
      const c0 = cOff + i * ldc;
      for (let j = 0; j < N; j++) {
        const b0 = bOff + j * ldb;
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        let k = 0;
        for (; k + 3 < K; k += 4) {
          s0 += A[a0 + k] * B[b0 + k];
          s1 += A[a0 + k + 1] * B[b0 + k + 1];
          s2 += A[a0 + k + 2] * B[b0 + k + 2];
          s3 += A[a0 + k + 3] * B[b0 + k + 3];
        }
        for (; k < K; k++) s0 += A[a0 + k] * B[b0 + k];
        C[c0 + j] += s0 + s1 + s2 + s3;
      }
    }
    return;
  }
  // Both transposed: rare (no layer uses it); plain triple loop.
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) s += A[aOff + k * lda + i] * B[bOff + j * ldb + k];
      C[cOff + i * ldc + j] += s;
    }
  }
}

function activate(act: Activation, x: FloatArray, off: number, n: number): void {
  const end = off + n;
  switch (act) {
    case 'linear':
      return;
    case 'tanh':
      for (let i = off; i < end; i++) x[i] = Math.tanh(x[i]);
      return;
    case 'sigmoid':
      for (let i = off; i < end; i++) x[i] = sigmoid(x[i]);
      return;
    case 'relu':
      for (let i = off; i < end; i++) x[i] = x[i] > 0 ? x[i] : 0;
      return;
  }
}

function activateBackward(
  act: Activation,
  y: FloatArray,
  yOff: number,
  dx: FloatArray,
  dxOff: number,
  n: number,
): void {
  switch (act) {
    case 'linear':
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) {
        const v = y[yOff + i];
        dx[dxOff + i] *= 1 - v * v;
      }
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) {
        const v = y[yOff + i];
        dx[dxOff + i] *= v * (1 - v);
      }
      return;
    case 'relu':
      for (let i = 0; i < n; i++) if (!(y[yOff + i] > 0)) dx[dxOff + i] = 0;
      return;
  }
}

/** The logistic function, written to stay exact at both tails (no exp overflow for large |x|). */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** The scalar form of an activation, for the plain reference steps. */
export function activationFunction(act: Activation): (v: number) => number {
  switch (act) {
    case 'linear':
      return (v) => v;
    case 'tanh':
      return Math.tanh;
    case 'sigmoid':
      return sigmoid;
    case 'relu':
      return (v) => (v > 0 ? v : 0);
  }
}
