// SequenceClassifier: split, vectorise on the training part only, train, score beside baselines, save (issue 17).
import { describe, expect, it } from 'vitest';
import { classifierFromArtifacts, classifierToArtifacts, SequenceClassifier } from '../src/classify/index.js';
import { scoreClassifier } from '../src/classify/evaluation.js';
import { wordTrace } from '../src/classify/word-trace.js';
import { Random } from '../src/random.js';

const POSITIVE = ['good', 'great', 'lovely', 'fine', 'superb'];
const NEGATIVE = ['bad', 'awful', 'poor', 'dull', 'broken'];
const FILLER = ['the', 'film', 'phone', 'was', 'really', 'quite', 'food', 'it', 'and', 'very'];

function sentences(n: number, seed: number): { texts: string[]; labels: string[] } {
  const rng = new Random(seed);
  const pick = (a: string[]): string => a[rng.int(a.length)];
  const texts: string[] = [];
  const labels: string[] = [];
  for (let i = 0; i < n; i++) {
    const positive = i % 2 === 0;
    const words = Array.from({ length: 2 + rng.int(5) }, () => pick(FILLER));
    words.splice(rng.int(words.length + 1), 0, pick(positive ? POSITIVE : NEGATIVE));
    texts.push(`${words.join(' ')}${rng.int(2) === 0 ? '!' : '.'}`);
    labels.push(positive ? 'pos' : 'neg');
  }
  return { texts, labels };
}

const SMALL = {
  model: { embeddingDim: 8, units: 6 },
  training: { epochs: 25, batchSize: 16, learningRate: 0.01, patience: null },
  validationFraction: 0,
} as const;

