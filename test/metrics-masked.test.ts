/**
 * Metrics on masked sequence outputs (many-to-many behind a masking layer or embedding({ maskZero })): each
 * output row weighs its mask, as Keras's MeanMetricWrapper does (keras/src/metrics/reduction_metrics.py:
 * apply_mask with reduction 'sum'), so a padded step counts nothing: the metrics of a padded batch are the
 * metrics of the real steps alone, on every backend, for pre- and post-padding. The loss keeps Keras's
 * apply_mask for sum_over_batch_size (the mean over a batch's real steps); both are checked by hand.
 */
import { describe, expect, it } from 'vitest';
import type { BackendName, DType, Layer, MetricSpec } from '../src/index.js';
import {
  availableBackends,
  dense,
  embedding,
  gru,
  lstm,
  masking,
  padSequences,
  Random,
  sequential,
  sgd,
  simpleRNN,
} from '../src/index.js';

const F = 2;
const T = 6;
const LENGTHS = [5, 2, 4, 1, 6, 3];

/** Sequences of the given lengths; no real value is 0 (the mask value). */
function inputs(rng: Random, lengths = LENGTHS): number[][][] {
  return lengths.map((L) =>
    Array.from({ length: L }, () =>
      Array.from({ length: F }, () => (0.1 + rng.uniform()) * (rng.uniform() < 0.5 ? -1 : 1)),
    ),
  );
}

/** Per step of each sequence, a value from `draw`. */
function perStep(rng: Random, seqs: readonly unknown[][], draw: (rng: Random) => number): number[][] {
  return seqs.map((s) => s.map(() => draw(rng)));
}

const CASES: [BackendName, DType][] = [
  ...availableBackends().map((b): [BackendName, DType] => [b, 'float32']),
  ['js', 'float64'],
];

/** What the metrics count, by hand, over the real steps of `pred` (one unit) against `target`. */
function binaryCounts(pred: readonly number[], target: readonly number[]) {
  let hits = 0;
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let sq = 0;
  let abs = 0;
  pred.forEach((p, i) => {
    const t = target[i];
    if ((p > 0.5 ? 1 : 0) === t) hits++;
    if (p > 0.5 && t !== 0) tp++;
    else if (p > 0.5) fp++;
    else if (t !== 0) fn++;
    sq += (p - t) ** 2;
    abs += Math.abs(p - t);
  });
  return { n: pred.length, hits, tp, fp, fn, sq, abs };
}

const BINARY_METRICS: MetricSpec[] = [
  'accuracy',
  'binaryAccuracy',
  'precision',
  'recall',
  'mse',
  'mae',
  'rmse',
];

describe.each(CASES)(
  'metrics on masked outputs = metrics on the real steps alone, backend %s, %s',
  (backend, dtype) => {
    const stacks: Record<string, () => Layer[]> = {
      'masking → LSTM': () => [masking(), lstm({ units: 3, returnSequences: true })],
      'masking → GRU → Dense(tanh)': () => [
        masking(),
        gru({ units: 3, returnSequences: true }),
        dense({ units: 2, activation: 'tanh' }),
      ],
    };

    describe.each(Object.keys(stacks))('%s → Dense(1, sigmoid)', (name) => {
      it.each(['pre', 'post'] as const)(
        '%s-padding: accuracy, precision, recall, mse, mae and rmse of the padded batch are those of each sequence alone',
        (padding) => {
          const rng = new Random(11);
          const seqs = inputs(rng);
          const labels = perStep(rng, seqs, (r) => (r.uniform() < 0.5 ? 1 : 0));
          const model = sequential([...stacks[name](), dense({ units: 1, activation: 'sigmoid' })], {
            inputShape: [null, F],
            seed: 3,
            backend,
            dtype,
          });
          model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: BINARY_METRICS });
          const x = padSequences(seqs, { padding, maxlen: T, dtype });
          // the padded steps' targets are 1: counting them would change every figure
          const y = padSequences(
            labels.map((l) => l.map((v) => [v])),
            { padding, maxlen: T, dtype, value: 1 },
          );
          const r = model.evaluate(x, y, { batchSize: 4 });

          // each sequence alone, unpadded, through the same model
          const alone = seqs.flatMap((s) => Array.from(model.predict([s]).data));
          const want = binaryCounts(alone, labels.flat());
          expect(r.accuracy).toBe(want.hits / want.n);
          expect(r.binaryAccuracy).toBe(want.hits / want.n);
          expect(r.precision).toBe(want.tp / (want.tp + want.fp));
          expect(r.recall).toBe(want.tp / (want.tp + want.fn));
          const tol = dtype === 'float64' ? 12 : 6;
          expect(r.mse).toBeCloseTo(want.sq / want.n, tol);
          expect(r.mae).toBeCloseTo(want.abs / want.n, tol);
          expect(r.rmse).toBeCloseTo(Math.sqrt(want.sq / want.n), tol);

          // and what counting the padding would have given is different (the test can fail)
          const all = binaryCounts(Array.from(model.predict(x).data), Array.from(y.data));
          expect(all.n).toBe(seqs.length * T);
          expect(all.hits / all.n).not.toBe(r.accuracy);
        },
      );
    });

    it.each(['pre', 'post'] as const)(
      '%s-padding: sparseCategoricalAccuracy of masking → SimpleRNN → Dense(3, softmax) counts the real steps only',
      (padding) => {
        const rng = new Random(12);
        const seqs = inputs(rng);
        const labels = perStep(rng, seqs, (r) => r.int(3));
        const model = sequential(
          [
            masking(),
            simpleRNN({ units: 4, returnSequences: true }),
            dense({ units: 3, activation: 'softmax' }),
          ],
          { inputShape: [null, F], seed: 5, backend, dtype },
        );
        model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
        const r = model.evaluate(
          padSequences(seqs, { padding, maxlen: T, dtype }),
          padSequences(labels, { padding, maxlen: T, dtype: 'float32' }),
        );
        let hits = 0;
        let n = 0;
        seqs.forEach((s, i) => {
          const p = model.predict([s]).data;
          labels[i].forEach((label, t) => {
            let best = 0;
            for (let c = 1; c < 3; c++) if (p[t * 3 + c] > p[t * 3 + best]) best = c;
            if (best === label) hits++;
            n++;
          });
        });
        expect(n).toBe(LENGTHS.reduce((a, v) => a + v, 0));
        expect(r.accuracy).toBe(hits / n);
      },
    );
  },
);

