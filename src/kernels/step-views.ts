/**
 * What the step loops compute through: the part of a backend they use (`StepOps`) and the operand views of
 * their products (steps.ts, dropout-steps.ts, fused-steps.ts).
 */
import type { FloatArray } from '../tensor.js';
import type { Backend, MatrixView, OutputView } from './backend.js';

/**
 * The operand views of the products inside a step, reused: a step runs to its end before another starts
 * (JavaScript runs one at a time, and a product never calls back into a step), so a step allocates
 * nothing. `sa`, `sb` point the views of A and B at a matrix; `sc` the output's.
 */
const viewA: MatrixView = { data: new Float32Array(0), offset: 0, ld: 0, trans: false };
const viewB: MatrixView = { data: new Float32Array(0), offset: 0, ld: 0, trans: false };
const viewC: OutputView = { data: new Float32Array(0), offset: 0, ld: 0 };

export function sa(data: FloatArray, offset: number, ld: number, trans: boolean): MatrixView {
  viewA.data = data;
  viewA.offset = offset;
  viewA.ld = ld;
  viewA.trans = trans;
  return viewA;
}

export function sb(data: FloatArray, offset: number, ld: number, trans: boolean): MatrixView {
  viewB.data = data;
  viewB.offset = offset;
  viewB.ld = ld;
  viewB.trans = trans;
  return viewB;
}

export function sc(data: FloatArray, offset: number, ld: number): OutputView {
  viewC.data = data;
  viewC.offset = offset;
  viewC.ld = ld;
  return viewC;
}

/** The part of a backend the general steps compute through. */
export type StepOps = Pick<Backend, 'gemm' | 'activate' | 'activateBackward'>;