describe('SequenceClassifier', () => {
  it('fit() learns which words decide the class and scores the test part beside both baselines', async () => {
    const data = sentences(160, 1);
    const c = await SequenceClassifier.fit(data, SMALL);
    const e = c.testEvaluation!;
    expect(c.classes).toEqual(['neg', 'pos']);
    expect(e.n).toBe(32);
    expect(e.metrics.model.accuracy).toBeGreaterThan(0.9);
    expect(e.metrics.baselines.majority!.accuracy).toBe(0.5);
    expect(e.metrics.baselines.bagOfWords!.accuracy).toBeGreaterThan(0.9);
    expect(e.metrics.model.confusion.flat().reduce((a, b) => a + b, 0)).toBe(32);
    expect(Object.keys(e.metrics.model.perClass)).toEqual(['neg', 'pos']);
    expect(e.verdict).toMatch(/^the (model|baseline) wins: /);
    const p = c.predict(['what a superb phone', 'the food was awful']);
    expect(p.labels).toEqual(['pos', 'neg']);
    expect(p.probabilities.length).toBe(4);
  });

  it('fit() learns nothing from the test part: changing its texts leaves the vocabulary and the weights bit-identical', async () => {
    const data = sentences(80, 2);
    const a = await SequenceClassifier.fit(data, { ...SMALL, training: { ...SMALL.training, epochs: 2 } });
    const test = new Set(a.fitInfo!.split.test);
    const changed = {
      texts: data.texts.map((t, i) => (test.has(i) ? `zebra ${i} quantum words nobody trained on` : t)),
      labels: data.labels,
    };
    const b = await SequenceClassifier.fit(changed, { ...SMALL, training: { ...SMALL.training, epochs: 2 } });
    expect(Array.from(b.fitInfo!.split.test)).toEqual(Array.from(a.fitInfo!.split.test));
    expect(b.vectorizer!.vocabulary()).toEqual(a.vectorizer!.vocabulary());
    expect(b.vectorizer!.vocabulary()).not.toContain('zebra');
    expect(Array.from(b.model.params)).toEqual(Array.from(a.model.params));
    expect(b.state().baseline).toEqual(a.state().baseline);
    expect(b.testEvaluation!.unknownShare).toBeGreaterThan(0.5);
    expect(b.testEvaluation!.warnings.map((w) => w.kind)).toContain('unknownWords');
  });

  it('a classifier saved and loaded reads raw text and predicts exactly the same', async () => {
    const c = await SequenceClassifier.fit(sentences(60, 3), {
      ...SMALL,
      training: { ...SMALL.training, epochs: 2 },
    });
    const back = classifierFromArtifacts(roundTrip(classifierToArtifacts(c)));
    const texts = ['Great film!', 'awful, AWFUL food', 'an unseen word'];
    expect(Array.from(back.predict(texts).probabilities)).toEqual(Array.from(c.predict(texts).probabilities));
    expect(back.classes).toEqual(c.classes);
    const again = back.evaluate({ texts, labels: ['pos', 'neg', 'pos'] });
    expect(Object.keys(again.metrics.baselines)).toEqual(['majority', 'bagOfWords']);
  });

  it('wordTrace(c, text) gives, at each word, what predict() says of the text ending there', async () => {
    const c = await SequenceClassifier.fit(sentences(60, 7), {
      ...SMALL,
      training: { ...SMALL.training, epochs: 3 },
    });
    const w = wordTrace(c, 'The film was GOOD, not zebra');
    expect(w.words).toEqual(['the', 'film', 'was', 'good', 'not', 'zebra']);
    expect(w.known).toEqual([true, true, true, true, false, false]);
    const prefixes = [
      'the',
      'the film',
      'the film was',
      'the film was good',
      'the film was good not',
      'the film was good not zebra',
    ];
    const p = c.predict(prefixes);
    w.probabilities.forEach((row, t) =>
      expect(row).toEqual(Array.from(p.probabilities.subarray(2 * t, 2 * t + 2))),
    );
    const halves = w.trace.layers.filter((l) => l.kind === 'recurrent');
    expect(halves.map((l) => l.layer)).toEqual(['bidirectional/forward', 'bidirectional/backward']);
    expect(w.trace.output[0]).toBeCloseTo(w.probabilities[5][1], 6);
    expect(() => wordTrace(c, '?!')).toThrow(/the text has no words once standardised/);
  });

  it('fromState() refuses a model with a vectorizer it was not trained with', async () => {
    const a = await SequenceClassifier.fit(sentences(60, 4), {
      ...SMALL,
      training: { ...SMALL.training, epochs: 1 },
    });
    const other = await SequenceClassifier.fit(
      {
        texts: [...sentences(60, 4).texts.map((t) => `${t} extra words here`)],
        labels: sentences(60, 4).labels,
      },
      { ...SMALL, training: { ...SMALL.training, epochs: 1 } },
    );
    expect(() => SequenceClassifier.fromState(a.model, other.state())).toThrow(
      /this model was not trained with this vectorizer|the model and its state do not belong together/,
    );
    expect(() => SequenceClassifier.fromState(a.model, { ...a.state(), classes: ['x'] })).toThrow(
      /classes must list two or more different labels/,
    );
  });

  it("stops early on the validation part's accuracy when told to, restoring the best epoch's weights", async () => {
    const c = await SequenceClassifier.fit(sentences(80, 8), {
      ...SMALL,
      validationFraction: 0.25,
      training: { ...SMALL.training, epochs: 40, patience: 2, monitor: 'val_accuracy' },
    });
    const h = c.history!;
    expect(Object.keys(h.history)).toEqual(expect.arrayContaining(['accuracy', 'val_accuracy', 'val_loss']));
    expect(h.stop?.message ?? '').toMatch(/^early stopping: 'val_accuracy' did not improve for 2 epochs/);
  });

  it('weights unbalanced classes n / (K · n_k), and leaves balanced ones alone', async () => {
    const d = sentences(90, 5);
    const labels = d.labels.map((l, i) => (i % 6 === 0 ? 'pos' : l === 'pos' ? 'neg' : l));
    const c = await SequenceClassifier.fit(
      { texts: d.texts, labels },
      { ...SMALL, training: { ...SMALL.training, epochs: 1 } },
    );
    const counts = c.fitInfo!.trainCounts;
    const n = counts[0] + counts[1];
    expect(c.fitInfo!.classWeight).toEqual([n / (2 * counts[0]), n / (2 * counts[1])]);
    const b = await SequenceClassifier.fit(sentences(40, 5), {
      ...SMALL,
      training: { ...SMALL.training, epochs: 1 },
    });
    expect(b.fitInfo!.classWeight).toBeNull();
  });

  it('classifies numeric sequences of different lengths (Masking → LSTM), beside the summary-statistics baseline', async () => {
    const rng = new Random(11);
    const sequences: number[][][] = [];
    const labels: number[] = [];
    for (let i = 0; i < 90; i++) {
      const cls = i % 3;
      const T = 3 + rng.int(6);
      sequences.push(Array.from({ length: T }, (_, t) => [cls - 1 + 0.3 * rng.normal(), Math.sin(t + cls)]));
      labels.push(cls);
    }
    const c = await SequenceClassifier.fit(
      { sequences, labels },
      {
        model: { units: 8 },
        training: { epochs: 30, learningRate: 0.02, patience: null },
        validationFraction: 0,
      },
    );
    const e = c.testEvaluation!;
    expect(c.classes).toEqual(['0', '1', '2']);
    expect(e.metrics.model.accuracy).toBeGreaterThan(0.8);
    expect(e.metrics.baselines.summaryStatistics!.accuracy).toBeGreaterThan(0.8);
    expect(e.metrics.model.rocAuc).toBeNull();
    const back = classifierFromArtifacts(roundTrip(classifierToArtifacts(c)));
    expect(Array.from(back.predict(sequences.slice(0, 5)).probabilities)).toEqual(
      Array.from(c.predict(sequences.slice(0, 5)).probabilities),
    );
  });

  it('refuses one class, a class too small for the test part, empty texts and missing labels in one line', async () => {
    await expect(SequenceClassifier.fit({ texts: ['a', 'b', 'c'], labels: [1, 1, 1] })).rejects.toThrow(
      /every label is '1'; a classifier needs at least two classes/,
    );
    const d = sentences(40, 6);
    await expect(
      SequenceClassifier.fit({ texts: [...d.texts, 'odd one'], labels: [...d.labels, 'other'] }, SMALL),
    ).rejects.toThrow(
      /class 'other' has 1 sample, which leaves none to train on|class 'other' has 1 sample, so none reaches the test part/,
    );
    await expect(
      SequenceClassifier.fit(
        { texts: [...d.texts, 'odd one', 'odd two'], labels: [...d.labels, 'other', 'other'] },
        SMALL,
      ),
    ).rejects.toThrow(
      /class 'other' has 2 samples, so none reaches the test part \(testFraction 0.2\); give at least 3 samples/,
    );
    await expect(SequenceClassifier.fit({ texts: ['a', '  '], labels: [0, 1] })).rejects.toThrow(
      /texts\[1\] is empty/,
    );
    await expect(SequenceClassifier.fit({ texts: ['a', 'b'], labels: [0, ''] })).rejects.toThrow(
      /labels\[1\] is empty/,
    );
    await expect(SequenceClassifier.fit({ texts: ['a', 'b'], labels: [0] })).rejects.toThrow(
      /2 texts but 1 labels/,
    );
    await expect(SequenceClassifier.fit(d, { training: { monitor: 'loss' as never } })).rejects.toThrow(
      /training.monitor must be 'val_loss' or 'val_accuracy' \(got "loss"\)/,
    );
    await expect(SequenceClassifier.fit(d, { model: { units: 0 } })).rejects.toThrow(
      /model.units must be an integer ≥ 1 \(got 0\)/,
    );
  });
});

