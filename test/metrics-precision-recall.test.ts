/**
 * precision and recall as keras/src/metrics/confusion_metrics.py defines them for one threshold: an element is
 * predicted positive when p > threshold (default 0.5), truly positive when its target is not 0; the value is
 * formed over the whole epoch from the accumulated counts (not a mean of batch values), 0 when the
 * denominator is 0 (divide_no_nan); `classId` picks one unit of a wider output. compile's metrics are not
 * weighted by sampleWeight or classWeight (keras/src/trainers/compile_utils.py: CompileMetrics.update_state
 * passes no sample_weight to `metrics`). Saved and loaded with the model; TF.js still loads the model.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import {
  binaryCrossentropy,
  dense,
  earlyStopping,
  fromArtifacts,
  lstm,
  precision,
  Random,
  recall,
  reduceLROnPlateau,
  sequential,
  sgd,
  toArtifacts,
} from '../src/index.js';
import type { DType, MetricSpec, Sequential } from '../src/index.js';

/** A model whose output for input row i is `outputs[i]`: Dense(units, linear) on one-hot inputs. */
function fixedOutputs(outputs: number[][], dtype: DType = 'float64'): { model: Sequential; x: number[][] } {
  const N = outputs.length;
  const U = outputs[0].length;
  const model = sequential([dense({ units: U, useBias: false })], { inputShape: [N], seed: 1, dtype });
  model.setWeight('dense/kernel', [N, U], outputs.flat());
  const x = outputs.map((_, i) => Array.from({ length: N }, (_, j) => (i === j ? 1 : 0)));
  return { model, x };
}

function compiled(outputs: number[][], metrics: readonly MetricSpec[], dtype: DType = 'float64') {
  const r = fixedOutputs(outputs, dtype);
  r.model.compile({ optimizer: 'sgd', loss: 'mse', metrics });
  return r;
}

/** Hand counts for one threshold over flat predictions and targets. */
function counts(p: readonly number[], t: readonly number[], th: number) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  p.forEach((v, i) => {
    if (v > th && t[i] !== 0) tp++;
    else if (v > th) fp++;
    else if (t[i] !== 0) fn++;
  });
  return { tp, fp, fn };
}

const P = [0.9, 0.5, 0.3, 0.7, 0.2, 0.6];
const Y = [1, 1, 0, 0, 1, 0];

