/** PyTorch weights on disk (Node only): `loadSafetensors(path)` and `loadPyTorchWeights(model, path)`. */
import { SeqcastError } from '../../errors.js';
import { readRegularFile } from '../../io/read-file.js';
import type { Sequential } from '../sequential.js';
import type { FromPyTorchOptions, PyTorchMapping } from './from-pytorch.js';
import { fromPyTorch } from './from-pytorch.js';
import type { SafeTensor } from './safetensors.js';
import { MAX_HEADER_BYTES, readSafetensors } from './safetensors.js';

/** The largest safetensors file `loadSafetensors` reads: 2 GiB. */
export const MAX_SAFETENSORS_BYTES = 2 ** 31;

/** The tensors of the safetensors file at `path` (see `readSafetensors`), read as a regular file. */
export async function loadSafetensors(path: string): Promise<Map<string, SafeTensor>> {
  checkPath(path, 'loadSafetensors()');
  const bytes = await readRegularFile(path, {
    maxBytes: MAX_SAFETENSORS_BYTES,
    what: 'loadSafetensors()',
    followLinks: true,
    tooLarge: 'seqcast reads safetensors files of up to 2 GiB',
    whenMissing: () => missing(path, 'loadSafetensors()'),
  });
  return readSafetensors(bytes, { source: path });
}

/**
 * Sets every weight of `model` from the PyTorch state dict saved in the safetensors file at `path` (see
 * `fromPyTorch`) and returns which module filled which layer. The file is never read past the size a file of
 * this model's weights can have (float64 values and the largest header).
 */
export async function loadPyTorchWeights(
  model: Sequential,
  path: string,
  options: Omit<FromPyTorchOptions, 'source'> = {},
): Promise<PyTorchMapping[]> {
  checkPath(path, 'loadPyTorchWeights()');
  const params = typeof model?.countParams === 'function' ? model.countParams() : 0;
  const maxBytes = 8 + MAX_HEADER_BYTES + 8 * params;
  const bytes = await readRegularFile(path, {
    maxBytes,
    what: 'loadPyTorchWeights()',
    followLinks: true,
    tooLarge: `the model has ${params.toLocaleString('en-US')} weights, so the file holds much more than its state dict; check that it is this model's file`,
    whenMissing: () => missing(path, 'loadPyTorchWeights()'),
  });
  return fromPyTorch(model, readSafetensors(bytes, { source: path }), { ...options, source: path });
}

function checkPath(path: unknown, what: string): void {
  if (typeof path !== 'string' || path === '') {
    throw new SeqcastError('config', `${what}: give the path of a .safetensors file`);
  }
}

function missing(path: string, what: string): SeqcastError {
  return new SeqcastError(
    'io',
    `${what}: there is no file '${path}'; give the path of the .safetensors file PyTorch saved (safetensors.torch.save_file(model.state_dict(), path))`,
  );
}
