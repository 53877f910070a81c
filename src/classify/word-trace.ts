/**
 * A text read word by word, for `seqcast predict --trace` and the playground: for each of its first
 * `inputLength` words, the class probabilities the model gives when the text ends there (the prefix up to that
 * word, padded at the end: exactly what `predict` says of that prefix — so "not" can be seen flipping the
 * score and "but" resetting it), and the trace of the whole text (explain/trace.ts: every step's state and
 * gates, both halves of a Bidirectional layer; the steps after the last word are padding, through which the
 * mask carries the state unchanged).
 */
import { SeqcastError } from '../errors.js';
import type { Trace } from '../explain/trace.js';
import { trace } from '../explain/trace.js';
import type { SequenceClassifier } from './classifier.js';
import { checkTexts } from './data.js';
import { toProbabilities } from './pipeline.js';
import { UNKNOWN_INDEX } from './text-vectorizer.js';

export interface WordTrace {
  /** The words read, standardised, at most inputLength. */
  readonly words: readonly string[];
  /** Whether each word is in the vocabulary (else the model read [UNK]). */
  readonly known: readonly boolean[];
  /** Per word: the class probabilities if the text ended there. */
  readonly probabilities: readonly (readonly number[])[];
  /** The whole text through the model, step by step. */
  readonly trace: Trace;
}

export function wordTrace(c: SequenceClassifier, text: string): WordTrace {
  const v = c.vectorizer;
  if (v === null)
    throw new SeqcastError('config', 'wordTrace(): this classifier reads numeric sequences, not texts');
  checkTexts([text], 'wordTrace()');
  const L = c.inputLength;
  const words = v.tokens(text).slice(0, L);
  if (words.length === 0) {
    throw new SeqcastError(
      'config',
      'wordTrace(): the text has no words once standardised (only punctuation?)',
    );
  }
  const n = words.length;
  const ids = v.indices(text).subarray(0, n);
  const x = new Float32Array(n * L);
  for (let t = 0; t < n; t++) for (let j = 0; j <= t; j++) x[t * L + j] = ids[j];
  const out = c.model.predict({ shape: [n, L], data: x });
  const K = c.classes.length;
  const p = toProbabilities(out.data, n, K);
  const full = new Float32Array(L);
  full.set(ids);
  return {
    words,
    known: Array.from(ids, (k) => k !== UNKNOWN_INDEX),
    probabilities: words.map((_, t) => Array.from(p.subarray(t * K, (t + 1) * K))),
    trace: trace(c.model, { shape: [1, L], data: full }),
  };
}
