// The classification baselines: logistic regression against numpy's Newton solutions, majority class,
// bag of words, summary statistics (issue 17).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bagOfWords,
  majorityClass,
  predictMajority,
  summaryStatistics,
  fitSummaryBaseline,
  predictSummaryBaseline,
} from '../src/classify/baselines.js';
import { fitLogistic, sparseFromDense } from '../src/classify/logistic.js';
import { textVectorizer } from '../src/classify/text-vectorizer.js';

interface Case {
  name: string;
  classes: number;
  C: number;
  x: number[][];
  y: number[];
  weights: number[];
  intercepts: number[];
  proba: number[];
}
const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'classify', 'logistic.json'), 'utf8'),
) as { cases: Case[] };

describe('fitLogistic(x, y, classes, { C })', () => {
  it.each(fixture.cases.map((c) => [c.name, c] as const))(
    'reaches the minimiser numpy finds by Newton’s method (%s)',
    (_name, c) => {
      const F = c.x[0].length;
      const x = sparseFromDense(c.x.flat(), c.x.length, F);
      const m = fitLogistic(x, c.y, c.classes, { C: c.C, tolerance: 1e-9 });
      expect(m.converged).toBe(true);
      Array.from(m.weights).forEach((w, j) => expect(w).toBeCloseTo(c.weights[j], 6));
      Array.from(m.intercepts).forEach((b, j) => expect(b).toBeCloseTo(c.intercepts[j], 6));
      Array.from(m.predictProba(x)).forEach((p, j) => expect(p).toBeCloseTo(c.proba[j], 6));
      expect(m.weights[2]).toBe(0); // the column of zeros gets no weight (F columns; class 0 row)
    },
  );

  it('is deterministic: the same data give bit-identical weights', () => {
    const c = fixture.cases[2];
    const x = sparseFromDense(c.x.flat(), c.x.length, c.x[0].length);
    const a = fitLogistic(x, c.y, 3, { C: c.C });
    const b = fitLogistic(x, c.y, 3, { C: c.C });
    expect(Array.from(a.weights)).toEqual(Array.from(b.weights));
  });

  it('refuses bad labels and options in one line', () => {
    const x = sparseFromDense([1, 2], 2, 1);
    expect(() => fitLogistic(x, [0, 2], 2)).toThrow(/y\[1\] is 2; classes are integers in \[0, 2\)/);
    expect(() => fitLogistic(x, [0], 2)).toThrow(/x has 2 rows and y 1 labels/);
    expect(() => fitLogistic(x, [0, 1], 2, { C: 0 })).toThrow(/C must be > 0/);
  });
});

describe('baselines', () => {
  it('majorityClass takes the most frequent training class, the lowest on ties, with the shares as probabilities', () => {
    expect(majorityClass([1, 2, 2, 1, 0], 3).cls).toBe(1);
    const m = majorityClass([0, 1, 1, 1], 2);
    expect(m.cls).toBe(1);
    const p = predictMajority(m, 2);
    expect(Array.from(p.predicted)).toEqual([1, 1]);
    expect(Array.from(p.proba)).toEqual([0.25, 0.75, 0.25, 0.75]);
  });

  it('bagOfWords counts each vocabulary index of a text, [UNK] as one column', () => {
    const v = textVectorizer().adapt(['good good film', 'bad film']);
    // vocabulary: '', [UNK], good, film (2 each: the tie goes to the later word), bad
    const x = bagOfWords(v, ['Good film, good!', 'awful unseen film']);
    expect(x.columns).toBe(5);
    expect(Array.from(x.rowStart)).toEqual([0, 2, 4]);
    expect(Array.from(x.cols)).toEqual([2, 3, 1, 3]);
    expect(Array.from(x.values)).toEqual([2, 1, 2, 1]);
  });

  it('the bag-of-words baseline separates words that decide the class', () => {
    const texts = ['good', 'great good', 'bad', 'awful bad', 'good film', 'bad film'];
    const y = [1, 1, 0, 0, 1, 0];
    const v = textVectorizer().adapt(texts);
    const m = fitLogistic(bagOfWords(v, texts), y, 2);
    expect(Array.from(m.predict(bagOfWords(v, ['a good one', 'a bad one'])))).toEqual([1, 0]);
  });

  it('summaryStatistics gives per feature mean, std, min, max, last, then the length', () => {
    const s = summaryStatistics(
      [
        [
          [1, 10],
          [3, 10],
        ],
      ],
      2,
    );
    expect(Array.from(s)).toEqual([2, 1, 1, 3, 3, 10, 0, 10, 10, 10, 2]);
  });

  it('the summary-statistics baseline classifies sequences told apart by their level and length', () => {
    const make = (cls: number, k: number): number[][] =>
      Array.from({ length: 3 + cls * 2 + (k % 2) }, (_, t) => [cls * 2 + ((t * 7 + k) % 5) / 10]);
    const train = [0, 1, 2].flatMap((c) => Array.from({ length: 8 }, (_, k) => make(c, k)));
    const labels = [0, 1, 2].flatMap((c) => new Array<number>(8).fill(c));
    const test = [make(0, 9), make(1, 9), make(2, 9)];
    const p = predictSummaryBaseline(fitSummaryBaseline(train, labels, 3, 1), test);
    expect(Array.from(p.predicted)).toEqual([0, 1, 2]);
  });
});
