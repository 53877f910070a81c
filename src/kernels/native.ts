/**
 * The optional native backend: the C++ Node-API addon built from native/ (`node scripts/build-native.mjs`),
 * with an AVX-512 / AVX2 / portable GEMM, vectorised activations and the fused LSTM and GRU steps, for
 * Float32Array data, in place. A product or activation with another array type (Float64Array) goes to the
 * plain JavaScript backend, so those are always correct; the fused steps take Float32Arrays only (the layers
 * use them for float32 models only; see addFusedSteps).
 *
 * This file is bundled for the browser too: it has no static `node:` import, reaches `node:fs` and
 * `node:url` through `process.getBuiltinModule` (Node ≥ 20.16) and returns null wherever that, the addon
 * file or its loading is missing. `SEQCAST_NATIVE=0` in the environment disables it.
 */
import type { FloatArray } from '../tensor.js';
import type { Activation, Backend } from './backend.js';
import { jsBackend } from './js.js';

/** The addon's instruction-set paths, from the portable one up. */
export type NativeIsa = 'scalar' | 'avx2' | 'avx512';

export interface NativeInfo {
  /** The path in use. */
  readonly isa: NativeIsa;
  /** The best path this CPU supports. */
  readonly bestIsa: NativeIsa;
  /** Threads used for large products. */
  readonly threads: number;
  /** The most threads it may use: min(2, cores), or SEQCAST_THREADS (at most the cores) when set. */
  readonly maxThreads: number;
  /** Products with fewer multiply-adds (M·N·K) than this run on one thread. */
  readonly parallelWork: number;
}

