#!/usr/bin/env node
/**
 * The training benchmark of bench/WORKLOADS.md on seqcast (W1–W5, P1).
 *
 *   npm run --silent bench -- --workload ID [--data DIR] [--budget S] [--backend NAME]
 *       one JSON line on stdout (format seqcast-bench/1), progress on stderr
 *   npm run --silent bench [-- --data DIR --budget S --backend NAME]
 *       every workload, each in its own child process (a fresh heap), one after the other, then a table
 *
 *   --data DIR      read NAME.{x,y,series}.f32 from DIR (made by node bench/data.mjs --out DIR); default:
 *                   generate the data in memory by the formula
 *   --budget S      stop after the batch that passes S seconds of training and extrapolate fit_s
 *   --backend NAME  passed to sequential() as its backend option ('js', 'wasm', 'native', 'auto'); when
 *                   absent nothing is passed and the library's default applies
 *   --mask F        a masking layer first, and the last ⌊F·T⌋ steps of every window zero padding (the cost of
 *                   masking, issue 16); with one workload only
 *
 * Run `npm run build` first: the library is imported from dist/. See bench/README.md for the fields.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataError } from './data.mjs';
import { commitOf, distBuilt } from './provenance.mjs';
import { WORKLOAD_IDS, checkWorkload, errorLine, parseFlags, runWorkload, SEED } from './workloads.mjs';

const VERSION = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
const USAGE =
  'usage: npm run --silent bench -- [--workload ID] [--data DIR] [--budget S] [--backend NAME] [--mask F]';

function log(message) {
  process.stderr.write(`${message}\n`);
}

/** dist/ may be rebuilt by someone else while we start: retry a failed import a few times. */
async function importLibrary() {
  for (let attempt = 1; ; attempt++) {
    try {
      return await import(`../dist/index.js?attempt=${attempt}`);
    } catch (e) {
      if (attempt >= 5) throw e;
      log(`import of dist/ failed (${e.message.split('\n')[0]}); retrying in 2 s`);
      await sleep(2000);
    }
  }
}

/** Thrown from the batch callback to end fit when the budget is spent (fit checks stopTraining per epoch). */
class BudgetSpent extends Error {}

/**
 * With `mask` (a fraction in [0, 1)), the model starts with a masking layer and the last ⌊mask · T⌋ steps of
 * every window are zero padding: the cost of masking (issue 16), against the same workload without it.
 */
function seqcastAdapter(lib, backend, mask = null) {
  const makeLayer = (l) => {
    const options = { units: l.units, ...(l.returnSequences ? { returnSequences: true } : {}) };
    const rnn =
      l.type === 'SimpleRNN'
        ? lib.simpleRNN(options)
        : l.type === 'LSTM'
          ? lib.lstm(options)
          : lib.gru(options);
    return l.bidirectional ? lib.bidirectional(rnn) : rnn;
  };
  const adapter = {
    peer: 'seqcast',
    peerVersion: VERSION,
    backend: 'js',
    threads: 1,
    build(layers, T, F) {
      const masking = mask === null ? [] : [lib.masking()];
      const model = lib.sequential([...masking, ...layers.map(makeLayer), lib.dense({ units: 1 })], {
        inputShape: [T, F],
        seed: SEED,
        ...(backend !== null ? { backend } : {}),
      });
      if (typeof model.backendName === 'string') adapter.backend = model.backendName;
      if (typeof model.threads === 'number') adapter.threads = model.threads;
      // the native backend reports its instruction set and threads through its addon
      try {
        const info = lib.resolveBackend?.(adapter.backend, 'float32')?.addon?.info?.();
        if (info !== undefined && typeof info.threads === 'number') {
          adapter.threads = info.threads;
          adapter.backendInfo = info;
        }
      } catch {
        // not a backend that describes itself
      }
      model.compile({ optimizer: lib.adam({ learningRate: 0.001 }), loss: 'mse' });
      return model;
    },
    prepareFit(model, ds, w) {
      const x = { shape: [ds.N, ds.T, ds.F], data: mask === null ? ds.x : padded(ds, mask) };
      const y = { shape: [ds.N, 1], data: ds.y };
      return async (clock) => {
        const stop = {
          onBatchEnd(_epoch, _batch, logs) {
            if (clock.batchEnd(logs.loss, logs.size)) throw new BudgetSpent();
          },
        };
        try {
          await model.fit(x, y, {
            epochs: w.epochs,
            batchSize: w.batch,
            shuffle: true,
            seed: SEED,
            callbacks: [stop],
          });
        } catch (e) {
          if (!(e instanceof BudgetSpent)) throw e;
        }
      };
    },
    predict(model, x, N, T, F, batchSize) {
      return model.predict({ shape: [N, T, F], data: x }, { batchSize }).data;
    },
  };
  return adapter;
}

