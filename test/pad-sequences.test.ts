/**
 * padSequences against Keras's pad_sequences (keras/src/utils/sequence_utils.py): its docstring examples,
 * truncation and padding on both sides, sequences of feature rows, and the errors.
 */
import { describe, expect, it } from 'vitest';
import { padSequences } from '../src/index.js';

const rows = (t: { shape: readonly number[]; data: ArrayLike<number> }): number[][] => {
  const [N, T] = t.shape;
  const w = t.data.length / (N * T);
  return Array.from({ length: N }, (_, n) => Array.from(t.data).slice(n * T * w, (n + 1) * T * w));
};

describe('padSequences on number sequences, as Keras pad_sequences', () => {
  const seqs = [[1], [2, 3], [4, 5, 6]];

  it('padSequences(seqs) pre-pads with 0 to the longest length, as int32 values in a Float32Array', () => {
    const t = padSequences(seqs);
    expect(t.shape).toEqual([3, 3]);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(rows(t)).toEqual([
      [0, 0, 1],
      [0, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('padSequences(seqs, { value: -1 }) pads with -1', () => {
    expect(rows(padSequences(seqs, { value: -1 }))).toEqual([
      [-1, -1, 1],
      [-1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it("padSequences(seqs, { padding: 'post' }) pads after the steps", () => {
    expect(rows(padSequences(seqs, { padding: 'post' }))).toEqual([
      [1, 0, 0],
      [2, 3, 0],
      [4, 5, 6],
    ]);
  });

  it('padSequences(seqs, { maxlen: 2 }) drops the first steps of longer sequences', () => {
    expect(rows(padSequences(seqs, { maxlen: 2 }))).toEqual([
      [0, 1],
      [2, 3],
      [5, 6],
    ]);
  });

  it("padSequences(seqs, { maxlen: 2, truncating: 'post', padding: 'post' }) keeps the first steps", () => {
    expect(rows(padSequences(seqs, { maxlen: 2, truncating: 'post', padding: 'post' }))).toEqual([
      [1, 0],
      [2, 3],
      [4, 5],
    ]);
  });

  it('padSequences keeps empty sequences as rows of the padding value, and reads typed arrays', () => {
    expect(rows(padSequences([[], Int32Array.from([7, 8]), Float64Array.from([9])], { maxlen: 3 }))).toEqual([
      [0, 0, 0],
      [0, 7, 8],
      [0, 0, 9],
    ]);
  });

  it("padSequences(seqs, { dtype: 'float64' }) gives a Float64Array, and 'float32' keeps fractions", () => {
    expect(padSequences([[0.1, 0.2]], { dtype: 'float64' }).data).toEqual(Float64Array.from([0.1, 0.2]));
    expect(Array.from(padSequences([[1.5]], { dtype: 'float32', maxlen: 2, value: 0.25 }).data)).toEqual([
      0.25, 1.5,
    ]);
  });
});

describe('padSequences on sequences of feature rows', () => {
  it("padSequences([[F]…]) gives [N, maxlen, F], pads whole rows, and truncates 'pre' by default", () => {
    const t = padSequences(
      [
        [[1, 2]],
        [
          [3, 4],
          [5, 6],
          [7, 8],
        ],
      ],
      { maxlen: 2, dtype: 'float32', value: -1 },
    );
    expect(t.shape).toEqual([2, 2, 2]);
    expect(Array.from(t.data)).toEqual([-1, -1, 1, 2, 5, 6, 7, 8]);
  });

  it("padSequences with padding 'post' puts the rows first", () => {
    const t = padSequences([[[1, 2, 3]], [Float32Array.from([4, 5, 6]), [7, 8, 9]]], { padding: 'post' });
    expect(t.shape).toEqual([2, 2, 3]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 0, 0, 0, 4, 5, 6, 7, 8, 9]);
  });

  it('padSequences takes F from the first non-empty sequence and names a row of another size', () => {
    expect(() => padSequences([[], [[1, 2]], [[3, 4], [5]]])).toThrow(
      /padSequences\(\): sequence 2 step 1 has 1 features, but the first step of the first non-empty sequence has 2/,
    );
  });

  it('padSequences refuses a number among feature rows and a row among numbers', () => {
    expect(() => padSequences([[[1, 2], 3]] as never)).toThrow(/sequence 0 step 1 has 3/);
    expect(() => padSequences([[1, [2]]] as never)).toThrow(
      /sequence 0 step 1 is an array, but sequence 0 holds numbers/,
    );
  });
});

describe('padSequences errors', () => {
  it('padSequences refuses unknown options and lists the valid ones', () => {
    expect(() => padSequences([[1]], { maxLen: 3 } as never)).toThrow(
      /padSequences\(\): unknown option 'maxLen'; the options are 'maxlen', 'padding', 'truncating', 'value', 'dtype'/,
    );
  });

  it('padSequences refuses bad padding, truncating, dtype and maxlen', () => {
    expect(() => padSequences([[1]], { padding: 'both' as never })).toThrow(
      /padding must be 'pre' or 'post' \(got "both"\)/,
    );
    expect(() => padSequences([[1]], { truncating: 'end' as never })).toThrow(
      /truncating must be 'pre' or 'post'/,
    );
    expect(() => padSequences([[1]], { dtype: 'int64' as never })).toThrow(
      /dtype must be one of 'int32', 'float32', 'float64' \(got "int64"\)/,
    );
    expect(() => padSequences([[1]], { maxlen: 0 })).toThrow(
      /maxlen must be an integer ≥ 1 or null \(got 0\)/,
    );
    expect(() => padSequences([[1]], { maxlen: 2.5 })).toThrow(/maxlen must be an integer ≥ 1/);
  });

  it("padSequences with dtype 'int32' refuses a fraction and names it (Keras would truncate it)", () => {
    expect(() =>
      padSequences([
        [1, 2],
        [3, 4.5],
      ]),
    ).toThrow(/sequence 1 step 1 is 4\.5, but dtype 'int32' holds integers .*give dtype 'float32'/);
    expect(() => padSequences([[1]], { value: 0.5 })).toThrow(/value is 0\.5, but dtype 'int32'/);
  });

  it('padSequences refuses no sequences, all-empty sequences without maxlen, and a sequence that is not an array', () => {
    expect(() => padSequences([])).toThrow(/sequences must be a non-empty array/);
    expect(() => padSequences([[], []])).toThrow(/every sequence is empty; give maxlen/);
    expect(padSequences([[], []], { maxlen: 2 }).shape).toEqual([2, 2]);
    expect(() => padSequences([[1], 5] as never)).toThrow(
      /sequence 1 must be an array or typed array \(got 5\)/,
    );
  });
});
