export type { Activation, Backend } from './backend.js';
export { ACTIVATIONS } from './backend.js';
export { activationFunction, jsBackend, sigmoid } from './js.js';
export type { BackendChoice, BackendName } from './select.js';
export { availableBackends, resolveBackend, setDefaultBackend } from './select.js';
export { loadWasmBackend } from './wasm.js';
