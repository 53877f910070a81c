/**
 * The recurrent steps of a backend with fused kernels (native, WebAssembly): the kernels' elementwise parts
 * for Keras' default activations on Float32Arrays, after (forward) or before (backward) the recurrent
 * product; the general loops over the backend's own products and activations otherwise
 * (src/kernels/steps.ts), which the native kernels match bit for bit. The gradient probe is stored before the
 * fused backward kernels run, from the values they read. A step with a recurrent dropout mask (training with
 * `recurrentDropout`) takes the general loops too, still over the backend's own products and activations: the
 * fused kernels take no mask (their ABI is unchanged), and a step without one runs exactly as before.
 */
import type { Backend } from './backend.js';
import { jsBackend } from './js.js';
import type { StepOps } from './step-views.js';
import { sa, sb, sc } from './step-views.js';
import type { StepMethod } from './steps.js';
import * as general from './steps.js';

/**
 * The elementwise parts of the fused steps, positional: the addon's exports (native/src/fused.cc) and the
 * WebAssembly module's wrappers (which copy the blocks into its memory and back) have these signatures.
 */
export interface FusedStepKernels {
  lstmForwardStep(
    B: number,
    U: number,
    gates: Float32Array,
    zOff: number,
    c: Float32Array,
    sPrev: number,
    sOff: number,
    cAct: Float32Array,
    aOff: number,
    h: Float32Array,
  ): void;
  lstmBackwardStep(
    B: number,
    U: number,
    gates: Float32Array,
    zOff: number,
    cAct: Float32Array,
    aOff: number,
    c: Float32Array,
    sPrev: number,
    dh: Float32Array,
    dhOff: number,
    dhNext: Float32Array,
    dcNext: Float32Array,
    dz: Float32Array,
  ): void;
  gruForwardStep(
    B: number,
    U: number,
    gates: Float32Array,
    mh: Float32Array,
    g: number,
    h: Float32Array,
    hp: number,
    ht: number,
  ): void;
  gruBackwardStep(
    B: number,
    U: number,
    gates: Float32Array,
    mh: Float32Array,
    g: number,
    h: Float32Array,
    hp: number,
    dh: Float32Array,
    dhNext: Float32Array,
    dMX: Float32Array,
    dMH: Float32Array,
  ): void;
}

/** The Backend step methods over `k`'s fused kernels and `ops`' products; see the module comment. */
export function fusedSteps(k: FusedStepKernels, ops: StepOps): Pick<Backend, StepMethod> {
  return {
    simpleRnnForward: (st) => general.simpleRnnForward(ops, st),
    simpleRnnBackward: (st) => general.simpleRnnBackward(ops, st),
    lstmForward(st) {
      const { B, U, t, h, c, gates, cAct } = st;
      if (
        st.recurrentDropout !== null ||
        !general.hasDefaultActivations(st) ||
        !(h instanceof Float32Array && c instanceof Float32Array) ||
        !(gates instanceof Float32Array && cAct instanceof Float32Array)
      ) {
        return general.lstmForward(ops, st);
      }
      const G = 4 * U;
      const s = (t - 1) * B * U;
      ops.gemm(B, G, U, sa(h, s, U, false), sb(st.recurrentKernel, 0, G, false), sc(gates, s * 4, G), true);
      k.lstmForwardStep(B, U, gates, s * 4, c, s, s + B * U, cAct, s, h);
    },
    lstmBackward(st) {
      const { B, U, t, gates, cAct, c, dh, dhNext, dcNext, dz } = st;
      if (
        st.recurrentDropout !== null ||
        !general.hasDefaultActivations(st) ||
        !(gates instanceof Float32Array && cAct instanceof Float32Array && c instanceof Float32Array) ||
        !(dh instanceof Float32Array && dhNext instanceof Float32Array) ||
        !(dcNext instanceof Float32Array && dz instanceof Float32Array)
      ) {
        return general.lstmBackward(ops, st);
      }
      const G = 4 * U;
      const s = (t - 1) * B * U;
      general.storeProbe(st);
      k.lstmBackwardStep(B, U, gates, s * 4, cAct, s, c, s, dh, s, dhNext, dcNext, dz);
      ops.gemm(B, U, G, sa(dz, s * 4, G, false), sb(st.recurrentKernel, 0, G, true), sc(dhNext, 0, U), false);
    },
    gruForward(st) {
      const { B, U, t, h, gates, mh } = st;
      if (
        !st.resetAfter ||
        st.recurrentDropout !== null ||
        !general.hasDefaultActivations(st) ||
        !(h instanceof Float32Array && gates instanceof Float32Array && mh instanceof Float32Array)
      ) {
        return general.gruForward(ops, st);
      }
      const U3 = 3 * U;
      const s = (t - 1) * B * U;
      ops.gemm(B, U3, U, sa(h, s, U, false), sb(st.recurrentKernel, 0, U3, false), sc(mh, s * 3, U3), true);
      k.gruForwardStep(B, U, gates, mh, s * 3, h, s, s + B * U);
    },
    gruBackward(st) {
      const { B, U, t, h, gates, mh, dh, dhNext, dMX, dMH } = st;
      if (
        !st.resetAfter ||
        st.recurrentDropout !== null ||
        !general.hasDefaultActivations(st) ||
        !(gates instanceof Float32Array && mh instanceof Float32Array && h instanceof Float32Array) ||
        !(dh instanceof Float32Array && dhNext instanceof Float32Array) ||
        !(dMX instanceof Float32Array && dMH instanceof Float32Array)
      ) {
        return general.gruBackward(ops, st);
      }
      const U3 = 3 * U;
      const s = (t - 1) * B * U;
      general.storeProbe(st);
      k.gruBackwardStep(B, U, gates, mh, s * 3, h, s, dh, dhNext, dMX, dMH);
      ops.gemm(
        B,
        U,
        U3,
        sa(dMH, s * 3, U3, false),
        sb(st.recurrentKernel, 0, U3, true),
        sc(dhNext, 0, U),
        true,
      );
    },
  };
}

/** A fast backend's matrix product, positional (the addon's export, the wasm module's wrapper). */
export type PositionalGemm = (
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  aOff: number,
  lda: number,
  B: Float32Array,
  bOff: number,
  ldb: number,
  C: Float32Array,
  cOff: number,
  ldc: number,
  accumulate: boolean,
) => void;

/**
 * `Backend.gemm` over a positional kernel: the kernel for Float32Array operands (and a product with work in
 * it), the JavaScript arithmetic otherwise (float64 arrays, empty products).
 */
export function viewGemm(kernel: PositionalGemm): Backend['gemm'] {
  return (M, N, K, a, b, c, accumulate) => {
    const A = a.data;
    const B = b.data;
    const C = c.data;
    if (
      M === 0 ||
      N === 0 ||
      K === 0 ||
      !(A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array)
    ) {
      jsBackend.gemm(M, N, K, a, b, c, accumulate);
      return;
    }
    kernel(a.trans, b.trans, M, N, K, A, a.offset, a.ld, B, b.offset, b.ld, C, c.offset, c.ld, accumulate);
  };
}
