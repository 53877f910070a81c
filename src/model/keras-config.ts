/**
 * The rules for the keys of Keras layer configs, and the small JSON checks that reading a model.json is
 * made of. Every failure is a SeqcastError whose one line names the place, the value and the fix.
 */
import { SeqcastError } from '../errors.js';
import type { Activation } from '../kernels/backend.js';
import { ACTIVATIONS } from '../kernels/backend.js';
import { unknownKey } from '../options.js';
import type { Shape } from '../tensor.js';

export type Json = Record<string, unknown>;
export type KerasLayerClass = 'Dense' | 'SimpleRNN' | 'LSTM' | 'GRU';
type JsonErrorCode = 'config' | 'weights';

/** Keys of a layer entry in a Sequential's layer list (Keras 3 adds module, registered_name, build_config). */
export const ENTRY_KEYS = ['class_name', 'config', 'module', 'registered_name', 'build_config'];
export const HEAD_KEYS = ['name', 'trainable', 'dtype', 'batch_input_shape'];
const RECURRENT_OPTIONS = [
  'units',
  'activation',
  'use_bias',
  'return_sequences',
  'return_state',
  'go_backwards',
];
const OPTIONS: Record<string, readonly string[]> = {
  Dense: ['units', 'activation', 'use_bias'],
  SimpleRNN: RECURRENT_OPTIONS,
  LSTM: [...RECURRENT_OPTIONS, 'recurrent_activation', 'unit_forget_bias'],
  GRU: [...RECURRENT_OPTIONS, 'recurrent_activation', 'reset_after'],
};
/** Keys that describe training or initialisation only: accepted with any value. */
const RNN_BOOKKEEPING = ['kernel_initializer', 'recurrent_initializer', 'bias_initializer', 'seed'];
const BOOKKEEPING: Record<string, readonly string[]> = {
  Dense: ['kernel_initializer', 'bias_initializer', 'lora_alpha'],
  SimpleRNN: [...RNN_BOOKKEEPING, 'zero_output_for_mask'],
  LSTM: [...RNN_BOOKKEEPING, 'zero_output_for_mask', 'implementation', 'use_cudnn'],
  GRU: [...RNN_BOOKKEEPING, 'zero_output_for_mask', 'implementation', 'use_cudnn'],
};
/** Features seqcast does not implement: accepted only with the value that switches them off. */
const OFF_BOTH = [
  'kernel_regularizer',
  'bias_regularizer',
  'activity_regularizer',
  'kernel_constraint',
  'bias_constraint',
];
const DENSE_OFF: Json = Object.fromEntries(
  [...OFF_BOTH, 'lora_rank', 'quantization_config'].map((k) => [k, null]),
);
const RECURRENT_OFF: Json = {
  ...Object.fromEntries([...OFF_BOTH, 'recurrent_regularizer', 'recurrent_constraint'].map((k) => [k, null])),
  dropout: 0,
  recurrent_dropout: 0,
  stateful: false,
  unroll: false,
  time_major: false,
};

function offHint(key: string): string {
  if (key.endsWith('dropout'))
    return `seqcast does not implement dropout; set "${key}": 0 (dropout acts only in training, predictions are unchanged)`;
  if (key.endsWith('_regularizer'))
    return `seqcast implements no regularizers; set "${key}": null (they act only in training)`;
  if (key.endsWith('_constraint'))
    return `seqcast implements no weight constraints; set "${key}": null (they act only in training)`;
  if (key === 'stateful')
    return 'seqcast layers are not stateful (every call starts from zero states); rebuild the model with stateful false';
  if (key === 'unroll') return 'seqcast does not unroll (it changes speed, not results); set "unroll": false';
  if (key === 'time_major')
    return 'seqcast reads batch-major input [batch, time, features]; set "time_major": false';
  return `seqcast does not implement ${key}; export the model without it`;
}

/**
 * Checks every key of a Dense / SimpleRNN / LSTM / GRU config: options and bookkeeping pass, a feature
 * seqcast lacks passes only switched off, anything else is an error naming the key.
 */
export function checkLayerKeys(cls: KerasLayerClass, config: Json, where: string): void {
  const off = cls === 'Dense' ? DENSE_OFF : RECURRENT_OFF;
  for (const [key, value] of Object.entries(config)) {
    if (HEAD_KEYS.includes(key) || OPTIONS[cls].includes(key) || BOOKKEEPING[cls].includes(key)) continue;
    if (key in off) {
      if (value === undefined || value === off[key]) continue;
      fail('config', `${where} has ${key} ${JSON.stringify(value)}; ${offHint(key)}`);
    }
    fail(
      'config',
      `${where} has config key '${key}', which seqcast does not know; the keys it reads are ` +
        `${[...HEAD_KEYS, ...OPTIONS[cls], ...BOOKKEEPING[cls], ...Object.keys(off)].join(', ')}`,
    );
  }
}

export function batchShapeToInput(shape: unknown, where: string): Shape {
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
  return (shape as (number | null)[]).slice(1);
}

export function checkDtype(dtype: unknown, where: string): void {
  const name = isObject(dtype) && isObject(dtype.config) ? dtype.config.name : dtype;
  if (dtype !== undefined && name !== 'float32') {
    fail('config', `${where} has dtype ${JSON.stringify(dtype)}; seqcast reads float32 models only`);
  }
}

export function activationOf(config: Json, key: string, fallback: Activation, where: string): Activation {
  const value = config[key];
  if (value === undefined) return fallback;
  const name = isObject(value) && value.class_name === 'function' ? value.config : value;
  if (typeof name === 'string' && (ACTIVATIONS as readonly string[]).includes(name))
    return name as Activation;
  const fix =
    name === 'hard_sigmoid'
      ? `TF.js layers default recurrentActivation to 'hard_sigmoid': build the model with recurrentActivation: 'sigmoid' and train it again`
      : 'rebuild the model with one of these';
  fail(
    'config',
    `${where} has ${key} ${JSON.stringify(value)}, which seqcast does not implement ` +
      `(it has ${ACTIVATIONS.map((a) => `'${a}'`).join(', ')}); ${fix}`,
  );
}

export function bool(config: Json, key: string, fallback: boolean, where: string): boolean {
  const value = config[key];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    fail('config', `${where} has ${key} ${JSON.stringify(value)}; expected true or false`);
  return value;
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
