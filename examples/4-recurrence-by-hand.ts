/**
 * Example 4: what a SimpleRNN computes, by hand, and then a SimpleRNN trained on monthly sunspots.
 *
 * 1. SimpleRNN(2, linear) → Dense(1) on 3 steps of 1 feature: the hidden states h1, h2, h3 and the output o3
 *    computed in plain loops from the model's own weights agree with the model.
 * 2. The same with 2 features per step, and the indexing slip that makes such a hand computation return
 *    two numbers instead of one.
 * 3. Sunspots with non-overlapping 12-month windows: chronological split, a scaler fitted on the training
 *    part only, a small SimpleRNN, RMSE on the original scale beside "repeat last month", and a plot.
 *
 * Run from the repository root:  npm run build && npm run --silent example -- 4
 * SEQCAST_QUICK=1 trains for 2 epochs only; files go to $SEQCAST_EXAMPLE_OUT (default examples/output).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  adam,
  chronologicalSplit,
  dense,
  fitScaler,
  forecastPlotSpec,
  makeWindows,
  readCsv,
  rmse,
  sequential,
  simpleRNN,
  tensor,
  verdict,
} from 'seqcast';
import type { NamedTensor, Sequential, Tensor } from 'seqcast';
import { writePlot } from 'seqcast/node';

const quick = process.env.SEQCAST_QUICK === '1';
const outDir = process.env.SEQCAST_EXAMPLE_OUT ?? 'examples/output';
mkdirSync(outDir, { recursive: true });
const started = performance.now();

// ─── Small helpers for printing ──────────────────────────────────────────────────────────────────────────

const num = (v: number, digits = 6): string => (v < 0 ? '' : ' ') + v.toFixed(digits);
const vec = (v: readonly number[], digits = 6): string => `[${v.map((x) => num(x, digits)).join(', ')}]`;

/** A weight as rows (a [rows, cols] matrix, or one row for a vector). */
function rows(w: NamedTensor): number[][] {
  const cols = w.shape.length === 2 ? w.shape[1] : w.shape[0];
  const out: number[][] = [];
  for (let r = 0; r < w.data.length / cols; r++)
    out.push(Array.from(w.data.subarray(r * cols, (r + 1) * cols)));
  return out;
}

function printWeight(label: string, w: NamedTensor): void {
  const shown = rows(w);
  const head = `${label} = ${w.name} [${w.shape.join(', ')}]`;
  console.log(`  ${head.padEnd(44)} ${vec(shown[0])}`);
  for (const r of shown.slice(1)) console.log(`  ${''.padEnd(44)} ${vec(r)}`);
}

/** The five weights of SimpleRNN → Dense, by their Keras names. */
interface RnnWeights {
  readonly wx: number[][]; // [features, units]
  readonly wh: number[][]; // [units, units]
  readonly bh: number[]; // [units]
  readonly wy: number[][]; // [units, 1]
  readonly by: number[]; // [1]
}

function rnnWeights(model: Sequential, print: boolean): RnnWeights {
  const all = model.getWeights();
  const get = (name: string): NamedTensor => all.find((w) => w.name === name)!;
  if (print) {
    console.log('The weights, from model.getWeights() (Keras layout: kernel [features, units]):');
    const names = [
      ['wx', 'simple_rnn/kernel'],
      ['wh', 'simple_rnn/recurrent_kernel'],
      ['bh', 'simple_rnn/bias'],
      ['wy', 'dense/kernel'],
      ['by', 'dense/bias'],
    ] as const;
    for (const [label, name] of names) printWeight(label, get(name));
  }
  return {
    wx: rows(get('simple_rnn/kernel')),
    wh: rows(get('simple_rnn/recurrent_kernel')),
    bh: rows(get('simple_rnn/bias'))[0],
    wy: rows(get('dense/kernel')),
    by: rows(get('dense/bias'))[0],
  };
}

/**
 * The recurrence in plain loops, linear activation:  h_t[j] = Σ_i x_t[i]·wx[i][j] + Σ_k h_{t−1}[k]·wh[k][j] + bh[j],
 * starting from h_0 = 0, and the Dense output  o_T = Σ_j h_T[j]·wy[j][0] + by[0].
 */
function byHand(x: readonly (readonly number[])[], w: RnnWeights): { h: number[][]; o: number } {
  const units = w.bh.length;
  let prev = new Array<number>(units).fill(0); // h_0
  const h: number[][] = [];
  for (const xt of x) {
    const next: number[] = [];
    for (let j = 0; j < units; j++) {
      let z = w.bh[j];
      for (let i = 0; i < xt.length; i++) z += xt[i] * w.wx[i][j];
      for (let k = 0; k < units; k++) z += prev[k] * w.wh[k][j];
      next.push(z); // linear activation: h = z
    }
    h.push(next);
    prev = next;
  }
  let o = w.by[0];
  for (let j = 0; j < units; j++) o += prev[j] * w.wy[j][0];
  return { h, o };
}