describe('metrics with embedding({ maskZero })', () => {
  it('padded token sequences through Embedding(maskZero) → GRU → Dense(1, sigmoid): accuracy of the real steps', () => {
    const rng = new Random(13);
    const tokens = LENGTHS.map((L) => Array.from({ length: L }, () => 1 + rng.int(5)));
    const labels = perStep(rng, tokens, (r) => (r.uniform() < 0.5 ? 1 : 0));
    const model = sequential(
      [
        embedding({ inputDim: 6, outputDim: 3, maskZero: true }),
        gru({ units: 3, returnSequences: true }),
        dense({ units: 1, activation: 'sigmoid' }),
      ],
      { inputShape: [null], seed: 2 },
    );
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy', 'recall'] });
    for (const padding of ['pre', 'post'] as const) {
      const r = model.evaluate(
        padSequences(tokens, { padding, maxlen: T }),
        padSequences(
          labels.map((l) => l.map((v) => [v])),
          { padding, maxlen: T, value: 1, dtype: 'float32' },
        ),
      );
      const alone = tokens.flatMap((s) => Array.from(model.predict([s]).data));
      const want = binaryCounts(alone, labels.flat());
      expect(r.accuracy, padding).toBe(want.hits / want.n);
      expect(r.recall, padding).toBe(want.tp / (want.tp + want.fn));
    }
  });
});

/** A masked many-to-many regression model and its padded data (post-padding, padded targets 99). */
function regression(dtype: DType = 'float64') {
  const rng = new Random(21);
  const seqs = inputs(rng);
  const targets = perStep(rng, seqs, (r) => r.uniformRange(-1, 1));
  const model = sequential([masking(), lstm({ units: 3, returnSequences: true }), dense({ units: 1 })], {
    inputShape: [T, F],
    seed: 4,
    dtype,
  });
  const x = padSequences(seqs, { padding: 'post', maxlen: T, dtype });
  const y = padSequences(
    targets.map((l) => l.map((v) => [v])),
    { padding: 'post', maxlen: T, dtype, value: 99 },
  );
  return { model, seqs, targets, x, y };
}

/** Σ (p − t)² over sample i's real steps, from a padded prediction. */
function squares(pred: ArrayLike<number>, targets: number[][], samples: readonly number[]) {
  let sq = 0;
  let n = 0;
  for (const i of samples) {
    targets[i].forEach((t, k) => {
      sq += (pred[i * T + k] - t) ** 2;
      n++;
    });
  }
  return { sq, n };
}

