/**
 * Choosing a backend. `'auto'` (the default) takes the fastest one available for the model's dtype:
 * the native kernel (Node, when built), then WebAssembly SIMD, then plain JavaScript. Float64 models always
 * compute in JavaScript: the fast kernels are float32.
 *
 * The choice can be forced per model (`sequential(layers, { backend: 'js' })`), for the whole program
 * (`setDefaultBackend('wasm')`), or from the environment (`SEQCAST_BACKEND=js`, read once, in Node). The
 * program-wide choices apply to float32 models; a model that itself asks for a float32-only backend in
 * float64 gets an error saying so.
 */
import { SeqcastError } from '../errors.js';
import type { DType } from '../tensor.js';
import type { Backend } from './backend.js';
import { jsBackend } from './js.js';
import { loadNativeBackend, nativeUnavailableReason } from './native.js';
import { loadWasmBackend, wasmUnavailableReason } from './wasm.js';

export type BackendName = 'js' | 'wasm' | 'native';
export type BackendChoice = BackendName | 'auto' | Backend;

export const BACKEND_NAMES: readonly BackendName[] = ['native', 'wasm', 'js'];

let programDefault: BackendChoice | undefined;

/** Sets the backend that models take when their options name none; `undefined` restores 'auto'. */
export function setDefaultBackend(choice: BackendChoice | undefined): void {
  if (choice !== undefined) checkChoice(choice, 'setDefaultBackend()');
  programDefault = choice;
}

/** The backends this runtime can use, fastest first ('js' always). */
export function availableBackends(): BackendName[] {
  return BACKEND_NAMES.filter((name) => load(name) !== null);
}

/** The backend a model of this dtype computes with, for an option value (or the program's default). */
export function resolveBackend(
  choice: BackendChoice | undefined,
  dtype: DType,
  where = 'sequential()',
): Backend {
  const c = choice ?? programDefault ?? environmentChoice() ?? 'auto';
  checkChoice(c, where);
  if (typeof c === 'object') return c;
  // A program-wide choice is about float32 models; float64 ones compute in JavaScript, as with 'auto'.
  if (c === 'auto' || (choice === undefined && dtype !== 'float32')) {
    if (dtype !== 'float32') return jsBackend;
    return load('native') ?? load('wasm') ?? jsBackend;
  }
  if (c !== 'js' && dtype !== 'float32') {
    throw new SeqcastError(
      'config',
      `${where}: backend '${c}' computes in float32 only; use dtype 'float32' or backend 'js'`,
    );
  }
  const backend = load(c);
  if (backend === null) {
    const why =
      c === 'native'
        ? nativeUnavailableReason() ||
          'the native kernel is not built here (npm run build:native needs a C++ compiler; Node only)'
        : wasmUnavailableReason();
    throw new SeqcastError('config', `${where}: backend '${c}' is unavailable: ${why}; use 'auto' or 'js'`);
  }
  return backend;
}

function load(name: BackendName): Backend | null {
  switch (name) {
    case 'js':
      return jsBackend;
    case 'wasm':
      return loadWasmBackend();
    case 'native':
      return loadNativeBackend();
  }
}

/** The methods every Backend object has. */
const BACKEND_METHODS = [
  'gemm',
  'activate',
  'activateBackward',
  'simpleRnnForward',
  'simpleRnnBackward',
  'lstmForward',
  'lstmBackward',
  'gruForward',
  'gruBackward',
] as const;

function checkChoice(c: unknown, where: string): void {
  if (typeof c === 'object' && c !== null && typeof (c as Partial<Backend>).name === 'string') {
    const b = c as Partial<Backend>;
    const missing = BACKEND_METHODS.filter((m) => typeof b[m] !== 'function');
    if (missing.length === 0) return;
    throw new SeqcastError(
      'config',
      `${where}: the Backend object '${b.name}' lacks ${missing.join(', ')}; ` +
        `spread jsBackend ({ ...jsBackend, name, gemm }) for the methods it does not replace`,
    );
  }
  if (c === 'auto' || (BACKEND_NAMES as readonly unknown[]).includes(c)) return;
  throw new SeqcastError(
    'config',
    `${where}: backend must be 'auto', 'native', 'wasm', 'js' or a Backend object (got ${JSON.stringify(c)})`,
  );
}

let environment: BackendChoice | null | undefined;

function environmentChoice(): BackendChoice | undefined {
  if (environment === undefined) {
    const g = globalThis as { process?: { env?: Record<string, string | undefined> } };
    const value = g.process?.env?.SEQCAST_BACKEND;
    environment = value === undefined || value === '' ? null : (value as BackendChoice);
    if (environment !== null) checkChoice(environment, 'SEQCAST_BACKEND');
  }
  return environment ?? undefined;
}
