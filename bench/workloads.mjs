/**
 * What every JavaScript implementation of the bench/WORKLOADS.md training benchmark shares: the workloads,
 * the FLOP count, the clock that times epochs and applies the budget, and the driver that turns a library
 * adapter into the one JSON line a run prints. Used by bench/run.mjs (seqcast) and
 * bench/peers/tfjs-workload.mjs (TensorFlow.js); bench/peers/torch_workload.py is a port of it.
 */
import { performance } from 'node:perf_hooks';
import { loadDataset } from './data.mjs';

export const FORMAT = 'seqcast-bench/1';
/** Weight and shuffle seed where the library takes one. */
export const SEED = 1234;
/** Windows per predict call (P1). */
export const PREDICT_BATCH = 1024;
/** How many windows score a budget-stopped run (eval_mse); a complete run is scored on all of them. */
const EVAL_WINDOWS_AFTER_BUDGET = 512;

/**
 * The workloads. A layer: { type: 'SimpleRNN' | 'LSTM' | 'GRU', units, returnSequences?, bidirectional? };
 * every model ends in Dense(1). P1 trains W1 and then predicts all windows of its own dataset.
 */
export const WORKLOADS = {
  W1: {
    name: 'tutorial',
    layers: [{ type: 'SimpleRNN', units: 32 }],
    dataset: 'd721_12_1',
    batch: 32,
    epochs: 40,
  },
  W2: { name: 'lstm', layers: [{ type: 'LSTM', units: 64 }], dataset: 'd2000_24_1', batch: 64, epochs: 10 },
  W3: { name: 'gru', layers: [{ type: 'GRU', units: 64 }], dataset: 'd2000_24_1', batch: 64, epochs: 10 },
  W4: {
    name: 'stack',
    layers: [
      { type: 'LSTM', units: 64, returnSequences: true, bidirectional: true },
      { type: 'GRU', units: 32 },
    ],
    dataset: 'd1000_20_1',
    batch: 32,
    epochs: 5,
  },
  W5: { name: 'big', layers: [{ type: 'LSTM', units: 256 }], dataset: 'd4096_50_8', batch: 128, epochs: 1 },
  P1: { name: 'predict', train: 'W1', dataset: 'd100000_12_1', predictBatch: PREDICT_BATCH },
};

export const WORKLOAD_IDS = Object.keys(WORKLOADS);

export function checkWorkload(id) {
  const w = String(id).toUpperCase();
  if (!(w in WORKLOADS)) throw new Error(`unknown workload '${id}' (known: ${WORKLOAD_IDS.join(', ')})`);
  return w;
}

/** e.g. "Bidirectional(LSTM(64, returnSequences)) → GRU(32) → Dense(1)". */
export function describeModel(layers) {
  const parts = layers.map((l) => {
    const core = `${l.type}(${l.units}${l.returnSequences ? ', returnSequences' : ''})`;
    return l.bidirectional ? `Bidirectional(${core})` : core;
  });
  return [...parts, 'Dense(1)'].join(' → ');
}

export function describeWorkload(id) {
  const w = WORKLOADS[id];
  if (w.train !== undefined) return `the trained ${w.train} model predicting ${w.dataset}`;
  return `${describeModel(w.layers)} on ${w.dataset}, batch ${w.batch}, ${w.epochs} epochs`;
}

/** Gate count of a recurrent layer: the number of U-wide matrix products per step and direction. */
export const GATES = { SimpleRNN: 1, LSTM: 4, GRU: 3 };

/**
 * Matrix FLOPs of one sample's forward pass, 2 per multiply-add of the matrix products only:
 * per step and direction 2·G·U·(I + U) (input and recurrent product), the Dense(1) head 2·U_last.
 * Element-wise work (activations, gates, the loss, the optimiser) is not counted.
 */
export function forwardFlopsPerSample(layers, T, F) {
  let inputs = F;
  let flops = 0;
  for (const l of layers) {
    const dirs = l.bidirectional ? 2 : 1;
    flops += T * dirs * 2 * GATES[l.type] * l.units * (inputs + l.units);
    inputs = dirs * l.units;
  }
  return flops + 2 * inputs;
}

/** GFLOP of a whole training run: (forward + backward = 3 × forward) × samples × epochs. */
export function trainingGflop(layers, N, T, F, epochs) {
  return (3 * forwardFlopsPerSample(layers, T, F) * N * epochs) / 1e9;
}

export function predictGflop(layers, N, T, F) {
  return (forwardFlopsPerSample(layers, T, F) * N) / 1e9;
}

export function median(values) {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Rounds to `digits` significant digits (null and non-finite values pass through). */
export function round(v, digits = 4) {
  if (v === null || v === undefined || !Number.isFinite(v)) return v ?? null;
  return Number(v.toPrecision(digits));
}

/** Mean squared error in float64. */
export function mse(pred, y) {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const e = pred[i] - y[i];
    s += e * e;
  }
  return s / y.length;
}

