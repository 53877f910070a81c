/**
 * The plain JavaScript backend: loops over typed arrays, ordered so that the innermost loop walks contiguous
 * memory and blocked in small tiles so that each loaded value serves more than one product.
 * Sums are formed in float64 (JavaScript numbers) and rounded when stored.
 */
import type { FloatArray } from '../tensor.js';
import type { Activation, Backend, MatrixView, OutputView } from './backend.js';
import * as steps from './steps.js';

/**
 * The steps compute through the backend they are called on (`this`), so a backend made by spreading this
 * one with its own gemm or activations (`{ ...jsBackend, gemm }`) uses them inside its steps too.
 */
export const jsBackend: Backend = {
  name: 'js',
  gemm,
  activate,
  activateBackward,
  simpleRnnForward(st) {
    steps.simpleRnnForward(this, st);
  },
  simpleRnnBackward(st) {
    steps.simpleRnnBackward(this, st);
  },
  lstmForward(st) {
    steps.lstmForward(this, st);
  },
  lstmBackward(st) {
    steps.lstmBackward(this, st);
  },
  gruForward(st) {
    steps.gruForward(this, st);
  },
  gruBackward(st) {
    steps.gruBackward(this, st);
  },
};

function gemm(
  M: number,
  N: number,
  K: number,
  a: MatrixView,
  b: MatrixView,
  c: OutputView,
  accumulate: boolean,
): void {
  const { data: A, offset: aOff, ld: lda, trans: transA } = a;
  const { data: B, offset: bOff, ld: ldb, trans: transB } = b;
  const { data: C, offset: cOff, ld: ldc } = c;
  if (!accumulate) {
    for (let i = 0; i < M; i++) C.fill(0, cOff + i * ldc, cOff + i * ldc + N);
  }
  if (K === 0 || M === 0 || N === 0) return;
  // op(A)[i, k] = A[aOff + i·ar + k·ac]
  const ar = transA ? 1 : lda;
  const ac = transA ? lda : 1;
  if (!transB) gemmRowsOfB(M, N, K, A, aOff, ar, ac, B, bOff, ldb, C, cOff, ldc);
  else if (!transA) gemmDots(M, N, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc);
  else {
    // Both transposed: no layer uses it; plain triple loop.
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += A[aOff + k * lda + i] * B[bOff + j * ldb + k];
        C[cOff + i * ldc + j] += s;
      }
    }
  }
}

/**
 * C[i, :] += Σ_k op(A)[i, k] · B[k, :], rows of B contiguous. Two rows of C at a time against four rows of
 * B: each loaded B value serves two rows, each C row is loaded and stored once per four k (measured
 * 1.4–2× faster than one row at a time; bench/README.md).
 */
function gemmRowsOfB(
  M: number,
  N: number,
  K: number,
  A: FloatArray,
  aOff: number,
  ar: number,
  ac: number,
  B: FloatArray,
  bOff: number,
  ldb: number,
  C: FloatArray,
  cOff: number,
  ldc: number,
): void {
  let i = 0;
  for (; i + 1 < M; i += 2) {
    const c0 = cOff + i * ldc;
    const c1 = c0 + ldc;
    const x = aOff + i * ar; // op(A)[i, 0]
    const y = x + ar; // op(A)[i+1, 0]
    let k = 0;
    for (; k + 3 < K; k += 4) {
      const x0 = A[x + k * ac];
      const x1 = A[x + (k + 1) * ac];
      const x2 = A[x + (k + 2) * ac];
      const x3 = A[x + (k + 3) * ac];
      const y0 = A[y + k * ac];
      const y1 = A[y + (k + 1) * ac];
      const y2 = A[y + (k + 2) * ac];
      const y3 = A[y + (k + 3) * ac];
      const b0 = bOff + k * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      for (let j = 0; j < N; j++) {
        const p = B[b0 + j];
        const q = B[b1 + j];
        const r = B[b2 + j];
        const s = B[b3 + j];
        C[c0 + j] += x0 * p + x1 * q + x2 * r + x3 * s;
        C[c1 + j] += y0 * p + y1 * q + y2 * r + y3 * s;
      }
    }
    for (; k < K; k++) {
      const xk = A[x + k * ac];
      const yk = A[y + k * ac];
      const b0 = bOff + k * ldb;
      for (let j = 0; j < N; j++) {
        const p = B[b0 + j];
        C[c0 + j] += xk * p;
        C[c1 + j] += yk * p;
      }
    }
  }
  // The last row alone, with exactly the arithmetic of a paired row (four k per update of C), so that a
  // row's result does not depend on its position in the batch.
  for (; i < M; i++) {
    const c0 = cOff + i * ldc;
    const x = aOff + i * ar;
    let k = 0;
    for (; k + 3 < K; k += 4) {
      const x0 = A[x + k * ac];
      const x1 = A[x + (k + 1) * ac];
      const x2 = A[x + (k + 2) * ac];
      const x3 = A[x + (k + 3) * ac];
      const b0 = bOff + k * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      for (let j = 0; j < N; j++)
        C[c0 + j] += x0 * B[b0 + j] + x1 * B[b1 + j] + x2 * B[b2 + j] + x3 * B[b3 + j];
    }
    for (; k < K; k++) {
      const xk = A[x + k * ac];
      const b0 = bOff + k * ldb;
      for (let j = 0; j < N; j++) C[c0 + j] += xk * B[b0 + j];
    }
  }
}

