export type { FromPyTorchOptions, PyTorchMapping } from './from-pytorch.js';
export { fromPyTorch } from './from-pytorch.js';
export type { ReadSafetensorsOptions, SafeTensor, SafeTensorInput, SafetensorsDType } from './safetensors.js';
export { readSafetensors, writeSafetensors } from './safetensors.js';
export type { PyTorchTensor, StateDict } from './state-dict.js';
