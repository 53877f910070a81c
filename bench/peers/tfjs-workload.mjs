#!/usr/bin/env node
/**
 * The TensorFlow.js peer of the bench/WORKLOADS.md training benchmark (bench/run.mjs is the seqcast side):
 * the same workloads, the same data (bench/data.mjs), one JSON line in the same format.
 *
 *   node bench/peers/tfjs-workload.mjs --workload ID [--backend cpu|wasm] [--data DIR] [--budget S]
 *
 * Models: tf.layers.simpleRNN / lstm / gru / bidirectional (mergeMode concat) / dense with Keras's default
 * initialisers set explicitly (tfjs's own defaults differ: glorotNormal kernels, hard-sigmoid gates, no
 * unit forget bias): kernels glorotUniform, recurrent kernels orthogonal, zero biases, LSTM unitForgetBias,
 * recurrentActivation sigmoid. tfjs's GRU has only resetAfter: false (Keras 2's reset-before GRU; the same
 * matrix FLOPs as seqcast's reset-after default). Training: tf.train.adam(0.001) (epsilon 1e-7), loss
 * meanSquaredError, model.fit with batchSize, epochs, shuffle: true (tfjs shuffles with Math.random, not
 * seeded) and yieldEvery: 'never' (no event-loop yields between batches); the budget sets
 * model.stopTraining in onBatchEnd, which tfjs checks after every batch.
 *
 * Backends: cpu (pure JavaScript, one thread) and wasm (@tensorflow/tfjs-backend-wasm, XNNPACK, SIMD when
 * the runtime has it; its .wasm files come from node_modules/@tensorflow/tfjs-backend-wasm/dist/).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { readFileSync } from 'node:fs';
import { DataError } from '../data.mjs';
import { checkWorkload, errorLine, parseFlags, runWorkload } from '../workloads.mjs';

const USAGE =
  'usage: node bench/peers/tfjs-workload.mjs --workload ID [--backend cpu|wasm] [--data DIR] [--budget S]';

function log(message) {
  process.stderr.write(`${message}\n`);
}

const require = createRequire(import.meta.url);

async function loadTf(backend) {
  const tf = await import('@tensorflow/tfjs');
  let threads = 1;
  let simd = null;
  if (backend === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    // the directory holding tfjs-backend-wasm*.wasm, as a path with a trailing slash
    const dist = `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
    wasm.setWasmPaths(dist);
    if (!(await tf.setBackend('wasm')))
      throw new Error(`tfjs: the wasm backend did not initialise (files in ${dist})`);
    await tf.ready();
    threads = typeof wasm.getThreadsCount === 'function' ? wasm.getThreadsCount() : 1;
    simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  } else if (backend === 'cpu') {
    await tf.setBackend('cpu');
    await tf.ready();
  } else {
    throw new Error(`unknown backend '${backend}' (cpu or wasm)`);
  }
  tf.enableProdMode();
  return { tf, threads, simd };
}

function tfjsAdapter(tf, backend, threads) {
  const keras = {
    kernelInitializer: 'glorotUniform',
    recurrentInitializer: 'orthogonal',
    biasInitializer: 'zeros',
  };
  let hasGru = false;
  const adapter = {
    peer: `tfjs-${backend}`,
    peerVersion: tf.version.tfjs,
    backend,
    threads,
    note: null,
    build(layers, T, F) {
      const list = [];
      layers.forEach((l, i) => {
        const first = i === 0 ? { inputShape: [T, F] } : {};
        const options = {
          units: l.units,
          returnSequences: l.returnSequences === true,
          ...keras,
          ...(l.bidirectional ? {} : first),
        };
        let rnn;
        if (l.type === 'SimpleRNN') rnn = tf.layers.simpleRNN({ ...options, activation: 'tanh' });
        else if (l.type === 'LSTM')
          rnn = tf.layers.lstm({ ...options, recurrentActivation: 'sigmoid', unitForgetBias: true });
        else {
          hasGru = true;
          rnn = tf.layers.gru({ ...options, recurrentActivation: 'sigmoid', resetAfter: false });
        }
        list.push(
          l.bidirectional ? tf.layers.bidirectional({ layer: rnn, mergeMode: 'concat', ...first }) : rnn,
        );
      });
      list.push(tf.layers.dense({ units: 1, kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' }));
      if (hasGru) adapter.note = "tfjs's GRU is reset-before (resetAfter: false, the only one it has)";
      const model = tf.sequential({ layers: list });
      model.compile({ optimizer: tf.train.adam(0.001), loss: 'meanSquaredError' });
      return model;
    },
    prepareFit(model, ds, w) {
      const x = tf.tensor3d(ds.x, [ds.N, ds.T, ds.F]);
      const y = tf.tensor2d(ds.y, [ds.N, 1]);
      return async (clock) => {
        await model.fit(x, y, {
          batchSize: w.batch,
          epochs: w.epochs,
          shuffle: true,
          verbose: 0,
          yieldEvery: 'never',
          callbacks: {
            onBatchEnd: (_batch, logs) => {
              if (clock.batchEnd(logs.loss, logs.size)) model.stopTraining = true;
            },
          },
        });
        x.dispose();
        y.dispose();
      };
    },
    predict(model, data, N, T, F, batchSize) {
      const x = tf.tensor3d(data, [N, T, F]);
      const out = model.predict(x, { batchSize });
      const values = out.dataSync();
      x.dispose();
      out.dispose();
      return values;
    },
  };
  return adapter;
}

/** The installed tfjs version, read without importing it (for error lines). */
function tfjsVersion() {
  try {
    const url = new URL('../../node_modules/@tensorflow/tfjs/package.json', import.meta.url);
    return JSON.parse(readFileSync(url, 'utf8')).version;
  } catch {
    return null;
  }
}

async function main() {
  let opts;
  try {
    opts = parseFlags(
      process.argv.slice(2),
      { workload: 'string', backend: 'string', data: 'string', budget: 'number' },
      USAGE,
    );
    if (opts.help) {
      log(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]);
      return;
    }
    if (opts.workload === null) throw new Error(`--workload is required (${USAGE})`);
    opts.workload = checkWorkload(opts.workload);
  } catch (e) {
    log(`tfjs-workload.mjs: ${e.message}`);
    process.exitCode = 2;
    return;
  }
  const backend = opts.backend ?? 'cpu';
  let line;
  try {
    const { tf, threads, simd } = await loadTf(backend);
    log(
      `tfjs ${tf.version.tfjs}, backend ${tf.getBackend()}, ${threads} thread(s)${simd === null ? '' : `, SIMD ${simd}`}`,
    );
    const adapter = tfjsAdapter(tf, backend, threads);
    line = await runWorkload(adapter, opts.workload, { data: opts.data, budget: opts.budget, log });
    line.seed = null; // tfjs's initialisers and shuffle are not seeded here
    if (simd !== null) line.wasm_simd = simd;
  } catch (e) {
    log(e instanceof DataError ? `tfjs-workload.mjs: ${e.message}` : (e.stack ?? String(e)));
    line = errorLine(`tfjs-${backend}`, tfjsVersion(), opts.workload, e, { backend, node: process.version });
    process.exitCode = 1;
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

await main();
