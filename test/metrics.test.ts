import { describe, expect, it } from 'vitest';
import { expectSeqcastError as thrown } from './helpers/errors.js';
import {
  compareToBaselines,
  mae,
  mape,
  mapeReport,
  mase,
  rmse,
  scoreAll,
  skill,
  smape,
  verdict,
} from '../src/metrics/index.js';

// errors a − f: −1, 0, 2, −1
const A = [1, 2, 3, 4];
const F = [2, 2, 1, 5];

describe('point metrics on a hand-computed example', () => {
  it('rmse(actual, forecast) is sqrt(mean((a − f)²)): sqrt((1 + 0 + 4 + 1) / 4)', () => {
    expect(rmse(A, F)).toBeCloseTo(Math.sqrt(1.5), 15);
  });

  it('mae(actual, forecast) is mean(|a − f|): (1 + 0 + 2 + 1) / 4', () => {
    expect(mae(A, F)).toBe(1);
  });

  it('mape(actual, forecast) is 100 · mean(|a − f| / |a|) in percent: (1 + 0 + 2/3 + 1/4) / 4 · 100', () => {
    expect(mape(A, F)).toBeCloseTo((100 * (1 + 2 / 3 + 1 / 4)) / 4, 12);
  });

  it('smape(actual, forecast) is 200/n Σ |f − a| / (|a| + |f|): (1/3 + 0 + 2/4 + 1/9) · 50', () => {
    expect(smape(A, F)).toBeCloseTo((50 * 17) / 18, 12);
    expect(smape([0], [5])).toBe(200);
  });

  it('mase(actual, forecast, train) divides the MAE by the in-sample naive MAE of train: 1 / mean(2, 1, 4)', () => {
    expect(mase(A, F, [10, 12, 11, 15])).toBeCloseTo(3 / 7, 15);
  });

  it('metrics accept any ArrayLike<number>, typed arrays included', () => {
    expect(rmse(Float32Array.from(A), Float64Array.from(F))).toBeCloseTo(Math.sqrt(1.5), 7);
  });

  it('skill(modelScore, baselineScore) is 1 − model / baseline', () => {
    expect(skill(0.8, 1)).toBeCloseTo(0.2, 15);
    expect(skill(2, 1)).toBe(-1);
    expect(skill(3, 3)).toBe(0);
    thrown(
      () => skill(1, 0),
      'config',
      /skill\(\): baselineScore must be a finite number other than 0 \(got 0\)/,
    );
    thrown(() => skill(NaN, 1), 'non-finite', /skill\(\): modelScore must be a finite number \(got NaN\)/);
  });
});