describe('precision and recall values', () => {
  it("precision() and recall() give the values of Keras's docstring examples (0.6666667 each)", () => {
    const { model, x } = compiled([[1], [0], [1], [1]], ['precision', 'recall']);
    const r = model.evaluate(x, [[0], [1], [1], [1]]);
    expect(r.precision).toBe(2 / 3);
    expect(r.recall).toBe(2 / 3);
  });

  it('precision and recall count p > threshold strictly (0.5 is negative) and any non-zero target as positive', () => {
    const { model, x } = compiled(
      P.map((v) => [v]),
      [
        'precision',
        'recall',
        precision({ thresholds: 0.25, name: 'p25' }),
        recall({ thresholds: 0.25, name: 'r25' }),
      ],
    );
    const r = model.evaluate(
      x,
      Y.map((v) => [v]),
    );
    // threshold 0.5: positives 0.9 (true), 0.7, 0.6 (false); missed: 0.5 and 0.2
    const c = counts(P, Y, 0.5);
    expect(c).toEqual({ tp: 1, fp: 2, fn: 2 });
    expect(r.precision).toBe(1 / 3);
    expect(r.recall).toBe(1 / 3);
    // threshold 0.25: positives 0.9, 0.5 (true), 0.3, 0.7, 0.6 (false); missed: 0.2
    expect(counts(P, Y, 0.25)).toEqual({ tp: 2, fp: 3, fn: 1 });
    expect(r.p25).toBe(2 / 5);
    expect(r.r25).toBe(2 / 3);
    // a target of 2 is as positive as 1 (Keras casts y_true to bool)
    expect(model.evaluate(x, [[2], [1], [0], [0], [1], [0]]).precision).toBe(1 / 3);
  });

  it('precision and recall are 0 when nothing is predicted positive or nothing is positive (divide_no_nan)', () => {
    const { model, x } = compiled([[0.1], [0.4], [0.2]], ['precision', 'recall']);
    expect(model.evaluate(x, [[1], [1], [0]])).toMatchObject({ precision: 0, recall: 0 });
    const none = compiled([[0.9], [0.4], [0.8]], ['precision', 'recall']);
    // no true positives among the targets: recall's denominator is 0; precision is 0 of 2
    expect(none.model.evaluate(none.x, [[0], [0], [0]])).toMatchObject({ precision: 0, recall: 0 });
  });

  it('evaluate() forms precision from the counts of every batch, not from a mean of batch values', () => {
    const { model, x } = compiled(
      P.map((v) => [v]),
      ['precision', 'recall'],
    );
    const y = Y.map((v) => [v]);
    const whole = model.evaluate(x, y);
    const batched = model.evaluate(x, y, { batchSize: 3 });
    expect(batched.precision).toBe(whole.precision);
    expect(batched.recall).toBe(whole.recall);
    // the mean of the two batches' own precisions would be (1/1 + 0/2) / 2, not 1/3
    const perBatch = [0, 3].map((start) => {
      const c = counts(P.slice(start, start + 3), Y.slice(start, start + 3), 0.5);
      return c.tp / (c.tp + c.fp);
    });
    expect(perBatch).toEqual([1, 0]);
    expect(whole.precision).toBe(1 / 3);
  });

  it('fit() reports precision and recall over the epoch, in History and with val_ on validation data', async () => {
    const { model, x } = fixedOutputs(P.map((v) => [v]));
    // a learning rate far below the weights' rounding leaves them bit-identical: every batch sees P
    model.compile({
      optimizer: sgd({ learningRate: 1e-30 }),
      loss: 'mse',
      metrics: ['precision', recall({ name: 'sensitivity' })],
    });
    const y = Y.map((v) => [v]);
    const h = await model.fit(x, y, { epochs: 2, batchSize: 2, shuffle: false });
    expect(h.history.precision).toEqual([1 / 3, 1 / 3]);
    expect(h.history.sensitivity).toEqual([1 / 3, 1 / 3]);
    const v = await model.fit(x, y, { epochs: 1, batchSize: 2, validationSplit: 0.5, shuffle: false });
    // training rows 0–2: P 0.9 0.5 0.3 against 1 1 0; validation rows 3–5: 0.7 0.2 0.6 against 0 1 0
    expect(v.history.precision).toEqual([1]);
    expect(v.history.sensitivity).toEqual([1 / 2]);
    expect(v.history.val_precision).toEqual([0]);
    expect(v.history.val_sensitivity).toEqual([0]);
  });

  it('precision({ classId }) counts one unit of each row; without it every element counts (Keras flattens)', () => {
    const out = [
      [0.7, 0.2, 0.1],
      [0.3, 0.6, 0.1],
      [0.6, 0.3, 0.1],
      [0.1, 0.1, 0.8],
    ];
    const y = [
      [1, 0, 0],
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    const { model, x } = fixedOutputs(out);
    model.compile({
      optimizer: 'sgd',
      loss: 'categoricalCrossentropy',
      metrics: [
        precision({ classId: 0, name: 'p0' }),
        recall({ classId: 0, name: 'r0' }),
        precision({ classId: 1, name: 'p1' }),
        'precision',
        'recall',
      ],
    });
    const r = model.evaluate(x, y);
    // unit 0: p > 0.5 in rows 0 and 2; true in rows 0 and 1
    expect(r.p0).toBe(1 / 2);
    expect(r.r0).toBe(1 / 2);
    // unit 1: p > 0.5 in row 1 only, whose target is 0
    expect(r.p1).toBe(0);
    const all = counts(out.flat(), y.flat(), 0.5);
    expect(r.precision).toBe(all.tp / (all.tp + all.fp));
    expect(r.recall).toBe(all.tp / (all.tp + all.fn));
  });

  it('precision({ thresholds: 0 }) on logits is precision at 0.5 on their sigmoid (Keras: thresholds 0 with fromLogits)', () => {
    const logits = [2, -1, 0.4, -0.3, 1.5];
    const y = [[1], [1], [0], [0], [1]];
    const a = fixedOutputs(logits.map((v) => [v]));
    a.model.compile({
      optimizer: 'sgd',
      loss: binaryCrossentropy({ fromLogits: true }),
      metrics: [precision({ thresholds: 0 }), recall({ thresholds: 0 })],
    });
    const b = compiled(
      logits.map((v) => [1 / (1 + Math.exp(-v))]),
      ['precision', 'recall'],
    );
    const ra = a.model.evaluate(a.x, y);
    const rb = b.model.evaluate(b.x, y);
    expect(ra.precision).toBe(rb.precision);
    expect(ra.recall).toBe(rb.recall);
    expect(ra.precision).toBe(2 / 3);
  });

  it('a float32 prediction is compared with the threshold in float32, as Keras casts both', () => {
    const p = Math.fround(0.3); // 0.30000001192…, above the double 0.3
    const { model, x } = compiled([[p], [0.9]], [precision({ thresholds: 0.3 })], 'float32');
    // float32(0.3) > float32(0.3) is false: only 0.9 is a positive, and a true one
    expect(model.evaluate(x, [[0], [1]]).precision).toBe(1);
  });
});

describe('precision and recall are not weighted by sampleWeight or classWeight', () => {
  it('evaluate({ sampleWeight }) weights the loss but not precision or recall', () => {
    const { model, x } = compiled(
      P.map((v) => [v]),
      ['precision', 'recall'],
    );
    const y = Y.map((v) => [v]);
    const plain = model.evaluate(x, y);
    const w = model.evaluate(x, y, { sampleWeight: [0, 3, 1, 0, 2, 1] });
    expect(w.loss).not.toBe(plain.loss);
    expect(w.precision).toBe(plain.precision);
    expect(w.recall).toBe(plain.recall);
  });

  it('fit({ classWeight }) and fit({ sampleWeight }) report the unweighted precision and recall', async () => {
    const y = Y.map((v) => [v]);
    const run = async (opts: object) => {
      const { model, x } = fixedOutputs(P.map((v) => [v]));
      model.compile({
        optimizer: sgd({ learningRate: 1e-30 }),
        loss: 'binaryCrossentropy',
        metrics: ['precision', 'recall'],
      });
      return (await model.fit(x, y, { epochs: 1, batchSize: 6, ...opts })).history;
    };
    const plain = await run({});
    const byClass = await run({ classWeight: { 0: 0.1, 1: 5 } });
    const bySample = await run({ sampleWeight: [0, 1, 1, 0, 9, 1] });
    expect(plain.precision).toEqual([1 / 3]);
    expect(plain.recall).toEqual([1 / 3]);
    for (const h of [byClass, bySample]) {
      expect(h.loss).not.toEqual(plain.loss);
      expect(h.precision).toEqual(plain.precision);
      expect(h.recall).toEqual(plain.recall);
    }
  });
});

describe('precision and recall in callbacks', () => {
  const info = (model: Sequential) => ({
    model,
    epochs: 5,
    initialEpoch: 0,
    stepsPerEpoch: 1,
    samples: 2,
    validationSamples: 2,
  });

  it("earlyStopping({ monitor: 'val_precision' }) treats a higher precision as the improvement (Keras's direction 'up')", () => {
    const { model } = compiled([[0.9], [0.2]], ['precision', precision({ thresholds: 0.7, name: 'strict' })]);
    for (const monitor of ['val_precision', 'strict']) {
      const es = earlyStopping({ monitor, patience: 1 });
      es.onTrainBegin(info(model));
      model.stopTraining = false;
      es.onEpochEnd(0, { loss: 1, val_loss: 1, [monitor]: 0.5 });
      es.onEpochEnd(1, { loss: 1, val_loss: 1, [monitor]: 0.8 });
      expect(es.bestEpoch, monitor).toBe(1);
      es.onEpochEnd(2, { loss: 1, val_loss: 1, [monitor]: 0.7 });
      expect(model.stopTraining, monitor).toBe(true);
      expect(es.bestEpoch, monitor).toBe(1);
    }
  });

  it("reduceLROnPlateau({ monitor: 'val_recall' }) lowers the rate only when recall stops rising", () => {
    const { model } = compiled([[0.9], [0.2]], ['recall']);
    const rl = reduceLROnPlateau({ monitor: 'val_recall', patience: 1, factor: 0.5, minDelta: 0 });
    rl.onTrainBegin(info(model));
    const lr = (): number => model.compiled!.optimizer.learningRate as number;
    const start = lr();
    rl.onEpochEnd(0, { loss: 1, val_recall: 0.5 });
    rl.onEpochEnd(1, { loss: 1, val_recall: 0.7 });
    expect(lr()).toBe(start);
    rl.onEpochEnd(2, { loss: 1, val_recall: 0.6 });
    expect(lr()).toBe(start * 0.5);
  });

  it("fit() with earlyStopping on 'val_recall' runs, stops on it and restores the best epoch's weights", async () => {
    const rng = new Random(4);
    const x = Array.from({ length: 60 }, () => Array.from({ length: 5 }, () => [rng.uniformRange(-1, 1)]));
    const y = x.map((s) => [s.reduce((a, v) => a + v[0], 0) > 0 ? 1 : 0]);
    const model = sequential([lstm({ units: 4 }), dense({ units: 1, activation: 'sigmoid' })], {
      inputShape: [5, 1],
      seed: 2,
    });
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['recall'] });
    const es = earlyStopping({ monitor: 'val_recall', patience: 2, restoreBestWeights: true });
    const h = await model.fit(x, y, { epochs: 30, batchSize: 16, validationSplit: 0.25, callbacks: [es] });
    const best = Math.max(...h.history.val_recall);
    expect(h.history.val_recall[es.bestEpoch!]).toBe(best);
    expect(model.evaluate(x.slice(45), y.slice(45)).recall).toBe(best);
  });
});

