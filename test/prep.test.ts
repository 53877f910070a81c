import { describe, expect, it } from 'vitest';
import {
  alignment,
  chronologicalSplit,
  fitScaler,
  formatAlignment,
  makeWindows,
  scalerFromState,
  SeqcastError,
} from '../src/index.js';

describe('chronologicalSplit', () => {
  it('chronologicalSplit(917, { window: 12, trainFraction: 0.8 }) floors 733.6 to 733 and starts the test part 12 rows early', () => {
    expect(chronologicalSplit(917, { window: 12, trainFraction: 0.8 })).toEqual({
      length: 917,
      splitIndex: 733,
      window: 12,
      testStart: 721,
    });
  });

  it('chronologicalSplit keeps every test target out of training and every training target out of test', () => {
    const L = 100;
    const W = 7;
    const split = chronologicalSplit(L, { window: W, trainFraction: 0.7 });
    const rows = Float64Array.from({ length: L }, (_, i) => i); // the value is the row number
    const train = makeWindows(rows.subarray(0, split.splitIndex), 1, { window: W, dtype: 'float64' });
    const test = makeWindows(rows.subarray(split.testStart), 1, { window: W, dtype: 'float64' });
    expect(Math.max(...train.y.data)).toBe(split.splitIndex - 1);
    expect(Math.min(...test.y.data)).toBe(split.splitIndex);
    expect(test.y.data.length + train.y.data.length).toBe(L - W); // every target row once
  });

  it('chronologicalSplit rejects a training part too short for one window and a split that leaves no test rows', () => {
    expect(() => chronologicalSplit(20, { window: 12, trainFraction: 0.5 })).toThrow(
      /training part has 10 rows but a window of 12 needs at least 13/,
    );
    expect(() => chronologicalSplit(20, { window: 2, splitIndex: 20 })).toThrow(/leaves no test rows/);
  });
});

describe('scalers are fitted on the training rows only', () => {
  const split = chronologicalSplit(10, { window: 2, splitIndex: 6 });
  const data = Float64Array.of(1, 2, 3, 4, 5, 6, 100, 200, 300, 400);

  it('fitScaler(minMax) ignores the test rows entirely', () => {
    const a = fitScaler('minMax', data, 1, split);
    const b = fitScaler('minMax', Float64Array.of(1, 2, 3, 4, 5, 6, -1e9, 1e9, 0, 0), 1, split);
    expect(a.state()).toEqual({ kind: 'minMax', featureRange: [0, 1], dataMin: [1], dataMax: [6] });
    expect(b.state()).toEqual(a.state());
    expect(Array.from(a.transform(data)).slice(6)).toEqual([19.8, 39.8, 59.8, 79.8]); // the test part leaves [0, 1]
  });

  it('fitScaler(standard) uses the population mean and std of the training rows', () => {
    const s = fitScaler('standard', data, 1, split);
    const state = s.state() as { readonly mean: readonly number[]; readonly std: readonly number[] };
    expect(state.mean[0]).toBe(3.5);
    expect(state.std[0]).toBeCloseTo(Math.sqrt(17.5 / 6), 14);
  });

  it('scaler.inverseColumn(scaler.transform(x)) gives x back for every kind and feature range', () => {
    const multi = Float64Array.from({ length: 20 }, (_, i) => Math.sin(i) * 50 + (i % 2) * 1000);
    const sp = chronologicalSplit(10, { window: 2, splitIndex: 7 });
    for (const s of [
      fitScaler('minMax', multi, 2, sp),
      fitScaler('minMax', multi, 2, sp, { featureRange: [-1, 1] }),
      fitScaler('standard', multi, 2, sp),
    ]) {
      const z = s.transform(multi);
      for (const col of [0, 1]) {
        const back = s.inverseColumn(
          z.filter((_, i) => i % 2 === col),
          col,
        );
        back.forEach((v, r) => expect(v).toBeCloseTo(multi[r * 2 + col], 10));
      }
    }
  });

  it('scalerFromState() gives a constant column scale 1 instead of dividing by zero', () => {
    const s = scalerFromState({ kind: 'minMax', featureRange: [0, 1], dataMin: [5], dataMax: [5] });
    expect(Array.from(s.transform([5, 6]))).toEqual([0, 1]);
  });

  it('fitScaler() rejects data that does not match the split', () => {
    expect(() => fitScaler('minMax', [1, 2, 3], 1, split)).toThrow(SeqcastError);
  });
});

describe('makeWindows', () => {
  const rows = Float64Array.from({ length: 12 }, (_, i) => i);

  it('makeWindows with horizon 3 and stride 2 gives [N, T, F] inputs and [N, H] targets', () => {
    const w = makeWindows(rows, 1, { window: 4, horizon: 3, stride: 2, dtype: 'float64' });
    expect(w.x.shape).toEqual([3, 4, 1]); // floor((12 − 4 − 3) / 2) + 1
    expect(w.y.shape).toEqual([3, 3]);
    expect(Array.from(w.x.data.subarray(4, 8))).toEqual([2, 3, 4, 5]);
    expect(Array.from(w.y.data.subarray(3, 6))).toEqual([6, 7, 8]);
  });

  it('makeWindows with stride = window gives the non-overlapping windows of the sunspots tutorial', () => {
    const w = makeWindows(rows, 1, { window: 3, stride: 3, dtype: 'float64' });
    expect(Array.from(w.starts)).toEqual([0, 3, 6]);
    expect(Array.from(w.y.data)).toEqual([3, 6, 9]);
  });

  it('makeWindows picks input and target columns, targets h-major', () => {
    // 3 columns: value = 10·row + column
    const data = Float64Array.from({ length: 18 }, (_, i) => 10 * Math.floor(i / 3) + (i % 3));
    const w = makeWindows(data, 3, {
      window: 2,
      horizon: 2,
      inputs: [1, 2],
      targets: [0, 2],
      dtype: 'float64',
    });
    expect(w.x.shape).toEqual([3, 2, 2]);
    expect(Array.from(w.x.data.subarray(0, 4))).toEqual([1, 2, 11, 12]);
    expect(Array.from(w.y.data.subarray(0, 4))).toEqual([20, 22, 30, 32]);
  });

  it('makeWindows names a window that does not fit', () => {
    expect(() => makeWindows(rows, 1, { window: 0 })).toThrow(
      'windows(): window must be an integer ≥ 1 (got 0)',
    );
    expect(() => makeWindows(rows, 1, { window: 12 })).toThrow(
      /window \+ horizon ≤ series length \(got window 12 \+ horizon 1 for 12 rows\)/,
    );
  });

  it('alignment() lists the dates that feed window i and the date it predicts', () => {
    const labels = Array.from(
      { length: 24 },
      (_, m) => `19${50 + Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}-01`,
    );
    const w = makeWindows(new Float64Array(24), 1, { window: 12 });
    const a = alignment(w, labels, 0);
    expect(formatAlignment(a)).toBe('window 0: 1950-01-01 .. 1950-12-01 (12 rows) → 1951-01-01');
    expect(alignment(w, labels, 11).targets).toEqual(['1951-12-01']);
  });
});
