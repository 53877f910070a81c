#!/usr/bin/env node
/**
 * Engine benchmark: training steps per second of seqcast's recurrent layers, with the plain reference
 * (and optionally TensorFlow.js) as peers timed in the same run.
 *
 * One step = model.zeroGrad(); out = model.forward(x); dy = (out − y)·2/B; model.backward(dy)
 * (the weights are never updated, so every step does the same work).
 *
 *   node bench/engine.mjs                     all workloads, seqcast and the plain reference
 *   node bench/engine.mjs --workload E1,E2    some of them
 *   node bench/engine.mjs --quick             a short run (fewer, shorter repeats)
 *   node bench/engine.mjs --peer tfjs         also TensorFlow.js (CPU backend, pure JS), from the root
 *                                             install (@tensorflow/tfjs is a devDependency)
 *
 * Run `npm run build` first: the library is imported from dist/. One JSON line per workload and peer on
 * stdout; progress and diagnostics on stderr. See bench/README.md for the fields.
 */
import { readFileSync } from 'node:fs';
import { makeSeries } from './data.mjs';
import { commitOf, distBuilt } from './provenance.mjs';
import { dense, gru, lstm, sequential, simpleRNN } from '../dist/index.js';
import {
  activationFunction,
  gruStepNaive,
  lstmStepNaive,
  sigmoid,
  simpleRnnStepNaive,
} from '../dist/kernels.js';

const FORMAT = 'seqcast-bench/1';
const SEED = 1234;
const VERSION = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;

/**
 * The workloads. `dataset` names the WORKLOADS.md dataset whose windows the batch is taken from;
 * `naive` says whether the plain reference forward is timed (it is far too slow for E4).
 */
const WORKLOADS = {
  E1: { layer: 'SimpleRNN', units: 32, dataset: [721, 12, 1], batch: 32, naive: true },
  E2: { layer: 'LSTM', units: 64, dataset: [2000, 24, 1], batch: 64, naive: true },
  E3: { layer: 'GRU', units: 64, dataset: [2000, 24, 1], batch: 64, naive: true },
  E4: { layer: 'LSTM', units: 256, dataset: [4096, 50, 8], batch: 128, naive: false },
};

const PROTOCOLS = {
  full: { warmupSeconds: 1, warmupSteps: 50, minWarmupSteps: 2, repeats: 7, blockSeconds: 0.3 },
  quick: { warmupSeconds: 0.2, warmupSteps: 10, minWarmupSteps: 1, repeats: 3, blockSeconds: 0.1 },
};

function log(message) {
  process.stderr.write(`${message}\n`);
}

function parseArgs(argv) {
  const opts = { workloads: Object.keys(WORKLOADS), quick: false, peers: [], repeats: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--workload' || a === '--workloads') {
      opts.workloads = value()
        .split(',')
        .map((s) => s.trim().toUpperCase())
        .filter((s) => s !== '');
      for (const w of opts.workloads) {
        if (!(w in WORKLOADS))
          throw new Error(`unknown workload '${w}' (known: ${Object.keys(WORKLOADS).join(', ')})`);
      }
    } else if (a === '--quick') {
      opts.quick = true;
    } else if (a === '--peer' || a === '--peers') {
      opts.peers = value()
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
      for (const p of opts.peers) if (p !== 'tfjs') throw new Error(`unknown peer '${p}' (known: tfjs)`);
    } else if (a === '--repeats') {
      opts.repeats = Number(value());
      if (!Number.isInteger(opts.repeats) || opts.repeats < 1)
        throw new Error('--repeats needs an integer ≥ 1');
    } else if (a === '--help' || a === '-h') {
      opts.help = true;
    } else {
      throw new Error(`unknown argument '${a}' (try --help)`);
    }
  }
  return opts;
}

// ---------------------------------------------------------------------------------------------------------
// Data: the WORKLOADS.md formula (bench/data.mjs), float32; B windows spread evenly over the dataset.

/** x [B, T, F] and y [B, 1]: windows floor(b·N/B) of the dataset [N, T, F]. */
function makeBatch([N, T, F], B) {
  const series = makeSeries(N + T, F);
  const x = new Float32Array(B * T * F);
  const y = new Float32Array(B);
  for (let b = 0; b < B; b++) {
    const i = Math.floor((b * N) / B);
    x.set(series.subarray(i * F, (i + T) * F), b * T * F);
    y[b] = series[(i + T) * F];
  }
  return { x, y, T, F };
}

