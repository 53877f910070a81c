#!/usr/bin/env node
/**
 * Issue 17: two more attempts at beating the bag-of-words baseline on the sentiment sentences, on the very
 * split, vectorizer and baselines SequenceClassifier uses for each seed (a 1-epoch fit supplies them):
 *
 *   pool      Embedding(64, maskZero) → Bidirectional(LSTM(32), returnSequences) → masked
 *             GlobalAveragePooling1D → Dense(1, sigmoid); Adam 1e-3, 15 epochs, batch 32, early stopping on
 *             the validation part (patience 3, best weights kept) — the average of the states, not the last
 *   gru-pool  the same with GRU
 *   combined  the default classifier's network and the bag of words averaged: p = w·p_net + (1 − w)·p_bow,
 *             w ∈ {0, 0.25, 0.5, 0.75, 1} chosen by log loss on the validation part (never the test part)
 *
 *   node bench/sentiment-attempts.mjs [--seeds N] [--configs pool,gru-pool,combined]
 *
 * One JSON line per seed and configuration (validation and test accuracy, and the bag of words' test accuracy
 * on the same split), then a summary line per configuration. Run `npm run build` first.
 */
import { readFileSync } from 'node:fs';
import * as s from '../dist/index.js';
import { labelledDatasetPath } from '../dist/node.js';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : args[i + 1];
};
const seeds = Number(flag('seeds', 5));
const configs = String(flag('configs', 'pool,gru-pool,combined')).split(',');
let path;
try {
  path = labelledDatasetPath('sentiment');
} catch (e) {
  process.stderr.write(`sentiment-attempts.mjs: ${e.message}\n`);
  process.exit(1);
}
const data = s.readLabelledCsv(readFileSync(path, 'utf8'));
const WEIGHTS = [0, 0.25, 0.5, 0.75, 1];

/** The classifier's parts for a seed: split, inputs, 0/1 targets, and the bag of words' P(class 1) per part. */
function parts(c) {
  const x = c.vectorizer.vectorize(data.texts);
  const y = Float32Array.from(data.labels, (l) => c.classes.indexOf(l));
  const L = x.shape[1];
  const rows = (ids) => {
    const d = new Float32Array(ids.length * L);
    ids.forEach((i, r) => d.set(x.data.subarray(i * L, (i + 1) * L), r * L));
    return { shape: [ids.length, L], data: d };
  };
  const lr = new s.LogisticRegression(c.state().baseline.logistic);
  const bow = (ids) => {
    const p = lr.predictProba(
      s.bagOfWords(
        c.vectorizer,
        Array.from(ids, (i) => data.texts[i]),
      ),
    );
    return Float64Array.from(ids, (_, r) => p[2 * r + 1]);
  };
  return { split: c.fitInfo.split, y, rows, bow };
}

const accuracy = (p, ids, y) => ids.filter((i, r) => (p[r] > 0.5 ? 1 : 0) === y[i]).length / ids.length;
const logLoss = (p, ids, y) =>
  -ids.reduce((a, i, r) => a + Math.log(Math.max(1e-12, y[i] === 1 ? p[r] : 1 - p[r])), 0) / ids.length;
const mix = (w, net, bow) => Float64Array.from(net, (v, r) => w * v + (1 - w) * bow[r]);

async function pooled(seed, cell) {
  const c = await s.SequenceClassifier.fit(data, { training: { seed, epochs: 1 } });
  const { split, y, rows } = parts(c);
  const model = s.sequential(
    [
      s.embedding({ inputDim: c.vectorizer.vocabularySize, outputDim: 64, maskZero: true }),
      s.bidirectional(cell({ units: 32, returnSequences: true })),
      s.globalAveragePooling1D(),
      s.dense({ units: 1, activation: 'sigmoid' }),
    ],
    { inputShape: [c.inputLength], seed },
  );
  model.compile({ optimizer: s.adam({ learningRate: 1e-3 }), loss: 'binaryCrossentropy' });
  const labels = (ids) => ({ shape: [ids.length], data: Float32Array.from(ids, (i) => y[i]) });
  await model.fit(rows(split.train), labels(split.train), {
    epochs: 15,
    batchSize: 32,
    seed,
    validationData: [rows(split.validation), labels(split.validation)],
    callbacks: [s.earlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true })],
  });
  const p = (ids) => model.predict(rows(ids)).data;
  return {
    c,
    split,
    y,
    val: accuracy(p(split.validation), split.validation, y),
    test: accuracy(p(split.test), split.test, y),
  };
}

async function combined(seed) {
  const c = await s.SequenceClassifier.fit(data, { training: { seed, epochs: 15 } });
  const { split, y, rows, bow } = parts(c);
  const net = (ids) => Float64Array.from(c.model.predict(rows(ids)).data);
  const [nv, bv, nt, bt] = [net(split.validation), bow(split.validation), net(split.test), bow(split.test)];
  let w = WEIGHTS[0];
  for (const v of WEIGHTS)
    if (logLoss(mix(v, nv, bv), split.validation, y) < logLoss(mix(w, nv, bv), split.validation, y)) w = v;
  return {
    c,
    split,
    y,
    weight: w,
    val: accuracy(mix(w, nv, bv), split.validation, y),
    test: accuracy(mix(w, nt, bt), split.test, y),
  };
}

const RUN = { pool: (seed) => pooled(seed, s.lstm), 'gru-pool': (seed) => pooled(seed, s.gru), combined };
const mean = (a) => a.reduce((t, v) => t + v, 0) / a.length;
const std = (a) =>
  a.length < 2 ? 0 : Math.sqrt(a.reduce((t, v) => t + (v - mean(a)) ** 2, 0) / (a.length - 1));
const round = (v) => Number(v.toFixed(4));
for (const name of configs) {
  if (!Object.hasOwn(RUN, name)) {
    process.stderr.write(
      `sentiment-attempts.mjs: unknown configuration '${name}' (pool, gru-pool, combined)\n`,
    );
    process.exit(1);
  }
  const tests = [];
  const bows = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const started = performance.now();
    const r = await RUN[name](seed);
    const bagOfWords = r.c.testEvaluation.metrics.baselines.bagOfWords.accuracy;
    tests.push(r.test);
    bows.push(bagOfWords);
    const line = {
      config: name,
      seed,
      validation: round(r.val),
      test: round(r.test),
      bagOfWords: round(bagOfWords),
    };
    if ('weight' in r) line.weight = r.weight;
    line.seconds = Number(((performance.now() - started) / 1000).toFixed(1));
    process.stdout.write(`${JSON.stringify(line)}\n`);
  }
  process.stdout.write(
    `${JSON.stringify({ summary: 'sentiment-attempts', config: name, seeds, test: { mean: round(mean(tests)), std: round(std(tests)) }, bagOfWords: { mean: round(mean(bows)), std: round(std(bows)) } })}\n`,
  );
}
