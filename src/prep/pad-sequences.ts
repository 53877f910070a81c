/**
 * padSequences: Keras's `pad_sequences` (keras/src/utils/sequence_utils.py). N sequences of any lengths
 * become one tensor of `maxlen` steps:
 *
 *     number sequences           [N][T_n]     → [N, maxlen]
 *     sequences of feature rows  [N][T_n][F]  → [N, maxlen, F]
 *
 * A sequence longer than `maxlen` loses steps at its start (`truncating: 'pre'`, the default) or its end
 * ('post'); a shorter one is filled with `value` before its steps (`padding: 'pre'`, the default) or after
 * them ('post'). Defaults as Keras's: maxlen = the longest sequence, value 0, dtype 'int32'. Which kind of
 * sequence it is, and F, come from the first non-empty sequence, as in Keras; every other step must match.
 *
 * dtypes: seqcast's tensors hold floats, so 'int32' (Keras's default, for token indices fed to an
 * Embedding) gives a Float32Array holding integers; every value, the padding value included, must then be
 * an integer of magnitude ≤ 2^24 (exact in float32). Keras would truncate 1.5 to 1; seqcast refuses it and
 * names the step. 'float32' and 'float64' keep the values as given (float32 rounds them).
 */
import { SeqcastError } from '../errors.js';
import { checkOptions, listKeys } from '../options.js';
import type { Tensor } from '../tensor.js';

export type PadDType = 'int32' | 'float32' | 'float64';
export const PAD_DTYPES: readonly PadDType[] = ['int32', 'float32', 'float64'];

export interface PadSequencesOptions {
  /** Steps of the result; default (undefined or null) the longest sequence's length. */
  readonly maxlen?: number | null;
  /** Where short sequences are filled: 'pre' (default) before their steps, 'post' after. */
  readonly padding?: 'pre' | 'post';
  /** Where long sequences lose steps: 'pre' (default) at their start, 'post' at their end. */
  readonly truncating?: 'pre' | 'post';
  /** The padding value; default 0. */
  readonly value?: number;
  /** Default 'int32' (a Float32Array of integers; see the header). */
  readonly dtype?: PadDType;
}

const WHERE = 'padSequences()';
const INT_LIMIT = 2 ** 24;

/** `sequences`: arrays (or typed arrays) of numbers, or arrays of feature rows. */
export function padSequences(
  sequences: readonly (ArrayLike<number> | readonly ArrayLike<number>[])[],
  options: PadSequencesOptions = {},
): Tensor {
  checkOptions(WHERE, options, ['maxlen', 'padding', 'truncating', 'value', 'dtype']);
  const padding = side('padding', options.padding);
  const truncating = side('truncating', options.truncating);
  const dtype = options.dtype ?? 'int32';
  if (!PAD_DTYPES.includes(dtype))
    fail(`dtype must be one of ${listKeys(PAD_DTYPES)} (got ${JSON.stringify(dtype)})`);
  const value = options.value ?? 0;
  if (typeof value !== 'number') fail(`value must be a number (got ${JSON.stringify(value)})`);
  if (dtype === 'int32') checkInteger(value, 'value');
  if (!Array.isArray(sequences) || sequences.length === 0)
    fail('sequences must be a non-empty array of sequences (arrays of numbers or of feature rows)');
  const seqs = sequences as readonly unknown[];
  seqs.forEach((s, n) => {
    if (!isSequence(s)) fail(`sequence ${n} must be an array or typed array (got ${describe(s)})`);
  });
  const rows = seqs as readonly ArrayLike<unknown>[];

  // the kind and F from the first non-empty sequence, as Keras takes its sample shape
  const first = rows.find((s) => s.length > 0);
  const firstStep = first?.[0];
  const F =
    first === undefined || typeof firstStep === 'number' ? 0 : featureCount(firstStep, rows.indexOf(first));

  let maxlen: number;
  if (options.maxlen === undefined || options.maxlen === null) {
    maxlen = 0;
    for (const s of rows) maxlen = Math.max(maxlen, s.length);
    if (maxlen === 0) fail('every sequence is empty; give maxlen, or at least one step');
  } else {
    maxlen = options.maxlen;
    if (!Number.isInteger(maxlen) || maxlen < 1)
      fail(`maxlen must be an integer ≥ 1 or null (got ${JSON.stringify(options.maxlen)})`);
  }

  const N = rows.length;
  const width = F === 0 ? 1 : F;
  const data =
    dtype === 'float64' ? new Float64Array(N * maxlen * width) : new Float32Array(N * maxlen * width);
  data.fill(value);
  for (let n = 0; n < N; n++) {
    const s = rows[n];
    const kept = Math.min(s.length, maxlen);
    const from = truncating === 'pre' ? s.length - kept : 0; // first step kept
    const to = padding === 'pre' ? maxlen - kept : 0; // where it goes
    for (let k = 0; k < kept; k++) {
      const step = from + k;
      const out = (n * maxlen + to + k) * width;
      const v = s[step];
      if (F === 0) {
        if (typeof v !== 'number')
          fail(
            `sequence ${n} step ${step} is ${describe(v)}, but sequence ${rows.indexOf(first!)} holds numbers`,
          );
        if (dtype === 'int32') checkInteger(v, `sequence ${n} step ${step}`);
        data[out] = v;
      } else {
        if (!isSequence(v) || v.length !== F) {
          const got = isSequence(v) ? `${v.length} features` : describe(v);
          fail(
            `sequence ${n} step ${step} has ${got}, but the first step of the first non-empty sequence has ${F}`,
          );
        }
        for (let f = 0; f < F; f++) {
          const e = v[f];
          if (typeof e !== 'number')
            fail(`sequence ${n} step ${step} feature ${f} is ${describe(e)}, not a number`);
          if (dtype === 'int32') checkInteger(e, `sequence ${n} step ${step} feature ${f}`);
          data[out + f] = e;
        }
      }
    }
  }
  return { shape: F === 0 ? [N, maxlen] : [N, maxlen, F], data };
}

function side(key: 'padding' | 'truncating', v: unknown): 'pre' | 'post' {
  if (v === undefined) return 'pre';
  if (v !== 'pre' && v !== 'post') fail(`${key} must be 'pre' or 'post' (got ${JSON.stringify(v)})`);
  return v;
}

function featureCount(step: unknown, n: number): number {
  if (!isSequence(step) || step.length === 0) {
    fail(`sequence ${n} step 0 must be a number or a non-empty feature row (got ${describe(step)})`);
  }
  return step.length;
}

function checkInteger(v: number, what: string): void {
  if (!Number.isInteger(v) || Math.abs(v) > INT_LIMIT) {
    fail(
      `${what} is ${v}, but dtype 'int32' holds integers of magnitude ≤ 2^24 (exact in float32); ` +
        `give dtype 'float32' for real values`,
    );
  }
}

function isSequence(v: unknown): v is ArrayLike<unknown> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (ArrayBuffer.isView(v)) return 'a typed array';
  return JSON.stringify(v) ?? String(v);
}

function fail(message: string): never {
  throw new SeqcastError('config', `${WHERE}: ${message}`);
}
