/**
 * `seqcast/kernels`: the compute layer under the layers, for whoever writes or checks a backend — the
 * JavaScript and WebAssembly backends themselves, the activation functions, the plain reference steps of
 * each cell (the oracle the fused kernels are tested against), and buffer helpers. Browser-safe.
 *
 * Choosing a backend (`availableBackends`, `setDefaultBackend`, `resolveBackend`) is in the main entry.
 */
export type { Activation, Backend } from '../kernels/backend.js';
export { activationFunction, jsBackend, sigmoid } from '../kernels/js.js';
export { loadWasmBackend } from '../kernels/wasm.js';
export { gruStepNaive } from '../layers/gru.js';
export { lstmStepNaive } from '../layers/lstm.js';
export { simpleRnnStepNaive } from '../layers/simple-rnn.js';
export { allocate, sizeOf } from '../tensor.js';
