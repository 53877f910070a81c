// Classification scores against hand computations (issue 17).
import { describe, expect, it } from 'vitest';
import {
  accuracy,
  balancedAccuracy,
  classificationScores,
  confusionMatrix,
  perClassScores,
  rocAuc,
  wilsonInterval,
} from '../src/classify/scores.js';
import { Random } from '../src/random.js';

const actual = [0, 0, 1, 1, 1, 2];
const predicted = [0, 1, 1, 1, 0, 2];

describe('classification scores', () => {
  it('confusionMatrix(actual, predicted, K) counts rows actual, columns predicted', () => {
    expect(confusionMatrix(actual, predicted, 3)).toEqual([
      [1, 1, 0],
      [1, 2, 0],
      [0, 0, 1],
    ]);
  });

  it('accuracy, precision, recall, F1 and balanced accuracy match the hand computation', () => {
    expect(accuracy(actual, predicted)).toBeCloseTo(4 / 6, 15);
    const s = perClassScores(actual, predicted, 3);
    expect(s.map((c) => c.precision)).toEqual([0.5, 2 / 3, 1]);
    expect(s.map((c) => c.recall)).toEqual([0.5, 2 / 3, 1]);
    expect(s.map((c) => c.f1)).toEqual([0.5, 2 / 3, 1]);
    expect(s.map((c) => c.support)).toEqual([2, 3, 1]);
    expect(balancedAccuracy(actual, predicted, 3)).toBeCloseTo((0.5 + 2 / 3 + 1) / 3, 15);
  });

  it('perClassScores leaves precision null for a class never predicted, F1 0 for a class never found', () => {
    const s = perClassScores([0, 1, 1, 0], [0, 0, 0, 0], 3);
    expect(s[1]).toEqual({ precision: null, recall: 0, f1: 0, support: 2 });
    expect(s[0].precision).toBe(0.5);
    expect(s[2]).toEqual({ precision: null, recall: null, f1: null, support: 0 });
  });

  it("wilsonInterval gives Newcombe's (1998) published intervals", () => {
    const round = (v: [number, number]): number[] => v.map((x) => Math.round(x * 10000) / 10000);
    expect(round(wilsonInterval(81, 263))).toEqual([0.2553, 0.3662]);
    expect(round(wilsonInterval(15, 148))).toEqual([0.0624, 0.1605]);
    expect(round(wilsonInterval(0, 20))).toEqual([0, 0.1611]);
    expect(round(wilsonInterval(1, 29))).toEqual([0.0061, 0.1718]);
  });

  it('rocAuc counts a tie as one half (the Mann–Whitney statistic)', () => {
    expect(rocAuc([true, false, true, false], [0.8, 0.8, 0.4, 0.2])).toBe(0.625);
    expect(rocAuc([true, true, false], [0.5, 0.5, 0.5])).toBe(0.5);
    expect(rocAuc([true, true], [0.1, 0.2])).toBeNull();
  });

  it('rocAuc equals the share of (positive, negative) pairs ordered right, on random scores with ties', () => {
    const rng = new Random(7);
    const n = 300;
    const pos = Array.from({ length: n }, () => rng.uniform() < 0.4);
    const scores = Array.from(
      { length: n },
      (_, i) => Math.round((rng.uniform() + (pos[i] ? 0.3 : 0)) * 10) / 10,
    );
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (!pos[i] || pos[j]) continue;
        pairs++;
        wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
    }
    expect(rocAuc(pos, scores)).toBeCloseTo(wins / pairs, 12);
  });

  it('classificationScores gathers them, with the AUC for two classes only', () => {
    const s = classificationScores([0, 1, 1, 0], [0, 1, 0, 0], 2, [0.2, 0.9, 0.4, 0.1]);
    expect(s.accuracy).toBe(0.75);
    expect(s.accuracyInterval).toEqual(wilsonInterval(3, 4));
    expect(s.rocAuc).toBe(1);
    expect(s.balancedAccuracy).toBe(0.75);
    expect(s.macroF1).toBeCloseTo((0.8 + 2 / 3) / 2, 15);
    expect(classificationScores(actual, predicted, 3, null).rocAuc).toBeNull();
  });

  it('refuses mismatched lengths and out-of-range classes in one line', () => {
    expect(() => confusionMatrix([0, 1], [0], 2)).toThrow(/same length \(got 2 and 1\)/);
    expect(() => confusionMatrix([0, 2], [0, 1], 2)).toThrow(
      /actual\[1\] is 2; a class index must be an integer in \[0, 2\)/,
    );
    expect(() => accuracy([], [])).toThrow(/actual is empty/);
    expect(() => rocAuc([true], [Number.NaN])).toThrow(/scores\[0\] is NaN/);
  });
});
