/**
 * The WebAssembly SIMD backend (assembly/kernels.ts), for Node and the browser alike: matrix products,
 * tanh and sigmoid, and fused LSTM and GRU steps in 128-bit SIMD; relu, linear and the activation
 * derivatives stay in JavaScript.
 *
 * Operands are copied into the module's memory for each call, packed (B and C contiguous; a transposed B is
 * transposed there, or multiplied row by row when K ≥ 64). A product costs M·N·K multiply-adds against about
 * M·K + K·N + 2·M·N copied values: for the 32 × 32 × 32 recurrence of a small SimpleRNN, 4 K copied floats
 * against 32 K multiply-adds, and the whole call still ran at 27 GFLOP/s against 2.8 for the JavaScript
 * product (bench/NOTES.md).
 *
 * Float32 only: a call with any Float64Array operand (a step with one included) is computed by the
 * JavaScript arithmetic, so the backend is always correct, and `resolveBackend` never picks it for a float64
 * model.
 */
import type { Backend } from './backend.js';
import { jsBackend } from './js.js';
import { fusedSteps, viewGemm } from './fused-steps.js';
import type { StepOps } from './steps.js';
import { KERNELS_WASM_BASE64 } from './wasm-binary.js';

/** The part of the WebAssembly API used here (the project's type libraries are ES2022 without DOM). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}

interface KernelExports {
  readonly memory: WasmMemory;
  gemm(
    M: number,
    N: number,
    K: number,
    a: number,
    rs: number,
    cs: number,
    b: number,
    c: number,
    accumulate: boolean,
  ): void;
  gemm_nt(M: number, N: number, K: number, a: number, b: number, c: number, accumulate: boolean): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  activate(kind: number, x: number, n: number): void;
  gru_forward(B: number, U: number, gates: number, mh: number, hPrev: number, h: number): void;
  gru_backward(
    B: number,
    U: number,
    gates: number,
    mh: number,
    hPrev: number,
    dh: number,
    dhNext: number,
    dMX: number,
    dMH: number,
  ): void;
  lstm_forward(B: number, U: number, z: number, cPrev: number, c: number, cAct: number, h: number): void;
  lstm_backward(
    B: number,
    U: number,
    gates: number,
    cAct: number,
    cPrev: number,
    dh: number,
    dhNext: number,
    dcNext: number,
    dz: number,
  ): void;
}

const PAGE = 65536;

/**
 * The module's kernels on typed arrays. The fused steps take the positional arguments of the native
 * addon's (src/kernels/native.ts), for tests that hold one against the other.
 */
export class WasmKernels {
  private heap: Float32Array;

  constructor(private readonly k: KernelExports) {
    this.heap = new Float32Array(k.memory.buffer);
  }

  /** The memory as floats, at least `floats` long; re-viewed after a grow (which detaches old views). */
  view(floats: number): Float32Array {
    const bytes = floats * 4;
    const have = this.k.memory.buffer.byteLength;
    if (bytes > have) this.k.memory.grow(Math.ceil((bytes - have) / PAGE));
    if (this.heap.buffer !== this.k.memory.buffer) this.heap = new Float32Array(this.k.memory.buffer);
    return this.heap;
  }

