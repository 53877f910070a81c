// textVectorizer: Keras TextVectorization semantics (issue 17).
import { describe, expect, it } from 'vitest';
import {
  compareCodePoints,
  textVectorizer,
  textVectorizerFromState,
} from '../src/classify/text-vectorizer.js';

describe('textVectorizer()', () => {
  it("vectorize() gives Keras's own docstring example: ties by descending token, 0 padding, 1 [UNK]", () => {
    const v = textVectorizer({ maxTokens: 5000, outputSequenceLength: 4 });
    v.adapt(['foo bar', 'bar baz', 'baz bada boom']);
    expect(v.vocabulary()).toEqual(['', '[UNK]', 'baz', 'bar', 'foo', 'boom', 'bada']);
    const x = v.vectorize(['foo qux bar', 'qux baz']);
    expect(x.shape).toEqual([2, 4]);
    expect(Array.from(x.data)).toEqual([4, 1, 3, 0, 1, 2, 0, 0]);
  });

  it('adapt() counts maxTokens with padding and [UNK], keeping the most frequent words', () => {
    const v = textVectorizer({ maxTokens: 4 }).adapt(['a b c', 'c c b', 'd']);
    expect(v.vocabulary()).toEqual(['', '[UNK]', 'c', 'b']);
    expect(v.vocabularySize).toBe(4);
    expect(Array.from(v.indices('a b c d'))).toEqual([1, 3, 2, 1]);
  });

  it('adapt() breaks ties by code point (UTF-8 byte order), not by UTF-16 units', () => {
    // U+FF71 is above the surrogates in UTF-16, below U+1F600 as a code point
    const v = textVectorizer().adapt(['a b \uff71 \u{1F600} é']);
    expect(v.vocabulary().slice(2)).toEqual(['\u{1F600}', '\uff71', 'é', 'b', 'a']);
    expect(compareCodePoints('\uff71', '\u{1F600}')).toBeLessThan(0);
    expect('\uff71' < '\u{1F600}').toBe(false); // what a plain sort would have done
  });

  it("standardize() lowers ASCII only and strips exactly Keras's 32 ASCII punctuation characters", () => {
    const v = textVectorizer();
    expect(v.standardize("Hello, World! It's É-TIME (really?) [ok] {x} a_b ~`^|\\/")).toBe(
      'hello world its Étime really ok x ab ',
    );
    expect(v.standardize('don’t — “quoted”')).toBe('don’t — “quoted”');
    expect(textVectorizer({ standardize: 'lower' }).standardize('A,B')).toBe('a,b');
    expect(textVectorizer({ standardize: 'strip_punctuation' }).standardize('A,B')).toBe('AB');
    expect(textVectorizer({ standardize: null }).standardize('A,B')).toBe('A,B');
  });

  it('tokens() splits on runs of ASCII whitespace, or into code points', () => {
    const v = textVectorizer();
    expect(v.tokens('  one\ttwo\n\nthree\r\nfour\u00a0five  ')).toEqual([
      'one',
      'two',
      'three',
      'four\u00a0five',
    ]);
    expect(v.tokens('')).toEqual([]);
    expect(textVectorizer({ split: 'character' }).tokens('ab 😀')).toEqual(['a', 'b', ' ', '😀']);
  });

  it('vectorize() cuts and pads at the end; without outputSequenceLength it pads to the longest text', () => {
    const v = textVectorizer({ outputSequenceLength: 2 }).adapt(['x y z z']);
    expect(Array.from(v.vectorize(['z y x', 'x']).data)).toEqual([2, 3, 4, 0]); // z, then y > x on the tie
    const w = textVectorizer().adapt(['x y z z']);
    const t = w.vectorize(['z y x', 'x']);
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.data)).toEqual([2, 3, 4, 4, 0, 0]);
  });

  it('adapt() leaves the special tokens out of the counts', () => {
    const v = textVectorizer({ standardize: null }).adapt(['[UNK] [UNK] a']);
    expect(v.vocabulary()).toEqual(['', '[UNK]', 'a']);
    expect(textVectorizer().adapt(['[UNK]']).vocabulary()).toEqual(['', '[UNK]', 'unk']);
  });

  it('adapt(texts, rows) learns from those rows only: changing the other texts changes nothing learned', () => {
    const texts = ['good film', 'bad film', 'great plot', 'awful acting', 'secret test words'];
    const rows = [0, 1, 3];
    const a = textVectorizer().adapt(texts, rows);
    const changed = [...texts];
    changed[2] = 'totally different zebra';
    changed[4] = 'film film film film acting';
    const b = textVectorizer().adapt(changed, rows);
    expect(b.vocabulary()).toEqual(a.vocabulary());
    expect(a.vocabulary()).not.toContain('secret');
    expect(a.vocabulary()).toEqual(
      textVectorizer().adapt(['good film', 'bad film', 'awful acting']).vocabulary(),
    );
    expect(() => textVectorizer().adapt(texts, [7])).toThrow(
      /rows\[0\] is 7, not a position among the 5 texts/,
    );
  });

  it('state() round-trips through JSON, and a damaged state is named', () => {
    const v = textVectorizer({ maxTokens: 10, outputSequenceLength: 5 }).adapt(['the cat sat', 'the dog']);
    const back = textVectorizerFromState(JSON.parse(JSON.stringify(v.state())));
    expect(back.vocabulary()).toEqual(v.vocabulary());
    expect(Array.from(back.vectorize(['The dog sat!']).data)).toEqual(
      Array.from(v.vectorize(['The dog sat!']).data),
    );
    const s = v.state();
    expect(() => textVectorizerFromState({ ...s, words: ['a', 'a'] })).toThrow(/words lists a word twice/);
    expect(() => textVectorizerFromState({ ...s, maxTokens: 3 })).toThrow(/holds 4 words but maxTokens 3/);
    expect(() => textVectorizerFromState({ ...s, split: 'comma' })).toThrow(/split must be one of/);
    expect(() => textVectorizerFromState({ ...s, extra: 1 })).toThrow(/unknown field 'extra'/);
    const noWords: Record<string, unknown> = { ...s };
    delete noWords.words;
    expect(() => textVectorizerFromState(noWords)).toThrow(/the field 'words' is missing/);
  });

  it('refuses bad options and use before adapt() in one line', () => {
    expect(() => textVectorizer({ maxTokens: 2 })).toThrow(/maxTokens must be an integer ≥ 3/);
    expect(() => textVectorizer({ outputSequenceLength: 0 })).toThrow(
      /outputSequenceLength must be an integer ≥ 1/,
    );
    expect(() => textVectorizer({ standardize: 'upper' as never })).toThrow(/standardize must be one of/);
    expect(() => textVectorizer({ ngrams: 2 } as never)).toThrow(/unknown option 'ngrams'/);
    expect(() => textVectorizer().vectorize(['a'])).toThrow(
      /no vocabulary yet; call adapt\(trainingTexts\) first/,
    );
    expect(() => textVectorizer().adapt(['a', 3 as never])).toThrow(/texts\[1\] is '3', not a string/);
  });
});