// ---------------------------------------------------------------------------------------------------------
// Timing: warm up, then R repeats of a block of at least `blockSeconds`; the peers of one group are
// interleaved within every repeat (their order rotating) so that the machine's noise falls on all of them.

const now = () => Number(process.hrtime.bigint()) / 1e9;

function warmUp(fn, p) {
  const t0 = now();
  let n = 0;
  while (n < p.minWarmupSteps || (n < p.warmupSteps && now() - t0 < p.warmupSeconds)) {
    fn();
    n++;
  }
  return n;
}

function timeBlock(fn, seconds) {
  const t0 = now();
  let n = 0;
  let t = t0;
  do {
    fn();
    n++;
    t = now();
  } while (t - t0 < seconds);
  return n / (t - t0);
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** fns: { name: () => void } → { name: { median, min, max, samples } } in steps per second. */
function measureGroup(fns, p) {
  const names = Object.keys(fns);
  for (const name of names) {
    const n = warmUp(fns[name], p);
    log(`  warm-up ${name}: ${n} steps`);
  }
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < p.repeats; r++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(r + k) % names.length];
      samples[name].push(timeBlock(fns[name], p.blockSeconds));
    }
    log(`  repeat ${r + 1}/${p.repeats}: ${names.map((n) => `${n} ${round(samples[n][r])}/s`).join(', ')}`);
  }
  return Object.fromEntries(
    names.map((n) => [
      n,
      { median: median(samples[n]), min: Math.min(...samples[n]), max: Math.max(...samples[n]) },
    ]),
  );
}

function round(v, digits = 4) {
  if (v === null || !Number.isFinite(v)) return v;
  if (v === 0) return 0;
  const scale = 10 ** Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(v))));
  return Math.round(v * scale) / scale;
}

// ---------------------------------------------------------------------------------------------------------
// seqcast and the plain reference

function buildModel(w, T, F) {
  const rnn =
    w.layer === 'SimpleRNN'
      ? simpleRNN({ units: w.units })
      : w.layer === 'LSTM'
        ? lstm({ units: w.units })
        : gru({ units: w.units });
  return sequential([rnn, dense({ units: 1 })], { inputShape: [T, F], seed: SEED });
}

function weightsByName(model) {
  const m = new Map();
  for (const wt of model.weights()) m.set(wt.name, wt.data);
  const [rnn, head] = model.layers;
  return {
    kernel: m.get(`${rnn.name}/kernel`),
    recurrentKernel: m.get(`${rnn.name}/recurrent_kernel`),
    bias: m.get(`${rnn.name}/bias`) ?? null,
    denseKernel: m.get(`${head.name}/kernel`),
    denseBias: m.get(`${head.name}/bias`) ?? null,
  };
}

/**
 * The forward pass of the same model built from the library's textbook steps (`*StepNaive`, one call per
 * time step, float64) and a Dense head in plain loops. Returns a function computing out [B].
 */
function naiveForward(w, model, x, B, T, F) {
  const p = weightsByName(model);
  const U = w.units;
  const tanh = activationFunction('tanh');
  return () => {
    let h = new Float64Array(B * U);
    let c = new Float64Array(B * U);
    const xt = new Float32Array(B * F);
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) xt.set(x.subarray((b * T + t) * F, (b * T + t + 1) * F), b * F);
      if (w.layer === 'SimpleRNN') {
        h = simpleRnnStepNaive(xt, h, p.kernel, p.recurrentKernel, p.bias, B, F, U, tanh);
      } else if (w.layer === 'LSTM') {
        ({ h, c } = lstmStepNaive(xt, h, c, p.kernel, p.recurrentKernel, p.bias, B, F, U, tanh, sigmoid));
      } else {
        h = gruStepNaive(xt, h, p.kernel, p.recurrentKernel, p.bias, B, F, U, true, tanh, sigmoid);
      }
    }
    const out = new Float64Array(B);
    for (let b = 0; b < B; b++) {
      let s = p.denseBias === null ? 0 : p.denseBias[0];
      for (let k = 0; k < U; k++) s += h[b * U + k] * p.denseKernel[k];
      out[b] = s;
    }
    return out;
  };
}

