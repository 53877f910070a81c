#!/usr/bin/env node
/**
 * Issue 17's series target through the API: SequenceClassifier on UCI Japanese Vowels (speaker
 * identification from 7–29 frames of 12 coefficients). It is fitted on the official 270 training utterances
 * (of which it holds out its own stratified `--holdout` share, default 10 %, as its test part) and then scored
 * with `evaluate()` on the official 370 test utterances, beside the majority class and the logistic
 * regression on per-feature summary statistics. The model is the series default with the issue's settings:
 * per-feature scaling → Masking → LSTM(64) → Dense(9, softmax), Adam 1e-3, 60 epochs, batch 32, no
 * validation part. PyTorch's LSTM(64) with packed sequences: 0.937 (the issue's figure).
 *
 *   node bench/japanese-vowels-classify.mjs [--seeds N] [--epochs E] [--holdout F]
 *
 * The data file is read in place from a data folder (SEQCAST_DATA_DIR or the shared data folder). Run
 * `npm run build` first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SequenceClassifier } from '../dist/index.js';
import { dataFolders } from '../dist/node.js';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(args[i + 1]);
};
const seeds = flag('seeds', 3);
const epochs = flag('epochs', 60);
const holdout = flag('holdout', 0.1);
const file = dataFolders()
  .map((f) => join(f.dir, 'japanese_vowels.json'))
  .find((p) => existsSync(p));
if (file === undefined) {
  process.stderr.write('japanese-vowels-classify.mjs: japanese_vowels.json is not in any data folder\n');
  process.exit(1);
}
const data = JSON.parse(readFileSync(file, 'utf8'));
const round = (v) => Number(v.toFixed(4));
const results = [];
for (let seed = 1; seed <= seeds; seed++) {
  const started = performance.now();
  const c = await SequenceClassifier.fit(
    { sequences: data.train.x, labels: data.train.y },
    {
      testFraction: holdout,
      validationFraction: 0,
      model: { units: 64 },
      training: { epochs, batchSize: 32, learningRate: 0.001, patience: null, seed },
    },
  );
  const e = c.evaluate({ sequences: data.test.x, labels: data.test.y });
  const line = {
    seed,
    epochs,
    officialTest: e.n,
    model: round(e.metrics.model.accuracy),
    summaryStatistics: round(e.metrics.baselines.summaryStatistics.accuracy),
    majority: round(e.metrics.baselines.majority.accuracy),
    seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
  };
  results.push(line);
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
const mean = (k) => results.reduce((s, r) => s + r[k], 0) / results.length;
const std = (k) =>
  results.length < 2
    ? 0
    : Math.sqrt(results.reduce((s, r) => s + (r[k] - mean(k)) ** 2, 0) / (results.length - 1));
process.stdout.write(
  `${JSON.stringify({
    summary: 'japanese-vowels-classify',
    seeds,
    model: { mean: round(mean('model')), std: round(std('model')) },
    summaryStatistics: { mean: round(mean('summaryStatistics')), std: round(std('summaryStatistics')) },
    majority: { mean: round(mean('majority')) },
  })}\n`,
);
