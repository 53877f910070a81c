#!/usr/bin/env node
/**
 * Issue 16's masking target: a masked LSTM(64) → Dense(9, softmax) on UCI Japanese Vowels (12 features, 7–29
 * frames, the official 270/370 split), Adam 1e-3, 60 epochs, batch 32, over seeds 1..3 — written exactly as
 * the issue's Keras-style snippet. PyTorch with packed sequences and the same settings reaches 0.937 ± 0.003
 * (the issue's figure); seqcast should be within 0.01.
 *
 *   node bench/japanese-vowels.mjs [--seeds N] [--epochs E]     one JSON line per seed, then a summary line
 *
 * The data file is read in place from a data folder (SEQCAST_DATA_DIR or the shared data folder; never copied
 * into the repository). Run `npm run build` first.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adam, dense, lstm, masking, padSequences, sequential, tensor } from '../dist/index.js';
import { dataFolders } from '../dist/node.js';
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(args[i + 1]);
};
const seeds = flag('seeds', 3);
const epochs = flag('epochs', 60);
const file = dataFolders()
  .map((f) => join(f.dir, 'japanese_vowels.json'))
  .find((p) => existsSync(p));
if (file === undefined) {
  process.stderr.write(
    'japanese-vowels.mjs: japanese_vowels.json is not in any data folder (set SEQCAST_DATA_DIR to the folder that holds it)\n',
  );
  process.exit(1);
}
const data = JSON.parse(readFileSync(file, 'utf8'));
const yTrain = tensor(Float32Array.from(data.train.y), [data.train.y.length]);
const yTest = tensor(Float32Array.from(data.test.y), [data.test.y.length]);

const accuracies = [];
for (let seed = 1; seed <= seeds; seed++) {
  const started = performance.now();
  const x = padSequences(data.train.x, { padding: 'post', dtype: 'float32' });
  const model = sequential(
    [masking({ maskValue: 0 }), lstm({ units: 64 }), dense({ units: 9, activation: 'softmax' })],
    { inputShape: [null, 12], seed },
  );
  model.compile({
    optimizer: adam({ learningRate: 0.001 }),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  await model.fit(x, yTrain, { epochs, batchSize: 32, seed });
  const { accuracy } = await model.evaluate(
    padSequences(data.test.x, { padding: 'post', dtype: 'float32' }),
    yTest,
  );
  accuracies.push(accuracy);
  process.stdout.write(
    `${JSON.stringify({ seed, epochs, accuracy: Number(accuracy.toFixed(4)), seconds: Number(((performance.now() - started) / 1000).toFixed(1)) })}\n`,
  );
}
const mean = accuracies.reduce((s, a) => s + a, 0) / accuracies.length;
const sd = Math.sqrt(
  accuracies.reduce((s, a) => s + (a - mean) ** 2, 0) / Math.max(1, accuracies.length - 1),
);
process.stdout.write(
  `${JSON.stringify({ summary: 'japanese-vowels', seeds, epochs, mean: Number(mean.toFixed(4)), sd: Number(sd.toFixed(4)), pytorchPacked: '0.937 ± 0.003 (issue 16)' })}\n`,
);