describe('the metric traps', () => {
  // actual[0] = 0: MAPE's |a − f| / |a| is undefined there
  const a0 = [0, 2, 4];
  const f0 = [1, 1, 5];

  it('mape(actual, forecast) throws at the first zero actual by default, naming its index and the alternatives', () => {
    thrown(
      () => mape(a0, f0),
      'config',
      /mape\(\): actual\[0\] is 0.*use smape\(\) or mase\(\).*zeros: 'skip'/,
    );
    thrown(() => mape([3, 1, 0, 0], [1, 1, 1, 1], { zeros: 'error' }), 'config', /actual\[2\] is 0/);
  });

  it("mape(actual, forecast, { zeros: 'skip' }) leaves the zero points out of the mean: (1/2 + 1/4) / 2 · 100", () => {
    expect(mape(a0, f0, { zeros: 'skip' })).toBe(37.5);
  });

  it("mapeReport(actual, forecast, { zeros: 'skip' }) says how many points it skipped, and null when all were", () => {
    expect(mapeReport(a0, f0, { zeros: 'skip' })).toEqual({ value: 37.5, skipped: 1 });
    expect(mapeReport(A, F)).toEqual({ value: mape(A, F), skipped: 0 });
    expect(mapeReport([0, 0], [1, 1], { zeros: 'skip' })).toEqual({ value: null, skipped: 2 });
    thrown(() => mapeReport(a0, f0), 'config', /mapeReport\(\): actual\[0\] is 0/);
  });

  it("mape(actual, forecast, { zeros: 'skip' }) throws when every actual value is 0, rather than return NaN", () => {
    thrown(
      () => mape([0, 0], [1, 1], { zeros: 'skip' }),
      'config',
      /every actual value is 0.*smape\(\) or mase\(\)/,
    );
  });

  it('smape(actual, forecast) counts a 0/0 term (a = f = 0) as 0 and keeps it in n: (0 + 1/3) · 100', () => {
    expect(smape([0, 2], [0, 1])).toBeCloseTo(100 / 3, 12);
    expect(smape([0, 0], [0, 0])).toBe(0);
  });

  it('mase(actual, forecast, train, m) scales by the in-sample seasonal naive error of train, not of the test series', () => {
    // On the test series itself the naive scale would be mean(|2−1|, |3−2|, |4−3|) = 1, so MASE = MAE = 1.
    // On the training series [10, 12, 11, 15] it is mean(2, 1, 4) = 7/3, so MASE = 3/7.
    expect(mase(A, F, A)).toBe(1);
    expect(mase(A, F, [10, 12, 11, 15])).toBeCloseTo(3 / 7, 15);
    expect(mase(A, F, [10, 12, 11, 15])).not.toBeCloseTo(mase(A, F, A), 3);
  });

  it('mase(actual, forecast, train, m) uses lag m on train: mean(|train_t − train_{t−m}|) for t = m .. L−1', () => {
    const train = [1, 5, 2, 7, 4, 6];
    // lag 2: |2−1|, |7−5|, |4−2|, |6−7| → 6/4 = 1.5;  lag 1: 4, 3, 5, 3, 2 → 17/5 = 3.4
    expect(mase(A, F, train, 2)).toBeCloseTo(1 / 1.5, 15);
    expect(mase(A, F, train, 1)).toBeCloseTo(1 / 3.4, 15);
    expect(mase(A, F, train)).toBe(mase(A, F, train, 1));
  });

  it('mase(actual, forecast, train, m) explains a train shorter than m + 1 and a zero scale', () => {
    thrown(
      () => mase([1], [1], [5, 6], 2),
      'shape',
      /mase\(\): train has 2 values but the seasonal naive scale with m = 2 needs at least m \+ 1 = 3/,
    );
    thrown(
      () => mase([1], [2], [3, 3, 3]),
      'config',
      /mase\(\): the scale is 0 because train repeats itself exactly/,
    );
    thrown(() => mase([1], [2], [1, 2, 1, 2], 2), 'config', /scale is 0.*lag m = 2.*use mae\(\) or rmse\(\)/);
    thrown(() => mase([1], [2], [1, 2, 3], 0), 'config', /mase\(\): m must be an integer ≥ 1.*\(got 0\)/);
    thrown(() => mase([1], [2], [1, NaN, 3]), 'non-finite', /mase\(\): train\[1\] is NaN/);
  });
});

describe('metrics check their inputs at the boundary', () => {
  it('rmse(actual, forecast) rejects mismatched lengths, naming both', () => {
    thrown(
      () => rmse([1, 2, 3], [1, 2]),
      'shape',
      /rmse\(\): actual and forecast must have the same length \(got 3 and 2\)/,
    );
  });

  it('mae(actual, forecast) rejects empty input', () => {
    thrown(() => mae([], []), 'shape', /mae\(\): actual is empty/);
  });

  it('smape(actual, forecast) and mape(actual, forecast) reject a non-finite value, naming the argument and index', () => {
    thrown(() => smape([1, 2, NaN], [1, 2, 3]), 'non-finite', /smape\(\): actual\[2\] is NaN/);
    thrown(() => mape([1, 2, 3], [1, Infinity, 3]), 'non-finite', /mape\(\): forecast\[1\] is Infinity/);
  });
});

describe('scoreAll(actual, forecast, train, m)', () => {
  it('scoreAll(actual, forecast, train, m) gives every metric, with MAPE skipping zeros and saying so', () => {
    const s = scoreAll([0, 2, 4], [1, 1, 5], [1, 2, 4, 4], 1);
    expect(s.rmse).toBe(1);
    expect(s.mae).toBe(1);
    expect(s.mape).toBe(37.5);
    expect(s.mapeSkipped).toBe(1);
    // 200/3 · (1/1 + 1/3 + 1/9)
    expect(s.smape).toBeCloseTo((200 / 3) * (13 / 9), 12);
    // train scale mean(1, 2, 0) = 1
    expect(s.mase).toBe(1);
  });

  it('scoreAll(actual, forecast, train, m) reports mape null when every actual value is 0', () => {
    const s = scoreAll([0, 0], [1, 1], [1, 2, 4]);
    expect(s.mape).toBeNull();
    expect(s.mapeSkipped).toBe(2);
  });
});