describe('scoreClassifier (the verdict and the guards)', () => {
  const classes = ['neg', 'pos'];
  const actual = Int32Array.from({ length: 40 }, (_, i) => i % 2);
  const exact = {
    predicted: Int32Array.from(actual),
    proba: Float64Array.from(Array.from(actual).flatMap((a) => [1 - a, a])),
  };
  const ones = { predicted: new Int32Array(40).fill(1), proba: new Float64Array(80).fill(0.5) };

  it('says plainly when the baseline wins', () => {
    const e = scoreClassifier(classes, actual, ones, { majority: ones, bagOfWords: exact }, 0.1);
    expect(e.winner).toBe('bagOfWords');
    expect(e.verdict).toMatch(
      /^the baseline wins: the bag-of-words logistic regression reaches accuracy 1.000, and the model \(0.500\) does not beat it/,
    );
    expect(e.warnings.map((w) => w.kind)).toEqual(['smallTest', 'oneClass']);
    expect(e.warnings[1].message).toMatch(/the model predicts 'pos' for every test sample/);
  });

  it('names the model the winner only when it is strictly better, and says when the margin may be chance', () => {
    const e = scoreClassifier(classes, actual, exact, { majority: ones }, null);
    expect(e.winner).toBe('model');
    expect(e.verdict).toMatch(/^the model wins: accuracy 1.000 against the majority class 0.500/);
    const tie = scoreClassifier(classes, actual, exact, { majority: ones, bagOfWords: exact }, null);
    expect(tie.winner).toBe('bagOfWords');
    expect(tie.verdict).toMatch(/ties with it/);
  });
});

/** Artifacts as a reader sees them: model.json parsed from its text, the weights as bytes. */
function roundTrip(a: { modelJson: unknown; weightData: ArrayBuffer }): {
  modelJson: unknown;
  weightData: Uint8Array;
} {
  return {
    modelJson: JSON.parse(JSON.stringify(a.modelJson)),
    weightData: new Uint8Array(a.weightData.slice(0)),
  };
}