/** The hidden state after every step, read from a twin SimpleRNN with returnSequences: true. */
function layerStates(model: Sequential, x: Float32Array, steps: number, features: number): number[][] {
  const units = model.getWeights().find((w) => w.name === 'simple_rnn/bias')!.shape[0];
  const twin = sequential([simpleRNN({ units, activation: 'linear', returnSequences: true })], {
    inputShape: [steps, features],
  });
  twin.setWeights(model.getWeights().filter((w) => w.name.startsWith('simple_rnn/')));
  const out = twin.predict(tensor(x, [1, steps, features])).data; // [1, steps, units]
  return Array.from({ length: steps }, (_, t) => Array.from(out.subarray(t * units, (t + 1) * units)));
}

/** Prints h1..hT and o_T by hand beside the model's, and returns the largest difference. */
function compare(model: Sequential, x: number[][]): number {
  const w = rnnWeights(model, true);
  const steps = x.length;
  const features = x[0].length;
  const flat = Float32Array.from(x.flat());
  const mine = byHand(x, w);
  const states = layerStates(model, flat, steps, features);
  const predicted = model.predict(tensor(flat, [1, steps, features])).data[0];
  console.log(`\nx = ${JSON.stringify(x)}, shape [1, ${steps}, ${features}] (samples, timesteps, features)`);
  console.log(`        ${'by hand'.padEnd(24)}   the SimpleRNN layer (returnSequences) / predict()`);
  let worst = 0;
  mine.h.forEach((ht, t) => {
    worst = Math.max(worst, ...ht.map((v, j) => Math.abs(v - states[t][j])));
    console.log(`  h${t + 1} = ${vec(ht)}   ${vec(states[t])}`);
  });
  worst = Math.max(worst, Math.abs(mine.o - predicted));
  console.log(`  o${steps} = ${num(mine.o).padEnd(22)}   ${num(predicted)}`);
  console.log(`  |o${steps} − predict()| = ${Math.abs(mine.o - predicted).toExponential(2)}`);
  console.log(
    `  largest difference over h1..h${steps} and o${steps}: ${worst.toExponential(2)} ` +
      `(${worst < 1e-6 ? 'below 1e-6: float32 rounding, nothing more' : 'ABOVE 1e-6: the hand computation disagrees'})`,
  );
  return worst;
}

/** SimpleRNN(2, linear) → Dense(1, linear), seeded so every run prints the same weights. */
function demoModel(features: number): Sequential {
  return sequential(
    [simpleRNN({ units: 2, activation: 'linear' }), dense({ units: 1, activation: 'linear' })],
    {
      inputShape: [3, features],
      seed: 7,
    },
  );
}

// ─── 1. One feature per step: x = 1, 2, 3 ────────────────────────────────────────────────────────────────

console.log('1. SimpleRNN(2 units, linear) → Dense(1, linear) on input shape (3, 1), computed by hand\n');
const model1 = demoModel(1);
model1.summary();
console.log(
  '\nThe weights are the initial ones (glorot-uniform kernels, an orthogonal recurrent kernel, zero biases):' +
    '\nnothing is trained, and a model computes the same way whatever its weights.',
);
// Zero biases would let a hand computation that forgets them match anyway; give them values first.
model1.setWeight('simple_rnn/bias', [2], [0.1, -0.2]);
model1.setWeight('dense/bias', [1], [0.05]);
console.log(
  'The biases start at zero, which would hide a forgotten bias; they are set to 0.1, −0.2 and 0.05.\n',
);
compare(model1, [[1], [2], [3]]);
console.log(
  '\nNote: h1 = x1·wx + h0·wh + bh. The tutorial writes h1 without the h0·wh term (a reader pointed it out);' +
    '\nthat changes nothing only because h0 = 0.',
);

// ─── 2. Two features per step ────────────────────────────────────────────────────────────────────────────

console.log('\n2. The same network on input shape (3, 2): two features per step\n');
const model2 = demoModel(2);
model2.setWeight('simple_rnn/bias', [2], [0.1, -0.2]);
model2.setWeight('dense/bias', [1], [0.05]);
const x2 = [
  [1, 0.1],
  [2, 0.2],
  [3, 0.3],
];
compare(model2, x2);

