export type {
  Activation,
  Backend,
  GruStep,
  LstmStep,
  MatrixView,
  OutputView,
  SimpleRnnStep,
  StepCommon,
} from './backend.js';
export { ACTIVATIONS } from './backend.js';
export { activationFunction, jsBackend, sigmoid } from './js.js';
export type { BackendChoice, BackendName } from './select.js';
export { availableBackends, resolveBackend, setDefaultBackend } from './select.js';
export { loadWasmBackend } from './wasm.js';
