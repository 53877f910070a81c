#!/usr/bin/env node
/**
 * The brain.js peer of the bench/WORKLOADS.md training benchmark (bench/run.mjs is the seqcast side): the
 * same workloads, the same data (bench/data.mjs), one JSON line in the same format, with the closest model
 * brain.js 1.6 has.
 *
 *   node bench/peers/brainjs-workload.mjs --workload ID [--data DIR] [--budget S]
 *
 * Models: brain.recurrent.RNNTimeStep (W1, P1: hiddenLayers [32]), LSTMTimeStep (W2: [64]; W4: [64, 32];
 * W5: [256]) and GRUTimeStep (W3: [64]), learningRate 0.001, other options brain.js's defaults. brain.js
 * has no Dense head (its output layer is a linear map from the last hidden layer, at every step), no
 * mini-batches, no Adam and no bidirectional layers, and its RNN cell is relu (fixed), so: W1's cell is
 * relu, not tanh; W4 is LSTM [64, 32] (one cell type for every layer, one direction); weights are
 * U(±0.08) from Math.random (not seeded: the line's seed is null), biases zero.
 *
 * Data: window i is the datum { input: rows i … i+T−1, output: [row i+T] }, numbers for F = 1, arrays of
 * F for F = 8 (brain.js then needs outputSize = inputSize, so W5 predicts all 8 features of the next row).
 * brain.js's trainInputOutput trains teacher-forced next-step predictions at every step of the input plus
 * the output (the squared-error gradient at each step); the loss it returns, and the line's loss_first /
 * loss_final, is its own: the absolute errors summed over steps and features, divided by T + 1.
 *
 * Training: what net.train does, without its loop (it has no per-sample hook, so no budget stop):
 * setSize (inputSize 1), formatData, verifyIsInitialized, then per epoch the samples in an order shuffled
 * by mulberry32(SEED) and net.trainPattern(datum) for each, so the weights are updated after every sample
 * (batch size 1) by brain.js's RMSprop-style step (learningRate 0.001, decayRate 0.999, smoothEps 1e-8, L2
 * regc 1e-6, gradients clipped at ±clipval 5). Prediction: net.run(window) per window (brain.js runs one
 * window at a time; the batch size is ignored).
 *
 * What brain.js 1.6.1 computes (read from its source; gradients checked against finite differences on a
 * small net): its LSTM keeps no cell state between steps (cell = forget ⊙ h(t−1) + input ⊙ candidate,
 * h = output ⊙ tanh(cell)); its GRU is reset-before; the backward pass is exact for the RNN's and LSTM's
 * weight matrices, but every bias gets the gradient of the first step only (the add node's backward
 * assigns instead of accumulating) and the GRU's gate weights get inexact gradients. The line's note says
 * which of these apply.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DataError } from '../data.mjs';
import {
  SEED,
  checkWorkload,
  errorLine,
  forwardFlopsPerSample,
  parseFlags,
  runWorkload,
} from '../workloads.mjs';

const USAGE = 'usage: node bench/peers/brainjs-workload.mjs --workload ID [--data DIR] [--budget S]';
const PEER = 'brainjs';
const LEARNING_RATE = 0.001;

function log(message) {
  process.stderr.write(`${message}\n`);
}

const require = createRequire(import.meta.url);

/** The installed brain.js version, read from its package.json without importing it. */
function brainVersion() {
  try {
    return JSON.parse(readFileSync(require.resolve('brain.js/package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/** A small seeded PRNG in [0, 1). */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates in place. */
function shuffle(order, random) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

/**
 * The brain.js network class and hidden sizes closest to a workload's layers: one class for the whole
 * stack (the first recurrent layer's type), every layer one direction.
 */
function closestModel(brain, layers) {
  const type = layers[0].type;
  const Net =
    type === 'SimpleRNN'
      ? brain.recurrent.RNNTimeStep
      : type === 'LSTM'
        ? brain.recurrent.LSTMTimeStep
        : brain.recurrent.GRUTimeStep;
  const name = type === 'SimpleRNN' ? 'RNNTimeStep' : `${type}TimeStep`;
  return { Net, name, hiddenLayers: layers.map((l) => l.units) };
}

/** Forward matrix FLOPs per window of the brain.js model: its layers, and its output layer at every step. */
function brainFlopsPerSample(layers, T, F) {
  const type = layers[0].type;
  const own = layers.map((l) => ({ type, units: l.units }));
  const last = own[own.length - 1].units;
  return forwardFlopsPerSample(own, T, F) - 2 * last + T * 2 * last * F;
}

function noteFor(layers, name, hiddenLayers, T, F) {
  const parts = [
    `brain.js ${name}({ inputSize: ${F}, hiddenLayers: [${hiddenLayers.join(', ')}], outputSize: ${F}, learningRate: ${LEARNING_RATE} })`,
  ];
  if (name === 'RNNTimeStep') parts.push('relu RNN cell (fixed in brain.js), not tanh');
  if (name === 'LSTMTimeStep')
    parts.push(
      'brain.js LSTM keeps no cell state between steps: its cell is forget ⊙ h(t−1) + input ⊙ candidate',
    );
  if (name === 'GRUTimeStep')
    parts.push('brain.js GRU is reset-before; its backward pass is inexact for every gate weight');
  if (layers.some((l) => l.bidirectional) || new Set(layers.map((l) => l.type)).size > 1) {
    const share = Math.round((100 * brainFlopsPerSample(layers, T, F)) / forwardFlopsPerSample(layers, T, F));
    parts.push(
      `closest stack: brain.js has no bidirectional layers and one cell type for all layers (${share} % of the workload model's matrix FLOPs; gflop/gflops count the workload model)`,
    );
  }
  parts.push('no Dense head: a linear output layer from the last hidden layer, at every step');
  if (F > 1) parts.push(`outputSize = inputSize = ${F}: it also learns to predict features 1–${F - 1}`);
  parts.push(
    'loss: teacher-forced next-step prediction at every step of the window plus the target (squared-error gradient; loss_first/loss_final are the error brain.js returns: summed absolute error / (T + 1))',
    "bias gradients are the first step's only (brain.js's add backward assigns instead of accumulating)",
    'per-sample updates (batch size 1), brain.js RMSprop-style step (learningRate 0.001, decayRate 0.999, regc 1e-6, clipval 5), not Adam',
    'weights U(±0.08) from Math.random (unseeded); sample order shuffled per epoch with mulberry32(1234)',
  );
  return parts.join('; ');
}

function brainAdapter(brain, version) {
  const adapter = {
    peer: PEER,
    peerVersion: version,
    backend: 'js',
    threads: 1,
    note: null,
    build(layers, T, F) {
      const { Net, name, hiddenLayers } = closestModel(brain, layers);
      const net = new Net({ inputSize: F, hiddenLayers, outputSize: F, learningRate: LEARNING_RATE });
      // The constructor passes learningRate through updateTrainingOptions into trainOpts, which
      // adjustWeights reads (net.train would reset trainOpts to its defaults, 0.01, unless given again).
      if (net.trainOpts.learningRate !== LEARNING_RATE)
        throw new Error(
          `brain.js: trainOpts.learningRate is ${net.trainOpts.learningRate}, not ${LEARNING_RATE}`,
        );
      adapter.note = noteFor(layers, name, hiddenLayers, T, F);
      return net;
    },
    prepareFit(net, ds, w) {
      const { N, T, F, x, series } = ds;
      let data = new Array(N);
      for (let i = 0; i < N; i++) {
        if (F === 1) {
          data[i] = { input: Array.from(x.subarray(i * T, (i + 1) * T)), output: [series[i + T]] };
        } else {
          const input = new Array(T);
          for (let t = 0; t < T; t++) input[t] = Array.from(x.subarray((i * T + t) * F, (i * T + t + 1) * F));
          data[i] = { input, output: [Array.from(series.subarray((i + T) * F, (i + T + 1) * F))] };
        }
      }
      // what net.train does before its loop
      if (net.inputSize === 1 || !net.inputSize) net.setSize(data);
      data = net.formatData(data);
      net.verifyIsInitialized(data);
      if (net.trainOpts.learningRate !== LEARNING_RATE)
        throw new Error(
          `brain.js: trainOpts.learningRate is ${net.trainOpts.learningRate}, not ${LEARNING_RATE}`,
        );
      const random = mulberry32(SEED);
      const order = Array.from({ length: N }, (_, i) => i);
      return async (clock) => {
        for (let epoch = 0; epoch < w.epochs; epoch++) {
          shuffle(order, random);
          for (let k = 0; k < N; k++) {
            const err = net.trainPattern(data[order[k]], true);
            // net.train stops on a NaN epoch error the same way
            if (Number.isNaN(err)) throw new Error('brain.js: the training error is NaN');
            if (clock.batchEnd(err, 1)) return;
          }
        }
      };
    },
    predict(net, x, N, T, F) {
      const out = new Float32Array(N);
      if (F === 1) {
        // runNumbers: one number per window
        for (let i = 0; i < N; i++) out[i] = net.run(x.subarray(i * T, (i + 1) * T));
      } else {
        const window = new Array(T);
        for (let i = 0; i < N; i++) {
          for (let t = 0; t < T; t++) window[t] = x.subarray((i * T + t) * F, (i * T + t + 1) * F);
          // runArrays returns the output layer's own weights array: read feature 0 at once
          out[i] = net.run(window)[0];
        }
      }
      return out;
    },
  };
  return adapter;
}

async function main() {
  let opts;
  try {
    opts = parseFlags(process.argv.slice(2), { workload: 'string', data: 'string', budget: 'number' }, USAGE);
    if (opts.help) {
      log(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]);
      return;
    }
    if (opts.workload === null) throw new Error(`--workload is required (${USAGE})`);
    opts.workload = checkWorkload(opts.workload);
  } catch (e) {
    log(`brainjs-workload.mjs: ${e.message}`);
    process.exitCode = 2;
    return;
  }
  let line;
  try {
    // required, as a CommonJS program would: importing it from an ES module costs more memory (Node
    // translates every CommonJS file it loads that way)
    const brain = require('brain.js');
    const version = brainVersion();
    log(`brain.js ${version}, pure JavaScript, 1 thread`);
    line = await runWorkload(brainAdapter(brain, version), opts.workload, {
      data: opts.data,
      budget: opts.budget,
      log,
    });
    line.seed = null; // brain.js initialises its weights with Math.random; only our shuffle is seeded
  } catch (e) {
    log(e instanceof DataError ? `brainjs-workload.mjs: ${e.message}` : (e.stack ?? String(e)));
    line = errorLine(PEER, brainVersion(), opts.workload, e, { backend: 'js', node: process.version });
    process.exitCode = 1;
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

await main();