/** The addon's own exports (Float32Array only; anything else throws a TypeError). */
export interface NativeAddon {
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
  ): void;
  /** `act` is the activation's name or its code (linear 0, tanh 1, sigmoid 2, relu 3). */
  activate(act: Activation | number, x: Float32Array, off: number, n: number): void;
  activateBackward(
    act: Activation | number,
    y: Float32Array,
    yOff: number,
    dx: Float32Array,
    dxOff: number,
    n: number,
  ): void;
  /**
   * The fused recurrent steps, with the arguments of the Backend methods of the same names (every array a
   * Float32Array). Optional: an addon built before them lacks them, and the backend then has no fused steps.
   */
  lstmForwardStep?(
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
  lstmBackwardStep?(
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
  gruForwardStep?(
    B: number,
    U: number,
    gates: Float32Array,
    mh: Float32Array,
    g: number,
    h: Float32Array,
    hp: number,
    ht: number,
  ): void;
  gruBackwardStep?(
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
  info(): NativeInfo;
  /** Uses n threads from now on (clamped to 1 … maxThreads); returns the count in use. For tests. */
  setThreads(n: number): number;
  /** Uses this path from now on (clamped to the best supported); returns the path in use. For tests. */
  setIsa(isa: NativeIsa): NativeIsa;
}

export interface NativeBackend extends Backend {
  readonly name: 'native';
  /** The loaded addon, for diagnostics, tests and benchmarks. */
  readonly addon: NativeAddon;
}

/** Where the addon lies relative to this module: a bundle chunk in dist/, or src/kernels/ (tests). */
const ADDON_PATHS = [
  '../native/build/Release/seqcast_native.node',
  '../../native/build/Release/seqcast_native.node',
];

const ACT_CODE: Readonly<Record<Activation, number>> = { linear: 0, tanh: 1, sigmoid: 2, relu: 3 };

interface ProcessLike {
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
  dlopen?: (module: { exports: unknown }, filename: string) => void;
}

interface FsLike {
  existsSync(path: string): boolean;
}

interface UrlLike {
  fileURLToPath(url: URL): string;
}

let cachedAddon: NativeAddon | null | undefined;
let cachedBackend: NativeBackend | null | undefined;

/**
 * The raw addon, or null when it is not built, cannot be loaded here (a browser, an old Node.js, another
 * platform's binary) or is disabled with SEQCAST_NATIVE=0. Looked up once; the result is kept.
 */
export function loadNativeAddon(): NativeAddon | null {
  if (cachedAddon === undefined) cachedAddon = findAddon();
  return cachedAddon;
}

/** The native backend, or null when the addon is unavailable (see loadNativeAddon). */
export function loadNativeBackend(): NativeBackend | null {
  if (cachedBackend === undefined) {
    const addon = loadNativeAddon();
    cachedBackend = addon === null ? null : makeBackend(addon);
  }
  return cachedBackend;
}

/**
 * Loads the addon with `process.dlopen`, which is what `require` does for a `.node` file, so that an
 * ES-module program does not start Node's CommonJS loader for one file. (That start raises the resident
 * size by about 1.3 MB at the moment, but a whole W1 run peaked the same either way, medians of 5.)
 */
function findAddon(): NativeAddon | null {
  try {
    const proc = (globalThis as { process?: ProcessLike }).process;
    if (proc === undefined || proc.env?.SEQCAST_NATIVE === '0') return null;
    const fs = proc.getBuiltinModule?.('node:fs') as FsLike | undefined;
    const url = proc.getBuiltinModule?.('node:url') as UrlLike | undefined;
    if (typeof proc.dlopen !== 'function' || fs === undefined || url === undefined) return null;
    for (const path of ADDON_PATHS) {
      const file = url.fileURLToPath(new URL(path, import.meta.url));
      if (!fs.existsSync(file)) continue;
      try {
        const module = { exports: {} as Partial<NativeAddon> };
        proc.dlopen(module, file);
        const addon = module.exports;
        if (typeof addon.gemm === 'function' && typeof addon.activate === 'function')
          return addon as NativeAddon;
      } catch {
        // not loadable here (another platform's or Node version's binary): try the next place
      }
    }
  } catch {
    // not Node
  }
  return null;
}

function makeBackend(addon: NativeAddon): NativeBackend {
  const backend: NativeBackend = {
    name: 'native',
    addon,
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
    ): void {
      if (A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array) {
        addon.gemm(transA, transB, M, N, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc, accumulate);
      } else {
        jsBackend.gemm(transA, transB, M, N, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc, accumulate);
      }
    },
    activate(act: Activation, x: FloatArray, off: number, n: number): void {
      if (x instanceof Float32Array) addon.activate(ACT_CODE[act] ?? act, x, off, n);
      else jsBackend.activate(act, x, off, n);
    },
    activateBackward(
      act: Activation,
      y: FloatArray,
      yOff: number,
      dx: FloatArray,
      dxOff: number,
      n: number,
    ): void {
      if (y instanceof Float32Array && dx instanceof Float32Array) {
        addon.activateBackward(ACT_CODE[act] ?? act, y, yOff, dx, dxOff, n);
      } else {
        jsBackend.activateBackward(act, y, yOff, dx, dxOff, n);
      }
    },
  };
  addFusedSteps(backend, addon);
  return backend;
}

/**
 * The addon's fused recurrent steps, when it has them (an addon built before them does not). They take
 * Float32Arrays only: there is no JavaScript step to hand another array type to, and none is needed, since
 * the layers call fused steps only for float32 models (`resolveBackend` gives float64 ones the JavaScript
 * backend). Any other array makes the addon throw a TypeError naming the argument.
 */
function addFusedSteps(backend: NativeBackend, addon: NativeAddon): void {
  const { lstmForwardStep, lstmBackwardStep, gruForwardStep, gruBackwardStep } = addon;
  if (lstmForwardStep !== undefined) {
    backend.lstmForwardStep = (B, U, gates, zOff, c, sPrev, sOff, cAct, aOff, h) =>
      lstmForwardStep(B, U, f32(gates), zOff, f32(c), sPrev, sOff, f32(cAct), aOff, f32(h));
  }
  if (lstmBackwardStep !== undefined) {
    backend.lstmBackwardStep = (B, U, gates, zOff, cAct, aOff, c, sPrev, dh, dhOff, dhNext, dcNext, dz) =>
      lstmBackwardStep(
        B,
        U,
        f32(gates),
        zOff,
        f32(cAct),
        aOff,
        f32(c),
        sPrev,
        f32(dh),
        dhOff,
        f32(dhNext),
        f32(dcNext),
        f32(dz),
      );
  }
  if (gruForwardStep !== undefined) {
    backend.gruForwardStep = (B, U, gates, mh, g, h, hp, ht) =>
      gruForwardStep(B, U, f32(gates), f32(mh), g, f32(h), hp, ht);
  }
  if (gruBackwardStep !== undefined) {
    backend.gruBackwardStep = (B, U, gates, mh, g, h, hp, dh, dhNext, dMX, dMH) =>
      gruBackwardStep(B, U, f32(gates), f32(mh), g, f32(h), hp, f32(dh), f32(dhNext), f32(dMX), f32(dMH));
  }
}

/** For the type checker only: the addon itself rejects any array that is not a Float32Array. */
function f32(a: FloatArray): Float32Array {
  return a as Float32Array;
}