  gemm(
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
  ): void {
    if (transB && !transA && K >= 64) {
      // Rows of A against rows of B: dot products, no transpose; measured faster from K ≈ 64 on (for
      // 32×32×32, 14 against 17 GFLOP/s; 64×64×256, 25 against 16). The choice depends on K only, never on M,
      // so a row's result still does not depend on the batch. Layout [A M×K | B N×K | C M×N].
      const pb = align4(M * K);
      const pc = pb + align4(N * K);
      const heap = this.view(pc + M * N);
      copyIn(heap, 0, A, aOff, lda, M, K);
      copyIn(heap, pb, B, bOff, ldb, N, K);
      if (accumulate) copyIn(heap, pc, C, cOff, ldc, M, N);
      this.k.gemm_nt(M, N, K, 0, pb * 4, pc * 4, accumulate);
      copyOut(heap, pc, C, cOff, ldc, M, N);
      return;
    }
    // Layout in floats: [A packed | B packed K×N | C M×N | B raw N×K when transposed]. All 16-byte aligned.
    const aRows = transA ? K : M;
    const aCols = transA ? M : K;
    const aLen = align4(aRows * aCols);
    const bLen = align4(K * N);
    const cLen = align4(M * N);
    const pa = 0;
    const pb = pa + aLen;
    const pc = pb + bLen;
    const pt = pc + cLen;
    const heap = this.view(pt + (transB ? bLen : 0));
    copyIn(heap, pa, A, aOff, lda, aRows, aCols);
    if (transB) {
      copyIn(heap, pt, B, bOff, ldb, N, K);
      this.k.transpose(pt * 4, N, K, pb * 4);
    } else {
      copyIn(heap, pb, B, bOff, ldb, K, N);
    }
    if (accumulate) copyIn(heap, pc, C, cOff, ldc, M, N);
    this.k.gemm(M, N, K, pa * 4, transA ? 1 : K, transA ? M : 1, pb * 4, pc * 4, accumulate);
    copyOut(heap, pc, C, cOff, ldc, M, N);
  }

  /** tanh (kind 1) or sigmoid (kind 2) of x[off … off+n), in place. */
  activate(kind: number, x: Float32Array, off: number, n: number): void {
    const heap = this.view(n);
    heap.set(x.subarray(off, off + n), 0);
    this.k.activate(kind, 0, n);
    x.set(heap.subarray(0, n), off);
  }

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
  ): void {
    const n = B * U;
    const [pz, pcp, pc, pa, ph] = [0, 4 * n, 5 * n, 6 * n, 7 * n];
    const heap = this.view(8 * n);
    heap.set(gates.subarray(zOff, zOff + 4 * n), pz);
    heap.set(c.subarray(sPrev, sPrev + n), pcp);
    this.k.lstm_forward(B, U, pz * 4, pcp * 4, pc * 4, pa * 4, ph * 4);
    gates.set(heap.subarray(pz, pz + 4 * n), zOff);
    c.set(heap.subarray(pc, pc + n), sOff);
    cAct.set(heap.subarray(pa, pa + n), aOff);
    h.set(heap.subarray(ph, ph + n), sOff);
  }

  gruForwardStep(
    B: number,
    U: number,
    gates: Float32Array,
    mh: Float32Array,
    g: number,
    h: Float32Array,
    hp: number,
    ht: number,
  ): void {
    const n = B * U;
    const [pg, pm, php, ph] = [0, 3 * n, 6 * n, 7 * n];
    const heap = this.view(8 * n);
    heap.set(gates.subarray(g, g + 3 * n), pg);
    heap.set(mh.subarray(g, g + 3 * n), pm);
    heap.set(h.subarray(hp, hp + n), php);
    this.k.gru_forward(B, U, pg * 4, pm * 4, php * 4, ph * 4);
    gates.set(heap.subarray(pg, pg + 3 * n), g);
    h.set(heap.subarray(ph, ph + n), ht);
  }

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
  ): void {
    const n = B * U;
    const [pg, pm, php, pdh, pdn, px, pmh] = [0, 3 * n, 6 * n, 7 * n, 8 * n, 9 * n, 12 * n];
    const heap = this.view(15 * n);
    heap.set(gates.subarray(g, g + 3 * n), pg);
    heap.set(mh.subarray(g, g + 3 * n), pm);
    heap.set(h.subarray(hp, hp + n), php);
    heap.set(dh.subarray(hp, hp + n), pdh);
    heap.set(dhNext.subarray(0, n), pdn);
    this.k.gru_backward(B, U, pg * 4, pm * 4, php * 4, pdh * 4, pdn * 4, px * 4, pmh * 4);
    dMX.set(heap.subarray(px, px + 3 * n), g);
    dMH.set(heap.subarray(pmh, pmh + 3 * n), g);
    dhNext.set(heap.subarray(pdn, pdn + n), 0);
  }

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
  ): void {
    const n = B * U;
    const [pg, pa, pcp, pdh, pdn, pdc, pdz] = [0, 4 * n, 5 * n, 6 * n, 7 * n, 8 * n, 9 * n];
    const heap = this.view(13 * n);
    heap.set(gates.subarray(zOff, zOff + 4 * n), pg);
    heap.set(cAct.subarray(aOff, aOff + n), pa);
    heap.set(c.subarray(sPrev, sPrev + n), pcp);
    heap.set(dh.subarray(dhOff, dhOff + n), pdh);
    heap.set(dhNext.subarray(0, n), pdn);
    heap.set(dcNext.subarray(0, n), pdc);
    this.k.lstm_backward(B, U, pg * 4, pa * 4, pcp * 4, pdh * 4, pdn * 4, pdc * 4, pdz * 4);
    dz.set(heap.subarray(pdz, pdz + 4 * n), zOff);
    dcNext.set(heap.subarray(pdc, pdc + n), 0);
  }
}