describe('precision and recall saved with the model', () => {
  it('toArtifacts() keeps precision and recall with their options; fromArtifacts() compiles them the same', () => {
    const { model, x } = compiled(
      P.map((v) => [v]),
      ['precision', recall({ thresholds: 0.25, name: 'r25' }), 'mae'],
      'float32', // the weights travel as float32: the loaded model computes exactly the same
    );
    const a = toArtifacts(model);
    const meta = (a.modelJson.userDefinedMetadata as { seqcast: { compile: { metrics: unknown } } }).seqcast;
    expect(meta.compile.metrics).toEqual([
      'precision',
      { kind: 'recall', name: 'r25', thresholds: 0.25 },
      'mae',
    ]);
    // the TF.js form: only what TF.js's compile() knows, with its own meaning (no thresholds there)
    expect((a.modelJson.trainingConfig as { metrics: unknown }).metrics).toEqual(['precision', 'mae']);
    const back = fromArtifacts({
      modelJson: JSON.parse(JSON.stringify(a.modelJson)) as unknown,
      weightData: a.weightData,
    });
    expect(back.compiled?.metrics).toEqual(model.compiled?.metrics);
    const y = Y.map((v) => [v]);
    expect(back.evaluate(x, y)).toEqual(model.evaluate(x, y));
  });

  it('fromArtifacts() names a bad stored metric and its fault', () => {
    const { model } = compiled([[0.5]], [precision({ thresholds: 0.3, name: 'p30' })]);
    const a = toArtifacts(model);
    const json = JSON.parse(JSON.stringify(a.modelJson)) as {
      userDefinedMetadata: { seqcast: { compile: { metrics: unknown[] } } };
    };
    json.userDefinedMetadata.seqcast.compile.metrics = [{ kind: 'precision', name: 'p30', thresholds: 3 }];
    expect(() => fromArtifacts({ modelJson: json, weightData: a.weightData })).toThrow(
      /userDefinedMetadata\.seqcast\.compile: metrics: precision\(\): thresholds must be a number in \[0, 1\] \(got 3\)/,
    );
    json.userDefinedMetadata.seqcast.compile.metrics = ['auc'];
    expect(() => fromArtifacts({ modelJson: json, weightData: a.weightData })).toThrow(
      /compile: unknown metric "auc"; the metrics are 'mse', .*'precision', 'recall'/,
    );
  });

  it('TF.js loads a seqcast model compiled with any metric (those it lacks are left out of its trainingConfig)', async () => {
    tf.enableProdMode();
    await tf.setBackend('cpu');
    const m = sequential([dense({ units: 1, activation: 'sigmoid' })], { inputShape: [2], seed: 1 });
    m.compile({
      optimizer: 'adam',
      loss: 'binaryCrossentropy',
      metrics: [
        'accuracy',
        'precision',
        'recall',
        'rmse',
        'mae',
        precision({ thresholds: 0.2, name: 'p20' }),
      ],
    });
    const a = toArtifacts(m);
    const spec = a.modelJson.weightsManifest[0].weights;
    const loaded = await tf.loadLayersModel({
      load: async () => ({
        modelTopology: a.modelJson.modelTopology,
        trainingConfig: a.modelJson.trainingConfig as unknown as tf.io.TrainingConfig,
        weightSpecs: spec as tf.io.WeightsManifestEntry[],
        weightData: a.weightData,
      }),
    });
    expect(loaded.metricsNames).toEqual(['loss', 'acc', 'precision', 'mae']);
  });
});

