/**
 * `workflow` cases: the forecasting pipeline's data steps on a given series — chronological split, MinMax
 * scaler fitted on the training part, scaled series, windows, inverse scaling, and the naive baseline —
 * computed with seqcast's own split / scaler / window / metric functions and compared with the case.
 */
import { SeqcastError } from '../errors.js';
import { mae, rmse } from '../metrics/metrics.js';
import { fitScaler } from '../prep/scalers.js';
import { chronologicalSplit } from '../prep/split.js';
import { makeWindows } from '../prep/windows.js';
import type { Comparison } from './compare.js';
import { compareShapes, compareValues } from './compare.js';

export interface WorkflowCase {
  readonly name: string;
  readonly kind: 'workflow';
  readonly description: string;
  readonly window: number;
  readonly trainFraction: number;
  readonly series: readonly number[];
  readonly expected: Readonly<Record<string, unknown>>;
  readonly tolerance: number;
}

/** The fields `expected` may hold (large series replace trainX/testX by First/Last/Sum). */
export const EXPECTED_KEYS = [
  'splitIndex',
  'trainSeriesLength',
  'testSeriesStart',
  'testSeriesLength',
  'scaler',
  'trainXShape',
  'trainYShape',
  'testXShape',
  'testYShape',
  'scaledTrainSeries',
  'scaledTestSeries',
  'trainX',
  'testX',
  'trainXFirst',
  'trainXLast',
  'testXFirst',
  'testXLast',
  'trainXSum',
  'testXSum',
  'trainY',
  'testY',
  'inverseTestY',
  'naive',
];

export function runWorkflow(c: WorkflowCase): Comparison[] {
  for (const key of Object.keys(c.expected)) {
    if (!EXPECTED_KEYS.includes(key))
      throw new SeqcastError('case', `expected has an unknown field "${key}"`);
  }
  const e = c.expected;
  const tol = c.tolerance;
  const W = c.window;
  const N = c.series.length;
  const series = Float64Array.from(c.series);
  const checks: Comparison[] = [];
  const int = (what: string, actual: number): void => {
    if (e[what] !== undefined) checks.push(compareShapes(what, [actual], [num(e[what], what)]));
  };
  const values = (what: string, actual: ArrayLike<number>, expected: unknown): void => {
    if (expected !== undefined) checks.push(compareValues(what, actual, numbers(expected, what), tol));
  };

  const split = chronologicalSplit(N, { window: W, trainFraction: c.trainFraction });
  int('splitIndex', split.splitIndex);
  int('trainSeriesLength', split.splitIndex);
  int('testSeriesStart', split.testStart);
  int('testSeriesLength', N - split.testStart);

  const scaler = fitScaler('minMax', series, 1, split);
  const state = scaler.state() as {
    readonly dataMin: readonly number[];
    readonly dataMax: readonly number[];
  };
  if (e.scaler !== undefined) {
    const s = e.scaler as Record<string, unknown>;
    values('scaler.dataMin', state.dataMin, [s.dataMin]);
    values('scaler.dataMax', state.dataMax, [s.dataMax]);
    values('scaler.scale', scaler.scale, [s.scale]);
    values('scaler.min', scaler.offset, [s.min]);
  }
  const scaledTrain = scaler.transform(series.subarray(0, split.splitIndex));
  const scaledTest = scaler.transform(series.subarray(split.testStart));
  values('scaledTrainSeries', scaledTrain, e.scaledTrainSeries);
  values('scaledTestSeries', scaledTest, e.scaledTestSeries);

  const train = makeWindows(scaledTrain, 1, { window: W, dtype: 'float64' });
  const test = makeWindows(scaledTest, 1, { window: W, dtype: 'float64' });
  for (const [what, shape] of [
    ['trainXShape', train.x.shape],
    ['trainYShape', train.y.shape],
    ['testXShape', test.x.shape],
    ['testYShape', test.y.shape],
  ] as const) {
    if (e[what] !== undefined) checks.push(compareShapes(what, shape, numbers(e[what], what)));
  }
  for (const [part, w] of [
    ['train', train],
    ['test', test],
  ] as const) {
    const x = w.x.data;
    const tensorOf = (v: unknown): unknown => (v as { data?: unknown } | undefined)?.data;
    values(`${part}X`, x, tensorOf(e[`${part}X`]));
    values(`${part}Y`, w.y.data, tensorOf(e[`${part}Y`]));
    values(`${part}XFirst`, x.subarray(0, W), e[`${part}XFirst`]);
    values(`${part}XLast`, x.subarray(x.length - W), e[`${part}XLast`]);
    if (e[`${part}XSum`] !== undefined) values(`${part}XSum`, [sum(x)], [e[`${part}XSum`]]);
  }
  values('inverseTestY', scaler.inverseColumn(test.y.data, 0), e.inverseTestY);

  if (e.naive !== undefined) {
    const naive = e.naive as Record<string, unknown>;
    // The naive forecast of each test window is its last value.
    const predictions = Float64Array.from(
      { length: test.starts.length },
      (_, i) => series[split.splitIndex - 1 + i],
    );
    const actual = series.subarray(split.splitIndex);
    const predScaled = Float64Array.from(
      { length: test.starts.length },
      (_, i) => test.x.data[i * W + W - 1],
    );
    values('naive.predictions', predictions, naive.predictions);
    values('naive.rmse', [rmse(actual, predictions)], [naive.rmse]);
    values('naive.mae', [mae(actual, predictions)], [naive.mae]);
    values('naive.rmseScaled', [rmse(test.y.data, predScaled)], [naive.rmseScaled]);
    values('naive.maeScaled', [mae(test.y.data, predScaled)], [naive.maeScaled]);
  }
  return checks;
}

function num(v: unknown, what: string): number {
  if (typeof v !== 'number') throw new SeqcastError('case', `expected.${what} must be a number`);
  return v;
}

function numbers(v: unknown, what: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) {
    throw new SeqcastError('case', `expected.${what} must be a list of numbers`);
  }
  return v as number[];
}

function sum(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s;
}