function align4(n: number): number {
  return (n + 3) & ~3;
}

/** heap[at …] ← the rows × cols block of src at off with leading dimension ld, packed. */
function copyIn(
  heap: Float32Array,
  at: number,
  src: Float32Array,
  off: number,
  ld: number,
  rows: number,
  cols: number,
): void {
  if (ld === cols || rows === 1) {
    heap.set(src.subarray(off, off + rows * cols), at);
    return;
  }
  for (let r = 0; r < rows; r++) heap.set(src.subarray(off + r * ld, off + r * ld + cols), at + r * cols);
}

function copyOut(
  heap: Float32Array,
  at: number,
  dst: Float32Array,
  off: number,
  ld: number,
  rows: number,
  cols: number,
): void {
  if (ld === cols || rows === 1) {
    dst.set(heap.subarray(at, at + rows * cols), off);
    return;
  }
  for (let r = 0; r < rows; r++) dst.set(heap.subarray(at + r * cols, at + (r + 1) * cols), off + r * ld);
}

export interface WasmBackend extends Backend {
  readonly name: 'wasm';
  /** The module's kernels, for tests and benchmarks. */
  readonly kernels: WasmKernels;
}

let cached: WasmBackend | null | undefined;
let loadError = '';

/**
 * The WebAssembly backend, or null where WebAssembly or its SIMD instructions are unavailable (the reason is
 * in `wasmUnavailableReason()`). Compiled once, synchronously (the module is about 12 KB).
 */
export function loadWasmBackend(): WasmBackend | null {
  if (cached !== undefined) return cached;
  cached = null;
  try {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (wasm === undefined) throw new Error('this runtime has no WebAssembly');
    const bytes = decodeBase64(KERNELS_WASM_BASE64);
    if (!wasm.validate(bytes)) throw new Error('this runtime does not support WebAssembly SIMD');
    const instance = new wasm.Instance(new wasm.Module(bytes), {});
    const kernels = new WasmKernels(instance.exports as unknown as KernelExports);
    const ops: StepOps = {
      gemm: viewGemm(kernels.gemm.bind(kernels)),
      activate(act, x, off, n) {
        if ((act === 'tanh' || act === 'sigmoid') && x instanceof Float32Array) {
          kernels.activate(act === 'tanh' ? 1 : 2, x, off, n);
        } else {
          jsBackend.activate(act, x, off, n);
        }
      },
      activateBackward: jsBackend.activateBackward,
    };
    const steps = fusedSteps(kernels, ops);
    cached = { name: 'wasm', kernels, ...ops, ...steps };
  } catch (e) {
    loadError = e instanceof Error ? e.message : String(e);
  }
  return cached;
}

/** Why `loadWasmBackend()` returned null ('' when it did not). */
export function wasmUnavailableReason(): string {
  return loadError;
}

function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