/**
 * C[i, j] += A[i, :] · B[j, :], both rows contiguous: dot products, in 2×2 tiles so that each loaded value
 * serves two products.
 */
function gemmDots(
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
): void {
  let i = 0;
  for (; i + 1 < M; i += 2) {
    const a0 = aOff + i * lda;
    const a1 = a0 + lda;
    const c0 = cOff + i * ldc;
    const c1 = c0 + ldc;
    let j = 0;
    for (; j + 1 < N; j += 2) {
      const b0 = bOff + j * ldb;
      const b1 = b0 + ldb;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let k = 0; k < K; k++) {
        const x = A[a0 + k];
        const y = A[a1 + k];
        const p = B[b0 + k];
        const q = B[b1 + k];
        s00 += x * p;
        s01 += x * q;
        s10 += y * p;
        s11 += y * q;
      }
      C[c0 + j] += s00;
      C[c0 + j + 1] += s01;
      C[c1 + j] += s10;
      C[c1 + j + 1] += s11;
    }
    for (; j < N; j++) {
      const b0 = bOff + j * ldb;
      let s0 = 0;
      let s1 = 0;
      for (let k = 0; k < K; k++) {
        s0 += A[a0 + k] * B[b0 + k];
        s1 += A[a1 + k] * B[b0 + k];
      }
      C[c0 + j] += s0;
      C[c1 + j] += s1;
    }
  }
  for (; i < M; i++) {
    const a0 = aOff + i * lda;
    for (let j = 0; j < N; j++) {
      const b0 = bOff + j * ldb;
      let s = 0;
      for (let k = 0; k < K; k++) s += A[a0 + k] * B[b0 + k];
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
    case 'hardSigmoid':
      for (let i = off; i < end; i++) x[i] = hardSigmoid(x[i]);
      return;
    case 'hardSigmoidTfjs':
      for (let i = off; i < end; i++) x[i] = hardSigmoidTfjs(x[i]);
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
    // The slope inside (0, 1), 0 where the output is clipped, kinks included (TensorFlow's relu6 gradient
    // is 0 at both ends; TF.js's clipByValue passes the gradient at them, a difference on a set of measure 0).
    case 'hardSigmoid':
      for (let i = 0; i < n; i++) {
        const v = y[yOff + i];
        dx[dxOff + i] = v > 0 && v < 1 ? dx[dxOff + i] / 6 : 0;
      }
      return;
    case 'hardSigmoidTfjs':
      for (let i = 0; i < n; i++) {
        const v = y[yOff + i];
        dx[dxOff + i] = v > 0 && v < 1 ? dx[dxOff + i] * 0.2 : 0;
      }
      return;
  }
}

/** The logistic function, written to stay exact at both tails (no exp overflow for large |x|). */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** Keras 3's hard sigmoid: relu6(x + 3) / 6. */
export function hardSigmoid(x: number): number {
  return Math.min(Math.max(x + 3, 0), 6) / 6;
}

/** TF.js's (and Keras 2's) hard sigmoid: clip(0.2·x + 0.5, 0, 1). */
export function hardSigmoidTfjs(x: number): number {
  return Math.min(Math.max(0.2 * x + 0.5, 0), 1);
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
    case 'hardSigmoid':
      return hardSigmoid;
    case 'hardSigmoidTfjs':
      return hardSigmoidTfjs;
  }
}
