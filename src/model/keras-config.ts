/**
 * The small JSON checks that reading a model.json is made of; the keys and values of each layer's config
 * are its descriptor's business (src/layers/descriptor.ts). Every failure is a SeqcastError whose one line
 * names the place, the value and the fix.
 */
import { SeqcastError } from '../errors.js';
import type { Json } from '../layers/descriptor.js';
import { unknownKey } from '../options.js';
import type { Shape } from '../tensor.js';

export type { Json } from '../layers/descriptor.js';
type JsonErrorCode = 'config' | 'weights';

/** Keys of a layer entry in a Sequential's layer list (Keras 3 adds module, registered_name, build_config). */
export const ENTRY_KEYS = ['class_name', 'config', 'module', 'registered_name', 'build_config'];

/** A `batch_input_shape` (or `batch_shape`): the batch size (null: any) and the input shape without it. */
export function parseBatchShape(
  shape: unknown,
  where: string,
): { batchSize: number | null; inputShape: Shape } {
  const ok =
    Array.isArray(shape) &&
    (shape.length === 2 || shape.length === 3) &&
    shape.every((d) => d === null || (Number.isInteger(d) && (d as number) >= 1));
  if (!ok) {
    fail(
      'config',
      `${where} has batch_input_shape ${JSON.stringify(shape)}; expected [batch, timesteps, features] or [batch, features] ` +
        `with integers ≥ 1 or null`,
    );
  }
  const dims = shape as (number | null)[];
  return { batchSize: dims[0], inputShape: dims.slice(1) };
}

export function checkDtype(dtype: unknown, where: string): void {
  const name = isObject(dtype) && isObject(dtype.config) ? dtype.config.name : dtype;
  if (dtype !== undefined && name !== 'float32') {
    fail('config', `${where} has dtype ${JSON.stringify(dtype)}; seqcast reads float32 models only`);
  }
}

export function checkKeys(
  obj: Json,
  known: readonly string[],
  where: string,
  code: JsonErrorCode = 'config',
): void {
  const key = unknownKey(obj, known);
  if (key !== undefined) {
    fail(
      code,
      `${where} has key '${key}', which seqcast does not know; the keys it reads are ${known.join(', ')}`,
    );
  }
}

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function object(v: unknown, where: string, code: JsonErrorCode = 'config'): Json {
  if (!isObject(v)) fail(code, `${where} must be a JSON object (got ${JSON.stringify(v) ?? String(v)})`);
  return v;
}

export function fail(code: JsonErrorCode, message: string): never {
  throw new SeqcastError(code, message);
}
