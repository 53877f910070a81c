/**
 * The optional native backend: the C++ Node-API addon built from native/ (`node scripts/build-native.mjs`),
 * with an AVX-512 / AVX2 / portable GEMM, vectorised activations and the fused LSTM and GRU steps, for
 * Float32Array data, in place. A product, activation or step with another array type (Float64Array) is
 * computed by the JavaScript arithmetic, so the backend is always correct (see nativeSteps). An addon
 * built from older sources is refused by its ABI version (NATIVE_ABI_VERSION).
 *
 * This file is bundled for the browser too: it has no static `node:` import, reaches `node:fs` and
 * `node:url` through `process.getBuiltinModule` (Node ≥ 20.16) and returns null wherever that, the addon
 * file or its loading is missing. `SEQCAST_NATIVE=0` in the environment disables it.
 */
import type { Activation, Backend } from './backend.js';
import { jsBackend } from './js.js';
import type { FusedStepKernels } from './fused-steps.js';
import { fusedSteps, viewGemm } from './fused-steps.js';
import type { StepOps } from './steps.js';

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
export interface NativeAddon extends FusedStepKernels {
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
  /** The version of this interface (NATIVE_ABI_VERSION); an addon built from older sources has another or none. */
  readonly abiVersion: number;
  /**
   * The fused recurrent steps' elementwise parts, for Keras' default activations (every array a
   * Float32Array). The backend's step methods call them after the recurrent product (before it, backward).
   */
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

/**
 * The version of the addon's exports this file calls: native/src/addon.cc exports the same number as
 * `abiVersion`, and a change to any export's arguments raises both. An addon built from older sources
 * (another version, or none: built before the version existed) is not used.
 */
export const NATIVE_ABI_VERSION = 2;

/** The addon's activation codes; an activation without one (the hard sigmoids) is computed by the JS arithmetic. */
const ACT_CODE: Readonly<Partial<Record<Activation, number>>> = { linear: 0, tanh: 1, sigmoid: 2, relu: 3 };

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
let loadError = '';
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
        const stale = staleAddon(addon);
        if (stale === null) return addon as NativeAddon;
        loadError = `the native kernel at ${file} ${stale}; rebuild it with npm run build:native`;
      } catch {
        // not loadable here (another platform's or Node version's binary): try the next place
      }
    }
  } catch {
    // not Node
  }
  return null;
}

/**
 * Why an addon's exports are not the ones this file calls (a build from older sources), or null when they
 * are.
 */
export function staleAddon(exports: { abiVersion?: unknown }): string | null {
  const v = exports.abiVersion;
  if (v === NATIVE_ABI_VERSION) return null;
  const was = typeof v === 'number' ? `ABI version ${v}` : 'no ABI version';
  return `was built from older sources (${was}; this seqcast needs ${NATIVE_ABI_VERSION})`;
}

/** Why `loadNativeBackend()` returned null when the addon exists but is a stale build ('' otherwise). */
export function nativeUnavailableReason(): string {
  return loadError;
}

function makeBackend(addon: NativeAddon): NativeBackend {
  const ops: StepOps = {
    // the addon takes the views' fields positionally: reading named properties through Node-API costs
    // more than the call
    gemm: viewGemm(addon.gemm.bind(addon)),
    activate(act, x, off, n) {
      const code = ACT_CODE[act];
      if (code !== undefined && x instanceof Float32Array) addon.activate(code, x, off, n);
      else jsBackend.activate(act, x, off, n);
    },
    activateBackward(act, y, yOff, dx, dxOff, n) {
      const code = ACT_CODE[act];
      if (code !== undefined && y instanceof Float32Array && dx instanceof Float32Array) {
        addon.activateBackward(code, y, yOff, dx, dxOff, n);
      } else {
        jsBackend.activateBackward(act, y, yOff, dx, dxOff, n);
      }
    },
  };
  return { name: 'native', addon, ...ops, ...fusedSteps(addon, ops) };
}