/**
 * Times the epochs of one fit from its batch ends and applies the budget. An epoch ends with the batch that
 * completes its N samples; epoch_s[k] runs from the end of epoch k−1 (the start of fit for k = 0) to there,
 * so the epochs add up to the fit. The epoch's loss is the mean of its batch losses weighted by batch size.
 *
 * Budget: batchEnd returns true once the fit has run `budget` seconds and work is left; the caller stops
 * the fit after that batch. fit_s is then extrapolated from the work done: the measured time plus the
 * remaining samples at the rate of the samples after the first epoch (which carries the JIT and allocation
 * warm-up) when a later batch has run, else at the rate of everything done.
 */
export class EpochClock {
  constructor(N, epochs, budget = null) {
    this.N = N;
    this.total = N * epochs;
    this.budget = budget;
    this.samples = 0;
    this.epochSamples = 0;
    this.lossSum = 0;
    this.epochS = [];
    this.losses = [];
    this.stopped = false;
  }

  start() {
    this.t0 = performance.now();
    this.lastEpochEnd = this.t0;
  }

  /** Call after every batch with its mean loss and size; true: stop now (the budget is spent). */
  batchEnd(loss, size) {
    const t = performance.now();
    this.samples += size;
    this.epochSamples += size;
    this.lossSum += loss * size;
    if (this.epochSamples >= this.N) {
      this.epochS.push((t - this.lastEpochEnd) / 1000);
      this.losses.push(this.lossSum / this.epochSamples);
      this.lastEpochEnd = t;
      this.epochSamples = 0;
      this.lossSum = 0;
    }
    if (this.budget !== null && (t - this.t0) / 1000 >= this.budget && this.samples < this.total) {
      this.stopped = true;
    }
    return this.stopped;
  }

  finish() {
    this.measured = (performance.now() - this.t0) / 1000;
  }

  /** The JSON fields of the fit. */
  fields() {
    const measured = this.measured;
    let fit = measured;
    if (this.stopped) {
      const remaining = this.total - this.samples;
      const first = this.epochS[0];
      const rate =
        first !== undefined && this.samples > this.N
          ? (measured - first) / (this.samples - this.N)
          : measured / this.samples;
      fit = measured + remaining * rate;
    }
    const partialLoss = this.epochSamples > 0 ? this.lossSum / this.epochSamples : null;
    return {
      fit_s: round(fit),
      epochs_done: this.epochS.length,
      epoch_s: this.epochS.map((s) => round(s)),
      first_epoch_s: round(this.epochS[0] ?? null),
      median_later_epoch_s: round(median(this.epochS.slice(1))),
      loss_first: round(this.losses[0] ?? partialLoss),
      loss_final: round(this.losses.length > 0 ? this.losses[this.losses.length - 1] : partialLoss),
      extrapolated: this.stopped,
      samples_done: this.samples,
      measured_fit_s: round(measured),
    };
  }
}

/**
 * Runs one workload through a library adapter and returns the JSON line.
 *
 * adapter: {
 *   peer, peerVersion, backend, threads, note?          what the line reports
 *   build(layers, T, F)            → model               Keras default initialisers
 *   prepareFit(model, ds, w)       → async fitRun(clock)  tensors made here, untimed; fitRun calls the
 *                                                         library's fit (shuffle, batch, epochs, Adam 0.001,
 *                                                         MSE) and after every batch clock.batchEnd(loss,
 *                                                         size), stopping the fit when it returns true
 *   predict(model, x, N, T, F, batchSize) → Float32Array  N outputs, via the library's predict
 * }
 * opts: { data (dir or null), budget (seconds or null), log }
 */
