// Does the S&P "recommended pipeline" gap to PyTorch come from the initial weights? Trains the same
// SimpleRNN(32) -> Dense(1) on the same windows (S&P 500 1950-01..2026-05, log-differences, standard scaling,
// window 12, Adam 0.001, 40 epochs, batch 32, 5 seeds) twice: with Keras's initialisers (seqcast's default)
// and with PyTorch's (every weight uniform in ±1/sqrt(32)). One JSON line per initialisation on stdout.
// Run after `npm run build`:  node bench/init-effect.mjs [--seeds N] [--epochs N]   (defaults 5 and 40)
// The S&P 500 file is not bundled: it is found by seqcast's dataset resolver (SEQCAST_DATA_DIR or the shared
// data folder beside the repository), or given with --data FILE.
import { readFileSync } from 'node:fs';
import {
  adam,
  chronologicalSplit,
  dense,
  fitScaler,
  getTransform,
  makeWindows,
  Random,
  readCsv,
  rmse,
  sequential,
  simpleRNN,
} from '../dist/index.js';
import { datasetPath } from '../dist/node.js';

const args = process.argv.slice(2);
const arg = (name) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const SEEDS = Array.from({ length: Number(arg('--seeds') ?? 5) }, (_, i) => i + 1);
const EPOCHS = Number(arg('--epochs') ?? 40);

let file;
try {
  file = arg('--data') ?? datasetPath('sp500');
} catch (e) {
  console.error(`bench/init-effect.mjs: ${e.message}`);
  process.exit(1);
}
const series = readCsv(readFileSync(file, 'utf8'), { source: 'sp500_monthly.csv' }).slice({
  from: '1950-01-01',
  to: '2026-05-01',
});
const levels = series.column('price');
const logDiff = getTransform('logDiff');
const z = logDiff.forward(levels);
const W = 12;
const splitLevel = Math.floor(0.8 * levels.length); // 733
const split = chronologicalSplit(z.length, { window: W, splitIndex: splitLevel - 1 });
const scaler = fitScaler('standard', z, 1, split);
const scaled = scaler.transform(z);
const train = makeWindows(scaled.subarray(0, split.splitIndex), 1, { window: W });
const test = makeWindows(scaled.subarray(split.testStart), 1, { window: W });
const previous = levels.slice(splitLevel - 1, levels.length - 1);
const actual = levels.slice(splitLevel);

for (const init of ['keras', 'pytorch']) {
  const scores = [];
  for (const seed of SEEDS) {
    const model = sequential([simpleRNN({ units: 32 }), dense({ units: 1 })], { inputShape: [W, 1], seed });
    if (init === 'pytorch') {
      // nn.RNN(1, 32): weights and both biases U(±1/sqrt(32)); nn.Linear(32, 1): U(±1/sqrt(32))
      const rng = new Random(1000 + seed);
      const k = 1 / Math.sqrt(32);
      for (const w of model.weights())
        for (let i = 0; i < w.data.length; i++) w.data[i] = rng.uniformRange(-k, k);
    }
    model.compile({ optimizer: adam({ learningRate: 0.001 }), loss: 'mse' });
    await model.fit(train.x, train.y, { epochs: EPOCHS, batchSize: 32, seed });
    const forecast = logDiff.inverseEach(scaler.inverseColumn(model.predict(test.x).data, 0), previous);
    scores.push(rmse(actual, forecast));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
  const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, scores.length - 1));
  console.log(
    JSON.stringify({
      format: 'seqcast-init-effect/1',
      init,
      rmse: scores,
      mean,
      sd,
      naive: rmse(actual, previous),
    }),
  );
}

// A linear reference on the same windows: AR(12) with intercept, least squares (normal equations).
{
  const P = W + 1;
  const N = train.y.data.length;
  const A = Array.from({ length: P }, () => new Float64Array(P));
  const b = new Float64Array(P);
  for (let i = 0; i < N; i++) {
    const row = [...train.x.data.subarray(i * W, i * W + W), 1];
    for (let r = 0; r < P; r++) {
      b[r] += row[r] * train.y.data[i];
      for (let c = 0; c < P; c++) A[r][c] += row[r] * row[c];
    }
  }
  for (let k = 0; k < P; k++) {
    for (let r = k + 1; r < P; r++) {
      const f = A[r][k] / A[k][k];
      for (let c = k; c < P; c++) A[r][c] -= f * A[k][c];
      b[r] -= f * b[k];
    }
  }
  const w = new Float64Array(P);
  for (let k = P - 1; k >= 0; k--) {
    let t = b[k];
    for (let c = k + 1; c < P; c++) t -= A[k][c] * w[c];
    w[k] = t / A[k][k];
  }
  const n = test.y.data.length;
  const predicted = Float64Array.from({ length: n }, (_, i) => {
    let t = w[W];
    for (let j = 0; j < W; j++) t += w[j] * test.x.data[i * W + j];
    return t;
  });
  const forecast = logDiff.inverseEach(scaler.inverseColumn(predicted, 0), previous);
  console.log(
    JSON.stringify({
      format: 'seqcast-init-effect/1',
      init: 'linear AR(12), least squares',
      rmse: rmse(actual, forecast),
    }),
  );
}
