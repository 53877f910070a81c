/**
 * A compiled classifier saved and loaded keeps its loss (with fromLogits and labelSmoothing), its metrics
 * and its predictions; the TF.js trainingConfig names the loss as Keras and TF.js do.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LossSpec, MetricSpec } from '../src/index.js';
import {
  Random,
  adam,
  binaryCrossentropy,
  categoricalCrossentropy,
  dense,
  fromArtifacts,
  lstm,
  sequential,
  sparseCategoricalCrossentropy,
  toArtifacts,
} from '../src/index.js';
import { loadModel, saveModel } from '../src/node.js';
import { uniformArray } from './helpers/gradcheck.js';

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'seqcast-classification-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface Case {
  readonly title: string;
  readonly units: number;
  readonly activation: 'sigmoid' | 'softmax' | 'linear';
  readonly loss: LossSpec;
  readonly metrics: readonly MetricSpec[];
  readonly keras: string;
  readonly stored: Record<string, unknown>;
  readonly y: (i: number) => number | number[];
}

const CASES: Case[] = [
  {
    title: "'binary_crossentropy' with accuracy",
    units: 1,
    activation: 'sigmoid',
    loss: 'binary_crossentropy',
    metrics: ['accuracy'],
    keras: 'binary_crossentropy',
    stored: { name: 'binaryCrossentropy', fromLogits: false, labelSmoothing: 0 },
    y: (i) => [i % 2],
  },
  {
    title: 'binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 })',
    units: 1,
    activation: 'linear',
    loss: binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }),
    metrics: ['binaryAccuracy'],
    keras: 'binary_crossentropy',
    stored: { name: 'binaryCrossentropy', fromLogits: true, labelSmoothing: 0.1 },
    y: (i) => [i % 2],
  },
  {
    title: 'categoricalCrossentropy({ labelSmoothing: 0.2 })',
    units: 3,
    activation: 'softmax',
    loss: categoricalCrossentropy({ labelSmoothing: 0.2 }),
    metrics: ['categoricalAccuracy', 'accuracy'],
    keras: 'categorical_crossentropy',
    stored: { name: 'categoricalCrossentropy', fromLogits: false, labelSmoothing: 0.2 },
    y: (i) => [0, 1, 2].map((j) => (j === i % 3 ? 1 : 0)),
  },
  {
    title: 'sparseCategoricalCrossentropy({ fromLogits: true })',
    units: 3,
    activation: 'linear',
    loss: sparseCategoricalCrossentropy({ fromLogits: true }),
    metrics: ['sparse_categorical_accuracy'],
    keras: 'sparse_categorical_crossentropy',
    stored: { name: 'sparseCategoricalCrossentropy', fromLogits: true },
    y: (i) => i % 3,
  },
];

describe('compiled classifiers saved and loaded', () => {
  it.each(CASES.map((c) => [c.title, c] as const))(
    'loadModel(saveModel(model compiled with %s)) evaluates and trains on the same',
    async (_t, c) => {
      const model = sequential([lstm({ units: 3 }), dense({ units: c.units, activation: c.activation })], {
        inputShape: [4, 2],
        seed: 6,
      });
      model.compile({ optimizer: adam({ learningRate: 0.01 }), loss: c.loss, metrics: c.metrics });
      const rng = new Random(4);
      const x = { shape: [9, 4, 2], data: uniformArray(rng, 72, -1, 1, 'float32') };
      const y = Array.from({ length: 9 }, (_, i) => c.y(i));

      const a = toArtifacts(model);
      expect((a.modelJson.trainingConfig as { loss: string }).loss).toBe(c.keras);
      const stored = (
        a.modelJson as unknown as { userDefinedMetadata: { seqcast: { compile: { loss: unknown } } } }
      ).userDefinedMetadata.seqcast.compile.loss;
      expect(stored).toEqual(c.stored);

      const dir = join(root, c.title.replace(/\W+/g, '_'));
      await saveModel(model, dir);
      const back = await loadModel(dir);
      expect(back.compiled?.loss.name).toBe(model.compiled?.loss.name);
      expect(back.compiled?.loss.fromLogits).toBe(model.compiled?.loss.fromLogits);
      expect(back.compiled?.loss.labelSmoothing).toBe(model.compiled?.loss.labelSmoothing);
      expect(back.compiled?.metrics).toEqual(model.compiled?.metrics);
      expect(back.evaluate(x, y)).toEqual(model.evaluate(x, y));
      const h1 = await model.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false });
      const h2 = await back.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false });
      expect(h2.history).toEqual(h1.history);
    },
  );

  it('fromArtifacts() refuses a stored crossentropy with a bad option, naming where it is', () => {
    const model = sequential([dense({ units: 2, activation: 'softmax' })], { inputShape: [3], seed: 1 });
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const a = toArtifacts(model);
    const json = JSON.parse(JSON.stringify(a.modelJson));
    json.userDefinedMetadata.seqcast.compile.loss.labelSmoothing = 3;
    expect(() => fromArtifacts({ modelJson: json, weightData: a.weightData })).toThrow(
      /userDefinedMetadata\.seqcast\.compile: loss: categoricalCrossentropy\(\): labelSmoothing must be a number in \[0, 1\] \(got 3\)/,
    );
  });
});