describe('verdict sentences', () => {
  it('verdict(model, baseline) says "beats naive by P % RMSE" when the model is lower', () => {
    expect(verdict(94.9, 100)).toBe('beats naive by 5.1 % RMSE');
  });

  it('verdict(model, baseline) says "ties naive on RMSE" within 0.05 %', () => {
    expect(verdict(100, 100)).toBe('ties naive on RMSE');
    expect(verdict(100.04, 100)).toBe('ties naive on RMSE');
    expect(verdict(99.96, 100)).toBe('ties naive on RMSE');
    expect(verdict(99.9, 100)).toBe('beats naive by 0.1 % RMSE');
  });

  it('verdict(model, baseline) says "worse than naive by P % RMSE" below 1.5 times the baseline', () => {
    expect(verdict(112.3, 100)).toBe('worse than naive by 12.3 % RMSE');
    expect(verdict(149, 100)).toBe('worse than naive by 49.0 % RMSE');
  });

  it('verdict(model, baseline) says "R× worse than naive on RMSE" from 1.5 times the baseline', () => {
    expect(verdict(810, 100)).toBe('8.1× worse than naive on RMSE');
    expect(verdict(150, 100)).toBe('1.5× worse than naive on RMSE');
  });

  it('verdict(model, baseline, { metric, baselineName }) prints the names given', () => {
    expect(verdict(1.2, 1, { metric: 'MAE', baselineName: 'drift' })).toBe('worse than drift by 20.0 % MAE');
    expect(verdict(0.5, 1, { metric: 'MASE', baselineName: 'seasonalNaive(12)' })).toBe(
      'beats seasonalNaive(12) by 50.0 % MASE',
    );
  });

  it('verdict(model, baseline) rejects a zero or non-finite baseline and a non-finite model', () => {
    thrown(() => verdict(1, 0), 'config', /verdict\(\): baseline must be a finite error score > 0 \(got 0\)/);
    thrown(
      () => verdict(NaN, 1),
      'non-finite',
      /verdict\(\): model must be a finite error score ≥ 0 \(got NaN\)/,
    );
  });
});

describe('compareToBaselines(modelScores, baselineScores)', () => {
  it('compareToBaselines(model, baselines) finds the best baseline by RMSE and gives both verdicts', () => {
    const c = compareToBaselines(
      { rmse: 90 },
      { naive: { rmse: 100 }, drift: { rmse: 80 }, mean: { rmse: 300 } },
    );
    expect(c.bestBaseline).toBe('drift');
    expect(c.bestBaselineRmse).toBe(80);
    expect(c.versusNaive).toBe('beats naive by 10.0 % RMSE');
    expect(c.versusBest).toBe('worse than drift by 12.5 % RMSE');
    expect(c.skillVersusNaive).toBeCloseTo(0.1, 15);
    expect(c.skillVersusBest).toBeCloseTo(-0.125, 15);
    expect(c.summary).toBe(
      'beats naive by 10.0 % RMSE; worse than drift by 12.5 % RMSE (drift is the best baseline)',
    );
  });

  it('compareToBaselines(model, baselines) says so when naive is the best baseline', () => {
    const c = compareToBaselines(scoreAll([1, 2, 3], [1, 2, 3.5], [1, 2, 3]), {
      naive: scoreAll([1, 2, 3], [1, 2, 4], [1, 2, 3]),
      mean: scoreAll([1, 2, 3], [2, 2, 2], [1, 2, 3]),
    });
    expect(c.bestBaseline).toBe('naive');
    expect(c.versusBest).toBe(c.versusNaive);
    expect(c.summary).toBe('beats naive by 50.0 % RMSE (naive is the best baseline)');
  });

  it('compareToBaselines(model, baselines) requires a naive entry and positive baseline scores', () => {
    thrown(
      () => compareToBaselines({ rmse: 1 }, { drift: { rmse: 2 } }),
      'config',
      /needs a 'naive' entry \(got 'drift'\); score naive\(\) too/,
    );
    thrown(
      () => compareToBaselines({ rmse: 1 }, { naive: { rmse: 2 }, mean: { rmse: -1 } }),
      'config',
      /baselineScores\['mean'\]\.rmse must be a finite number ≥ 0 \(got -1\)/,
    );
    // an exact baseline (a constant test part) is said, not divided by
    const exact = compareToBaselines({ rmse: 1 }, { naive: { rmse: 0 }, mean: { rmse: 2 } });
    expect(exact.summary).toBe(
      'worse than naive, which is exact on this test part (RMSE 0) (naive is the best baseline)',
    );
    expect(exact.skillVersusNaive).toBeNull();
    expect(compareToBaselines({ rmse: 0 }, { naive: { rmse: 0 } }).versusNaive).toBe(
      'ties naive on RMSE (both exact)',
    );
  });
});
