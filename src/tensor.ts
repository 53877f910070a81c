/**
 * Tensors are plain objects: a shape and a flat row-major typed array (last axis fastest), so element
 * `[i, j, k]` of shape `[A, B, C]` is `data[(i * B + j) * C + k]`. No class, no hidden strides.
 *
 * Models compute in float32 by default; float64 exists for gradient checks and for comparing with
 * float64 references, with exactly the same code.
 */
import { SeqcastError } from './errors.js';

export type DType = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;

export interface Tensor {
  readonly shape: readonly number[];
  readonly data: FloatArray;
}

/** A shape without its batch axis; `null` marks an axis whose length is only known at call time. */
export type Shape = readonly (number | null)[];

export function allocate(dtype: DType, length: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(length) : new Float32Array(length);
}

export function dtypeOf(data: FloatArray): DType {
  return data instanceof Float64Array ? 'float64' : 'float32';
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')}]`;
}

/** Makes a tensor from a flat array and a shape, checking that they agree. */
export function tensor(
  data: FloatArray | readonly number[],
  shape: readonly number[],
  dtype: DType = 'float32',
): Tensor {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new SeqcastError(
        'shape',
        `tensor(): every dimension must be an integer ≥ 0 (got shape ${formatShape(shape)})`,
      );
    }
  }
  const n = sizeOf(shape);
  if (data.length !== n) {
    throw new SeqcastError(
      'shape',
      `tensor(): shape ${formatShape(shape)} holds ${n} values but ${data.length} were given`,
    );
  }
  const typed = ArrayBuffer.isView(data) ? (data as FloatArray) : allocate(dtype, n);
  if (!ArrayBuffer.isView(data)) typed.set(data as readonly number[]);
  return { shape: [...shape], data: typed };
}

export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return { shape: [...shape], data: allocate(dtype, sizeOf(shape)) };
}

/** A copy with its own storage, optionally converted to another dtype. */
export function cloneTensor(t: Tensor, dtype: DType = dtypeOf(t.data)): Tensor {
  const data = allocate(dtype, t.data.length);
  data.set(t.data);
  return { shape: [...t.shape], data };
}

/**
 * Index of the first non-finite value, or -1. The check is one pass over the data: cheap beside any
 * layer's work, and it is what keeps a NaN from travelling silently through a model.
 */
export function firstNonFinite(data: FloatArray, length: number = data.length): number {
  for (let i = 0; i < length; i++) {
    const v = data[i];
    if (v - v !== 0) return i; // NaN - NaN and Inf - Inf are NaN; finite - itself is 0
  }
  return -1;
}

/** `[i, j, k]` of flat index `flat` in `shape`, for error messages. */
export function unravelIndex(flat: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let a = shape.length - 1; a >= 0; a--) {
    out[a] = flat % shape[a];
    flat = Math.floor(flat / shape[a]);
  }
  return out;
}

/** dst[to .. to+n) ← src[from .. from+n): a plain loop, with no view object made (for per-row copies in hot loops). */
export function copyRows(src: FloatArray, from: number, dst: FloatArray, to: number, n: number): void {
  for (let i = 0; i < n; i++) dst[to + i] = src[from + i];
}