// The slip a reader of the tutorial reported: x kept flat as [1, 0.1, 2, 0.2, 3, 0.3] and indexed x[0], x[1],
// x[2] — three scalars (1, 0.1, 2), not the three rows. A scalar times the [2, 2] kernel is a [2, 2] matrix,
// so every h becomes a matrix and the "output" has two values.
{
  const w = rnnWeights(model2, false);
  const flat = x2.flat();
  let h = [
    [0, 0],
    [0, 0],
  ];
  for (let t = 0; t < 3; t++) {
    h = [0, 1].map((r) =>
      [0, 1].map((j) => flat[t] * w.wx[r][j] + h[r][0] * w.wh[0][j] + h[r][1] * w.wh[1][j] + w.bh[j]),
    );
  }
  const wrong = h.map((r) => r[0] * w.wy[0][0] + r[1] * w.wy[1][0] + w.by[0]);
  console.log(
    `\n  WRONG (the slip in a reader's question under the tutorial: x kept flat, so x[t] is one number):` +
      `\n    o3 = ${vec(wrong)}, two numbers for one output unit.` +
      '\n  Right: the input at step t is the ROW x_t = [x_t1, x_t2], and x_t·wx sums over the features (above).',
  );
}

// ─── 3. Monthly sunspots with a SimpleRNN ────────────────────────────────────────────────────────────────

console.log('\n3. Monthly sunspots, 12-month windows that do not overlap\n');
const series = readCsv(readFileSync('datasets/sunspots_monthly.csv', 'utf8'), {
  source: 'sunspots_monthly.csv',
});
const values = series.column('sunspots');
const labels = series.labels();
console.log(`sunspots_monthly.csv: ${series.length} months, ${labels[0]} .. ${labels[labels.length - 1]}`);

const W = 12;
const split = chronologicalSplit(series.length, { window: W, trainFraction: 0.8 });
const scaler = fitScaler('minMax', values, 1, split); // reads rows [0, splitIndex) only
const scaled = scaler.transform(values);
const train = makeWindows(scaled.subarray(0, split.splitIndex), 1, { window: W, stride: W });
const test = makeWindows(scaled.subarray(split.testStart), 1, { window: W, stride: W });
const trainRows = Array.from(train.starts, (s) => s + W); // the row each window predicts
const testRows = Array.from(test.starts, (s) => split.testStart + s + W);
const max = (a: ArrayLike<number>, from: number, to: number): number =>
  Math.max(...Array.from(a).slice(from, to));
console.log(
  `split at row ${split.splitIndex} (${labels[split.splitIndex]}): train ${labels[0]} .. ${labels[split.splitIndex - 1]}, ` +
    `test from ${labels[split.splitIndex]}`,
);
console.log(
  `MinMax scaler fitted on the training rows: training max ${max(values, 0, split.splitIndex)}; the test part ` +
    `reaches ${max(values, split.splitIndex, values.length)}, i.e. ${max(scaled, split.splitIndex, values.length).toFixed(3)} on the 0–1 scale`,
);
console.log(
  `windows (stride 12): train x [${train.x.shape.join(', ')}] → y [${train.y.shape.join(', ')}], ` +
    `test x [${test.x.shape.join(', ')}] → y [${test.y.shape.join(', ')}]`,
);
console.log(
  `  first training window: ${labels[0]} .. ${labels[W - 1]} → ${labels[W]}; first test target: ${labels[testRows[0]]}`,
);

const epochs = quick ? 2 : 20;

/** The tutorial's small network, with a linear output: SimpleRNN(3, tanh) → Dense(1), Adam, MSE, batch 1. */
async function trainSimpleRnn(x: Tensor, y: Tensor, print: boolean): Promise<Sequential> {
  const m = sequential([simpleRNN({ units: 3 }), dense({ units: 1 })], { inputShape: [W, 1], seed: 1 });
  if (print) m.summary();
  m.compile({ optimizer: adam({ learningRate: 0.001 }), loss: 'mse' });
  const history = await m.fit(x, y, { epochs, batchSize: 1, seed: 1 });
  if (print) {
    console.log(`\nTraining: ${epochs} epochs, batch size 1, Adam(0.001), MSE on the scaled values`);
    const losses = history.history.loss;
    losses.forEach((loss, e) =>
      console.log(`  epoch ${String(e + 1).padStart(2)}/${epochs}  loss ${loss.toFixed(5)}`),
    );
    const fell = losses.at(-1)! < losses[0];
    console.log(
      `  loss ${fell ? 'fell' : 'did not fall'} from ${losses[0].toFixed(5)} to ${losses.at(-1)!.toFixed(5)}`,
    );
  }
  return m;
}

const model = await trainSimpleRnn(train.x, train.y, true);

/** A model's predictions for a set of windows, back on the original scale. */
const original = (m: Sequential, x: Tensor): Float64Array => scaler.inverseColumn(m.predict(x).data, 0);
const at = (rowsOf: number[]): Float64Array => Float64Array.from(rowsOf, (r) => values[r]);
const naiveOf = (rowsOf: number[]): Float64Array => Float64Array.from(rowsOf, (r) => values[r - 1]);
const trainPred = original(model, train.x);
const testPred = original(model, test.x);
const trainRmse = rmse(at(trainRows), trainPred);
const testRmse = rmse(at(testRows), testPred);
const naiveRmse = rmse(at(testRows), naiveOf(testRows));