/** A copy of the windows with the last ⌊fraction · T⌋ steps of each set to 0 (post-padding). */
function padded(ds, fraction) {
  const x = Float32Array.from(ds.x);
  const pad = Math.floor(fraction * ds.T);
  for (let i = 0; i < ds.N; i++) x.fill(0, (i * ds.T + ds.T - pad) * ds.F, (i + 1) * ds.T * ds.F);
  return x;
}

function formatTable(lines) {
  const rows = [['workload', 'status', 'fit_s', 'GFLOP/s', 'eval_mse', 'windows/s', 'note']];
  for (const l of lines) {
    rows.push([
      l.workload,
      l.status,
      l.fit_s === null || l.fit_s === undefined ? '—' : `${l.fit_s}${l.extrapolated ? '*' : ''}`,
      l.gflops ?? '—',
      l.eval_mse ?? '—',
      l.windows_per_s ?? '—',
      l.status === 'ok' ? (l.workload === 'P1' ? `predict ${l.predict_s} s` : '') : l.error,
    ]);
  }
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  const text = rows.map((r) =>
    r
      .map((v, c) => String(v).padEnd(widths[c]))
      .join('  ')
      .trimEnd(),
  );
  text.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return text.join('\n');
}

/** Every workload in its own child process, one after the other; the table on stdout. */
async function runAll(argv) {
  const lines = [];
  for (const id of WORKLOAD_IDS) {
    log(`— ${id} —`);
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--workload', id, ...argv], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const code = await new Promise((resolve) => child.on('close', resolve));
    const jsonLine = out
      .split('\n')
      .reverse()
      .find((s) => s.startsWith('{'));
    let line;
    try {
      line = JSON.parse(jsonLine);
    } catch {
      line = errorLine('seqcast', VERSION, id, `exit code ${code}, no JSON line`);
    }
    log(JSON.stringify(line));
    lines.push(line);
  }
  process.stdout.write(`${formatTable(lines)}\n`);
  if (lines.some((l) => l.extrapolated)) process.stdout.write('* extrapolated from a --budget run\n');
  if (lines.some((l) => l.status !== 'ok')) process.exitCode = 1;
}

async function main() {
  const argv = process.argv.slice(2);
  let opts;
  try {
    opts = parseFlags(
      argv,
      { workload: 'string', data: 'string', budget: 'number', backend: 'string', mask: 'number' },
      USAGE,
    );
    if (opts.workload !== null) opts.workload = checkWorkload(opts.workload);
    if (opts.mask !== null && !(opts.mask < 1))
      throw new Error(`--mask needs a fraction in [0, 1) (got ${opts.mask})`);
  } catch (e) {
    log(`run.mjs: ${e.message}`);
    process.exitCode = 2;
    return;
  }
  if (opts.help) {
    log(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]);
    return;
  }
  if (opts.workload === null) {
    await runAll(argv);
    return;
  }
  const id = opts.workload;
  let line;
  try {
    const built = distBuilt(log);
    const lib = await importLibrary();
    const adapter = seqcastAdapter(lib, opts.backend, opts.mask);
    line = await runWorkload(adapter, id, { data: opts.data, budget: opts.budget, log });
    line.dist_built = built;
    line.commit = commitOf();
    if (opts.backend !== null) line.backend_option = opts.backend;
    if (opts.mask !== null) line.mask = opts.mask;
    if (adapter.backendInfo !== undefined) line.backend_info = adapter.backendInfo;
    const env = Object.entries(process.env).filter(([k]) => k.startsWith('SEQCAST_'));
    if (env.length > 0) line.seqcast_env = Object.fromEntries(env);
  } catch (e) {
    log(e instanceof DataError ? `run.mjs: ${e.message}` : (e.stack ?? String(e)));
    line = errorLine('seqcast', VERSION, id, e, { node: process.version });
    process.exitCode = 1;
  }
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

await main();