describe('the loss and the metrics of masked outputs by hand', () => {
  it('evaluate(): the mse metric is the mean over every real step; the loss the batch-size-weighted mean of each batch’s mean', () => {
    const { model, targets, x, y } = regression();
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mse', 'mae'] });
    const pred = model.predict(x).data;
    const every = squares(pred, targets, [0, 1, 2, 3, 4, 5]);
    // one batch: loss and metric are the same mean over the 21 real steps
    const one = model.evaluate(x, y);
    expect(every.n).toBe(21);
    expect(one.mse).toBeCloseTo(every.sq / every.n, 12);
    expect(one.loss).toBeCloseTo(every.sq / every.n, 12);
    // batches of 4 and 2 samples: the loss is Keras's per-batch mean over real steps, weighted by batch size;
    // the metric is still formed over every real step of the epoch
    const b1 = squares(pred, targets, [0, 1, 2, 3]);
    const b2 = squares(pred, targets, [4, 5]);
    const batched = model.evaluate(x, y, { batchSize: 4 });
    expect(batched.mse).toBeCloseTo(every.sq / every.n, 12);
    expect(batched.loss).toBeCloseTo(((b1.sq / b1.n) * 4 + (b2.sq / b2.n) * 2) / 6, 12);
    expect(batched.loss).not.toBeCloseTo(batched.mse, 6);
  });

  it('binaryCrossentropy and accuracy of a masked sequence classifier agree with a hand computation', () => {
    const rng = new Random(22);
    const seqs = inputs(rng);
    const labels = perStep(rng, seqs, (r) => (r.uniform() < 0.5 ? 1 : 0));
    const model = sequential(
      [masking(), gru({ units: 3, returnSequences: true }), dense({ units: 1, activation: 'sigmoid' })],
      { inputShape: [T, F], seed: 6, dtype: 'float64' },
    );
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const x = padSequences(seqs, { padding: 'pre', dtype: 'float64' });
    const y = padSequences(
      labels.map((l) => l.map((v) => [v])),
      { padding: 'pre', dtype: 'float64' },
    );
    const p = model.predict(x).data;
    let ce = 0;
    let hits = 0;
    let n = 0;
    labels.forEach((l, i) =>
      l.forEach((t, k) => {
        const q = p[i * T + (T - l.length) + k];
        ce += -(t * Math.log(q) + (1 - t) * Math.log(1 - q));
        if ((q > 0.5 ? 1 : 0) === t) hits++;
        n++;
      }),
    );
    const r = model.evaluate(x, y);
    expect(r.loss).toBeCloseTo(ce / n, 10);
    expect(r.accuracy).toBe(hits / n);
  });

  it('fit() reports the masked metrics over the epoch, on the training and the validation data', async () => {
    const { model, targets, x, y } = regression();
    // weights bit-identical through training (a rate far below their rounding): every batch sees `pred`
    model.compile({ optimizer: sgd({ learningRate: 1e-30 }), loss: 'mse', metrics: ['mse'] });
    const pred = model.predict(x).data;
    const train = squares(pred, targets, [0, 1, 2, 3]);
    const val = squares(pred, targets, [4, 5]);
    const h = await model.fit(x, y, { epochs: 2, batchSize: 3, validationSplit: 1 / 3, shuffle: true });
    expect(h.history.mse[0]).toBeCloseTo(train.sq / train.n, 12);
    expect(h.history.mse[1]).toBeCloseTo(train.sq / train.n, 12);
    expect(h.history.val_mse[0]).toBeCloseTo(val.sq / val.n, 12);
  });

  it('sampleWeight weights the loss of masked outputs, never their metrics', () => {
    const { model, x, y } = regression();
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mse'] });
    const plain = model.evaluate(x, y);
    const weighted = model.evaluate(x, y, { sampleWeight: [0, 2, 1, 1, 3, 0.5] });
    expect(weighted.mse).toBe(plain.mse);
    expect(weighted.loss).not.toBeCloseTo(plain.loss, 6);
  });

  it('a sample with no real step adds nothing; a batch of padding alone gives 0 (divide_no_nan)', () => {
    const { model, targets, x, y } = regression();
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['mse', 'accuracy'] });
    const rows = T * F;
    const xe = new Float64Array(x.data.length + rows);
    xe.set(x.data);
    const ye = new Float64Array(y.data.length + T).fill(5);
    ye.set(y.data);
    const withEmpty = model.evaluate({ shape: [7, T, F], data: xe }, { shape: [7, T, 1], data: ye });
    const every = squares(model.predict(x).data, targets, [0, 1, 2, 3, 4, 5]);
    expect(withEmpty.mse).toBeCloseTo(every.sq / every.n, 12);
    const empty = model.evaluate(
      { shape: [1, T, F], data: new Float64Array(rows) },
      { shape: [1, T, 1], data: new Float64Array(T).fill(5) },
    );
    expect(empty).toEqual({ loss: 0, mse: 0, accuracy: 0 });
  });
});
