/**
 * The one check for option objects, used by every function of seqcast that takes one (layers, compile, fit,
 * optimisers, callbacks, series and CSV reading, model I/O):
 *
 *     checkOptions('fit()', options, ['epochs', 'batchSize', …]);
 *
 * It throws a SeqcastError('config') when `options` is not a plain object, or names the first key that is not
 * in `known` together with every valid key:
 *
 *     fit(): unknown option 'epoch'; the options are 'epochs', 'batchSize', …
 *
 * `unknownKey` is the same test without the message, for readers of files that word their errors as
 * "has key 'x', which seqcast does not know".
 */
import { SeqcastError } from './errors.js';

/** Asserts that `options` is a plain object whose keys are all in `known`; `where` names the call (`fit()`). */
export function checkOptions(where: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new SeqcastError(
      'config',
      `${where}: options must be an object such as { ${known[0]}: … } (got ${describe(options)})`,
    );
  }
  const key = unknownKey(options, known);
  if (key !== undefined) {
    throw new SeqcastError('config', `${where}: unknown option '${key}'; the options are ${listKeys(known)}`);
  }
}

/** The first own key of `obj` that is not in `known`, or undefined. */
export function unknownKey(obj: object, known: readonly string[]): string | undefined {
  return Object.keys(obj).find((key) => !known.includes(key));
}

/** `'a', 'b', 'c'`: how every message of seqcast lists valid keys or values. */
export function listKeys(keys: readonly string[]): string {
  return keys.map((k) => `'${k}'`).join(', ');
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  return JSON.stringify(v) ?? String(v);
}