describe('precision and recall options and refusals', () => {
  it('precision() and recall() check their options, each with one message naming the fix', () => {
    expect(() => precision({ thresholds: 1.5 })).toThrow(
      /precision\(\): thresholds must be a number in \[0, 1\] \(got 1\.5\)/,
    );
    expect(() => recall({ thresholds: [0.3, 0.5] as never })).toThrow(
      /recall\(\): thresholds must be one number in \[0, 1\] \(got \[0\.3,0\.5\]\); for several thresholds compile one recall per threshold, each with its own name/,
    );
    expect(() => precision({ classId: 1.5 })).toThrow(/classId must be an integer ≥ 0/);
    expect(() => precision({ topK: 2 } as never)).toThrow(
      /precision\(\): unknown option 'topK'; the options are 'thresholds', 'classId', 'name'/,
    );
    expect(() => precision({ name: 'val_p' })).toThrow(/name 'val_p' is taken by fit\(\)'s own figures/);
    expect(() => recall({ name: 'loss' })).toThrow(/name 'loss' is taken/);
    expect(() => recall({ name: 'has space' })).toThrow(/name must be up to 60 letters, digits/);
  });

  it('compile() refuses precision with integer labels, and two different metrics under one name', () => {
    const { model } = fixedOutputs([[0.2, 0.8]]);
    expect(() =>
      model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['precision'] }),
    ).toThrow(
      /metric 'precision' compares predictions with targets shaped like them, but sparseCategoricalCrossentropy takes integer class labels; for the precision of one class use one-hot targets with 'categoricalCrossentropy' and precision\(\{ classId \}\)/,
    );
    expect(() =>
      model.compile({
        optimizer: 'sgd',
        loss: 'mse',
        metrics: ['precision', precision({ thresholds: 0.3 })],
      }),
    ).toThrow(/two different metrics are named 'precision'; give one its own name/);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse', metrics: [precision as never] })).toThrow(
      /got a function \(call it, e\.g\. precision\(\{ thresholds: 0\.3 \}\); custom metric functions are not supported\)/,
    );
    expect(() =>
      model.compile({ optimizer: 'sgd', loss: 'mse', metrics: [{ kind: 'mae', name: 'm' } as never] }),
    ).toThrow(
      /a metric is a name such as 'accuracy' or the object precision\(\) or recall\(\) returns \(got \{"kind":"mae","name":"m"\}\)/,
    );
    // the same metric twice is harmless: reported once under its name
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['precision', precision()] });
    expect(model.compiled?.metrics).toHaveLength(2);
  });

  it('fit() and evaluate() refuse a classId outside the output', async () => {
    const { model, x } = fixedOutputs([[0.2, 0.8]]);
    model.compile({ optimizer: 'sgd', loss: 'mse', metrics: [recall({ classId: 2 })] });
    expect(() => model.evaluate(x, [[0, 1]])).toThrow(
      /evaluate\(\): metric 'recall' has classId 2, but the model's output has 2 units \(classId 0 to 1\)/,
    );
    await expect(model.fit(x, [[0, 1]])).rejects.toThrow(/fit\(\): metric 'recall' has classId 2/);
  });
});
