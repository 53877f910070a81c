/**
 * What the model API accepts as data: a tensor `{ shape, data }` (a typed array or a plain number array
 * with its shape), or nested arrays of numbers (`[[[0.1], [0.2]], …]`), which must be rectangular.
 */
import { SeqcastError } from '../errors.js';
import type { DType, FloatArray, Tensor } from '../tensor.js';
import { allocate, dtypeOf, formatShape, sizeOf } from '../tensor.js';

export type NestedArray = number | readonly NestedArray[];

export type TensorLike =
  Tensor | { readonly shape: readonly number[]; readonly data: ArrayLike<number> } | readonly NestedArray[];

/** A tensor in `dtype` from any accepted form (the same object when it already is one, in that dtype). */
export function toTensor(value: TensorLike, what: string, dtype: DType): Tensor {
  if (Array.isArray(value)) return fromNested(value as readonly NestedArray[], what, dtype);
  const v = value as { shape?: unknown; data?: unknown };
  if (v !== null && typeof v === 'object' && Array.isArray(v.shape) && v.data !== undefined) {
    const shape = v.shape as number[];
    if (!shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new SeqcastError('shape', `${what}: shape must hold integers ≥ 0 (got ${JSON.stringify(shape)})`);
    }
    const data = v.data as ArrayLike<number>;
    if (typeof data !== 'object' || typeof data.length !== 'number') {
      throw new SeqcastError('shape', `${what}: data must be a Float32Array, Float64Array or number array`);
    }
    if (data.length !== sizeOf(shape)) {
      throw new SeqcastError(
        'shape',
        `${what}: shape ${formatShape(shape)} needs ${sizeOf(shape)} values but data holds ${data.length}`,
      );
    }
    if ((data instanceof Float32Array || data instanceof Float64Array) && dtypeOf(data) === dtype) {
      return { shape, data };
    }
    const out = allocate(dtype, data.length);
    for (let i = 0; i < data.length; i++) out[i] = Number(data[i]);
    return { shape, data: out };
  }
  throw new SeqcastError(
    'shape',
    `${what} must be a tensor { shape, data }, or nested arrays of numbers such as [[[0.1], [0.2]]] (got ${describe(value)})`,
  );
}

function fromNested(value: readonly NestedArray[], what: string, dtype: DType): Tensor {
  const shape: number[] = [];
  let level: NestedArray = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = (level as readonly NestedArray[])[0];
  }
  const out: FloatArray = allocate(dtype, sizeOf(shape));
  let k = 0;
  const walk = (node: NestedArray, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number') {
        throw new SeqcastError(
          'shape',
          `${what}${path.map((i) => `[${i}]`).join('')} is ${describe(node)}, expected a number`,
        );
      }
      out[k++] = node;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new SeqcastError(
        'shape',
        `${what} is not rectangular: ${what}${path.map((i) => `[${i}]`).join('')} has ${Array.isArray(node) ? `length ${node.length}` : describe(node)}, ` +
          `expected length ${shape[depth]} as its first sibling (shape ${formatShape(shape)})`,
      );
    }
    (node as readonly NestedArray[]).forEach((child, i) => walk(child, depth + 1, [...path, i]));
  };
  walk(value, 0, []);
  return { shape, data: out };
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v)}`;
  return typeof v === 'object' ? 'an object without shape and data' : `${typeof v} ${String(v)}`;
}
