import { expect } from 'vitest';
import type { SeqcastErrorCode } from '../../src/errors.js';
import { SeqcastError } from '../../src/errors.js';

/** The SeqcastError that `f` throws (fails the test when it throws nothing or something else). */
export function thrown(f: () => unknown): SeqcastError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SeqcastError);
    return e as SeqcastError;
  }
  throw new Error('expected a SeqcastError, nothing was thrown');
}

/** `f` throws a SeqcastError with this code and a message matching `pattern`. */
export function expectSeqcastError(f: () => unknown, code: SeqcastErrorCode, pattern: RegExp): void {
  const e = thrown(f);
  expect(e.code).toBe(code);
  expect(e.message).toMatch(pattern);
}