export async function runWorkload(adapter, id, opts) {
  const w = WORKLOADS[id];
  const trainId = w.train ?? id;
  const tw = WORKLOADS[trainId];
  const log = opts.log ?? (() => {});
  const ds = loadDataset(tw.dataset, opts.data ?? null);
  const model = await adapter.build(tw.layers, ds.T, ds.F);
  const fitRun = await adapter.prepareFit(model, ds, tw);
  const clock = new EpochClock(ds.N, tw.epochs, opts.budget ?? null);
  log(
    `${id}: training ${describeModel(tw.layers)} on ${tw.dataset} (${tw.epochs} epochs of batch ${tw.batch})`,
  );
  clock.start();
  await fitRun(clock);
  clock.finish();
  const fitFields = clock.fields();
  log(
    `${id}: fit ${fitFields.measured_fit_s} s measured` +
      (fitFields.extrapolated
        ? `, budget spent after ${fitFields.samples_done} samples → ${fitFields.fit_s} s`
        : '') +
      `, loss ${fitFields.loss_first} → ${fitFields.loss_final}`,
  );
  const trainGflop = trainingGflop(tw.layers, ds.N, ds.T, ds.F, tw.epochs);
  const line = {
    format: FORMAT,
    peer: adapter.peer,
    peer_version: adapter.peerVersion,
    workload: id,
    status: 'ok',
    backend: adapter.backend,
    threads: adapter.threads,
  };

  if (w.train === undefined) {
    // eval_mse, in the workload's own batch size. A run the budget stopped is scored on its first
    // EVAL_WINDOWS_AFTER_BUDGET windows only: it is a sanity check, and on the slowest peers a pass over all
    // windows would take longer than the budgeted training (TF.js CPU: about 5 minutes for W5).
    const evalN = fitFields.extrapolated ? Math.min(ds.N, EVAL_WINDOWS_AFTER_BUDGET) : ds.N;
    const pred = await adapter.predict(
      model,
      ds.x.subarray(0, evalN * ds.T * ds.F),
      evalN,
      ds.T,
      ds.F,
      w.batch,
    );
    const fields = Object.fromEntries(
      Object.entries(fitFields).filter(([k]) => k !== 'samples_done' && k !== 'measured_fit_s'),
    );
    Object.assign(line, {
      ...fields,
      eval_mse: round(mse(pred, ds.y.subarray(0, evalN))),
      eval_windows: evalN,
      windows_per_s: null,
      gflop: round(trainGflop),
      gflops: round(trainGflop / fitFields.fit_s),
    });
  } else {
    const pds = loadDataset(w.dataset, opts.data ?? null);
    // one untimed call on the first batch of windows, then every window in calls of predictBatch
    await adapter.predict(
      model,
      pds.x.subarray(0, w.predictBatch * pds.T * pds.F),
      w.predictBatch,
      pds.T,
      pds.F,
      w.predictBatch,
    );
    const t0 = performance.now();
    const pred = await adapter.predict(model, pds.x, pds.N, pds.T, pds.F, w.predictBatch);
    const predictS = (performance.now() - t0) / 1000;
    const gflop = predictGflop(tw.layers, pds.N, pds.T, pds.F);
    log(`${id}: predict ${pds.N} windows in ${round(predictS)} s`);
    Object.assign(line, {
      fit_s: null,
      epochs_done: fitFields.epochs_done,
      epoch_s: fitFields.epoch_s,
      first_epoch_s: fitFields.first_epoch_s,
      median_later_epoch_s: fitFields.median_later_epoch_s,
      loss_first: fitFields.loss_first,
      loss_final: fitFields.loss_final,
      eval_mse: round(mse(pred, pds.y)),
      windows_per_s: round(pds.N / predictS),
      gflop: round(gflop),
      gflops: round(gflop / predictS),
      extrapolated: false,
      predict_s: round(predictS),
      predict_batch: w.predictBatch,
      train_fit_s: fitFields.fit_s,
      train_extrapolated: fitFields.extrapolated,
      train_gflop: round(trainGflop),
    });
  }
  Object.assign(line, {
    node: process.version,
    model: describeModel(tw.layers),
    dataset: w.dataset,
    batch: tw.batch,
    epochs: tw.epochs,
    seed: SEED,
    budget_s: opts.budget ?? null,
    samples_done: fitFields.samples_done,
    measured_fit_s: fitFields.measured_fit_s,
    peer_model_note: adapter.note ?? null,
    data: opts.data ? 'files' : 'generated',
    date: new Date().toISOString(),
  });
  return line;
}

/** The line printed when a run fails. */
export function errorLine(peer, peerVersion, id, error, extra = {}) {
  return {
    format: FORMAT,
    peer,
    peer_version: peerVersion,
    workload: id,
    status: 'error',
    error: String(error?.message ?? error).split('\n')[0],
    ...extra,
  };
}

/**
 * Parses `--name value` flags. spec: { name: 'string' | 'number' | 'boolean' }; returns { name: value }
 * with null for the absent ones.
 */
export function parseFlags(argv, spec, usage) {
  const out = Object.fromEntries(Object.keys(spec).map((k) => [k, spec[k] === 'boolean' ? false : null]));
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      out.help = true;
      continue;
    }
    const key = a.startsWith('--') ? a.slice(2).replace(/-([a-z])/g, (_, c) => c.toUpperCase()) : null;
    if (key === null || !(key in spec)) throw new Error(`unknown argument '${a}' (${usage})`);
    if (spec[key] === 'boolean') {
      out[key] = true;
      continue;
    }
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value`);
    if (spec[key] === 'number') {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0) throw new Error(`${a} needs a number ≥ 0 (got '${v}')`);
      out[key] = n;
    } else out[key] = v;
  }
  return out;
}