function maxAbsDiff(a, b) {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function runWorkload(id, opts, p) {
  const w = WORKLOADS[id];
  const [N, T, F] = w.dataset;
  const B = w.batch;
  const { x, y } = makeBatch(w.dataset, B);
  const shape = [B, T, F];
  const base = {
    format: FORMAT,
    workload: id,
    model: `${w.layer}(${w.units}) → Dense(1)`,
    dataset: `d${N}_${T}_${F}`,
    shape,
    dtype: 'float32',
    seed: SEED,
    threads: 1,
    repeats: p.repeats,
    block_s: p.blockSeconds,
    quick: opts.quick,
    node: process.version,
    commit: opts.commit,
    dist_built: opts.distBuilt,
    date: new Date().toISOString(),
  };

  const model = buildModel(w, T, F);
  const xt = { shape, data: x };
  const dy = { shape: [B, 1], data: new Float32Array(B) };
  const step = () => {
    model.zeroGrad();
    const out = model.forward(xt).data;
    for (let b = 0; b < B; b++) dy.data[b] = ((out[b] - y[b]) * 2) / B;
    model.backward(dy);
  };
  const forward = () => model.forward(xt);

  const fns = { step, forward };
  let naiveDiff = null;
  if (w.naive) {
    const naive = naiveForward(w, model, x, B, T, F);
    naiveDiff = maxAbsDiff(naive(), model.forward(xt).data);
    log(`  naive vs fused forward: max |Δ| = ${naiveDiff.toExponential(2)}`);
    if (!(naiveDiff < 1e-3)) throw new Error(`the naive and fused forward disagree (max |Δ| = ${naiveDiff})`);
    fns.naive = naive;
  }

  let peer = null;
  if (opts.peers.includes('tfjs')) {
    const tfjs = await import('./peers/tfjs.mjs');
    peer = await tfjs.buildPeer({ layer: w.layer, units: w.units, T, F, B, x, y, model });
    fns.tfjs_step = peer.step;
    fns.tfjs_forward = peer.forward;
  }

  const r = measureGroup(fns, p);
  const lines = [
    {
      ...base,
      peer: 'seqcast',
      peer_version: VERSION,
      status: 'ok',
      steps_per_s: round(r.step.median),
      steps_per_s_min: round(r.step.min),
      steps_per_s_max: round(r.step.max),
      ms_per_step: round(1000 / r.step.median),
      forward_steps_per_s: round(r.forward.median),
      forward_steps_per_s_min: round(r.forward.min),
      forward_steps_per_s_max: round(r.forward.max),
      naive_forward_steps_per_s: w.naive ? round(r.naive.median) : null,
      naive_forward_steps_per_s_min: w.naive ? round(r.naive.min) : null,
      naive_forward_steps_per_s_max: w.naive ? round(r.naive.max) : null,
      fused_vs_naive_forward: w.naive ? round(r.forward.median / r.naive.median) : null,
      naive_max_abs_diff: naiveDiff === null ? null : round(naiveDiff, 2),
    },
  ];
  if (peer !== null) {
    const info = peer;
    lines.push({
      ...base,
      peer: 'tfjs',
      peer_version: info.version,
      backend: info.backend,
      status: 'ok',
      peer_model_note: info.note,
      steps_per_s: round(r.tfjs_step.median),
      steps_per_s_min: round(r.tfjs_step.min),
      steps_per_s_max: round(r.tfjs_step.max),
      ms_per_step: round(1000 / r.tfjs_step.median),
      forward_steps_per_s: round(r.tfjs_forward.median),
      forward_steps_per_s_min: round(r.tfjs_forward.min),
      forward_steps_per_s_max: round(r.tfjs_forward.max),
      seqcast_vs_peer: round(r.step.median / r.tfjs_step.median),
      seqcast_vs_peer_forward: round(r.forward.median / r.tfjs_forward.median),
      max_abs_diff_vs_seqcast: info.maxAbsDiff === null ? null : round(info.maxAbsDiff, 2),
    });
    info.dispose();
  }
  return lines;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    log(`engine.mjs: ${e.message}`);
    process.exit(2);
  }
  if (opts.help) {
    log(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]);
    return;
  }
  const p = { ...PROTOCOLS[opts.quick ? 'quick' : 'full'] };
  opts.commit = commitOf();
  opts.distBuilt = distBuilt(log);
  if (opts.repeats !== null) p.repeats = opts.repeats;
  let failed = false;
  for (const id of opts.workloads) {
    log(`${id}: ${WORKLOADS[id].layer}(${WORKLOADS[id].units}) → Dense(1)`);
    try {
      for (const line of await runWorkload(id, opts, p)) process.stdout.write(`${JSON.stringify(line)}\n`);
    } catch (e) {
      failed = true;
      log(e.stack);
      process.stdout.write(
        `${JSON.stringify({ format: FORMAT, peer: 'seqcast', peer_version: VERSION, workload: id, status: 'error', error: String(e.message) })}\n`,
      );
    }
  }
  if (failed) process.exitCode = 1;
}

await main();