console.log('\nRMSE on the original scale (sunspot number):');
console.log(`  train RMSE ${trainRmse.toFixed(2)}   (${trainRows.length} targets)`);
console.log(`  test RMSE  ${testRmse.toFixed(2)}   (${testRows.length} targets, every 12th month)`);
console.log(`  repeat last month ("naive") on the same test targets: RMSE ${naiveRmse.toFixed(2)}`);
console.log(`  verdict: the SimpleRNN is ${verdict(testRmse, naiveRmse)}`);
console.log(
  `  (the tutorial's way, RMSE of the 0–1 scaled values: train ${rmse(train.y.data, model.predict(train.x).data).toFixed(4)}, ` +
    `test ${rmse(test.y.data, model.predict(test.x).data).toFixed(4)}: small numbers that say nothing in sunspots)`,
);

// The same model can forecast every month, not only every 12th: score all test months.
const everyMonth = makeWindows(scaled.subarray(split.testStart), 1, { window: W });
const monthRows = Array.from(everyMonth.starts, (s) => split.testStart + s + W);
const monthNaive = rmse(at(monthRows), naiveOf(monthRows));
const monthRmse = rmse(at(monthRows), original(model, everyMonth.x));
console.log(
  `\nScored on every test month (${monthRows.length}, not every 12th): RMSE ${monthRmse.toFixed(2)}, naive ${monthNaive.toFixed(2)}` +
    ` → ${verdict(monthRmse, monthNaive)}`,
);

// Non-overlapping windows use one training example in twelve. The same network on every window:
const overlapping = makeWindows(scaled.subarray(0, split.splitIndex), 1, { window: W });
const model1Stride = await trainSimpleRnn(overlapping.x, overlapping.y, false);
const strideRmse = rmse(at(monthRows), original(model1Stride, everyMonth.x));
console.log(
  `The same SimpleRNN(3), ${epochs} epochs, trained on all ${overlapping.x.shape[0]} overlapping windows (stride 1) ` +
    `instead of ${train.x.shape[0]}:\n  RMSE ${strideRmse.toFixed(2)} on every test month → ${verdict(strideRmse, monthNaive)}`,
);

const spec = forecastPlotSpec({
  labels: [...trainRows, ...testRows].map((r) => labels[r]),
  actual: at([...trainRows, ...testRows]),
  forecast: Float64Array.from([...trainPred, ...testPred]),
  splitLabel: labels[split.splitIndex],
  title: `Sunspots: SimpleRNN(3) on 12-month windows, actual vs predicted (test RMSE ${testRmse.toFixed(1)})`,
});
await writePlot(spec, outDir, 'sunspots-forecast');
console.log(`\nwrote ${join(outDir, 'sunspots-forecast.svg')} and ${join(outDir, 'sunspots-forecast.png')}`);

// ─── What the tutorial got wrong ─────────────────────────────────────────────────────────────────────────

// The lag with the highest autocorrelation between 5 and 20 years: the length of the solar cycle.
let cycle = 0;
let best = -Infinity;
const mu = values.reduce((s, v) => s + v, 0) / values.length;
for (let lag = 60; lag <= 240; lag++) {
  let c = 0;
  for (let t = 0; t + lag < values.length; t++) c += (values[t] - mu) * (values[t + lag] - mu);
  if (c > best) [best, cycle] = [c, lag];
}
console.log('\nCorrections to the tutorial:');
console.log(
  `  - "sunspots have a cycle of 12 months": no. The autocorrelation of this series peaks at a lag of ${cycle} months ` +
    `(${(cycle / 12).toFixed(1)} years), the ~11-year solar cycle; 12 is simply a year of months.`,
);
console.log(
  '  - It scales the data "between 0 and 1" in the same step that reads and splits it, without saying which rows' +
    '\n    the scaler is fitted on; fitted on the whole series, the test part would shape the scaling. Here the' +
    '\n    scaler reads the training rows only, and the test part goes above 1.',
);
console.log(
  '  - Its create_RNN takes the Dense activation as a parameter; with tanh there, the output could never exceed 1,' +
    '\n    so with an honest scaler no peak above the training maximum (the 1957 peak is one) could be forecast.' +
    '\n    Here the output is linear.',
);
console.log(
  '  - It reports RMSE on the 0–1 scale and without a baseline; above are the RMSEs in sunspot numbers beside' +
    '\n    "repeat last month", which is hard to beat on monthly sunspots.',
);
console.log(`\ndone in ${((performance.now() - started) / 1000).toFixed(1)} s`);
