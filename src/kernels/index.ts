export type { Activation, Backend } from './backend.js';
export { ACTIVATIONS } from './backend.js';
export { activationFunction, jsBackend, sigmoid } from './js.js';
