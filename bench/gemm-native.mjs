#!/usr/bin/env node
/**
 * Micro-benchmark of the native GEMM (native/, src/kernels/native.ts) against the JavaScript backend on
 * the products seqcast's layers make: GFLOP/s (2·M·N·K per call), median of the repeats, as a table.
 *
 *   npm run build && node scripts/build-native.mjs
 *   node bench/gemm-native.mjs              every shape (about a minute: the JS oracle is slow)
 *   node bench/gemm-native.mjs --quick      fewer, shorter repeats
 *   node bench/gemm-native.mjs --shape R1,G1
 *   node bench/gemm-native.mjs --isa avx2     another instruction-set path (avx512, avx2, scalar)
 *
 * Protocol: each timed function is warmed up (2 calls or 0.2 s), then R repeats (5; --quick 3) of a block
 * of calls lasting at least 0.25 s (0.1 s with --quick; at least one call), the functions' order rotating
 * between repeats so that the machine's noise falls on all of them alike. The native kernel runs with 1
 * thread and with its default thread count. The load average is printed: on a shared machine, compare
 * figures only from the same run.
 */
import os from 'node:os';
// The package's public entry: dist/ holds bundles only (scripts/bundle.mjs), not one file per module.
import { availableBackends, resolveBackend } from '../dist/index.js';
import { jsBackend } from '../dist/kernels.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const shapeArg = args.includes('--shape') ? args[args.indexOf('--shape') + 1] : null;
const isaArg = args.includes('--isa') ? args[args.indexOf('--isa') + 1] : null;
const REPEATS = quick ? 3 : 5;
const BLOCK_MS = quick ? 100 : 250;

// [id, what, transA, transB, M, N, K]: LSTM(256) with B = 128, T = 50, 8 features (4U = 1024), and smaller
// recurrences.
const SHAPES = [
  ['R1', 'LSTM(256) step, B 128: h·U', false, false, 128, 1024, 256],
  ['R2', 'GRU(128) step, B 64: h·U', false, false, 64, 384, 128],
  ['R3', 'LSTM(64) step, B 64: h·U', false, false, 64, 256, 64],
  ['R4', 'SimpleRNN(32) step, B 32: h·U', false, false, 32, 32, 32],
  ['P1', 'LSTM(256) input projection x·W', false, false, 6400, 1024, 8],
  ['D1', 'LSTM(256) dh = dz·Uᵀ', false, true, 128, 256, 1024],
  ['D2', 'LSTM(256) dx = dz·Wᵀ', false, true, 6400, 8, 1024],
  ['G1', 'LSTM(256) dU = hᵀ·dz', true, false, 256, 1024, 6400],
  ['G2', 'LSTM(256) dW = xᵀ·dz', true, false, 8, 1024, 6400],
];

// the native backend carries its loaded addon (src/kernels/native.ts, NativeBackend.addon)
const native = availableBackends().includes('native') ? resolveBackend('native', 'float32') : null;
if (native === null || native.addon === undefined) {
  console.error(
    'bench/gemm-native.mjs: the native kernel is not available: run `npm run build` and `node scripts/build-native.mjs --strict`',
  );
  process.exit(1);
}
const addon = native.addon;
if (isaArg) addon.setIsa(isaArg);
const info = addon.info();

function randomArray(n, seed) {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** Calls per second of f: a block of calls lasting at least BLOCK_MS (one call at least). */
function block(f) {
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  do {
    f();
    n++;
    t = performance.now();
  } while (t - t0 < BLOCK_MS);
  return (n * 1000) / (t - t0);
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const threadCounts = info.maxThreads > 1 ? [1, info.maxThreads] : [1];
const [load1] = os.loadavg();
console.log(
  `# seqcast native GEMM vs JS, ${new Date().toISOString()}, ${os.cpus()[0]?.model ?? 'cpu'}, ` +
    `${os.cpus().length} cores, node ${process.version}, path ${info.isa}, load average ${load1.toFixed(2)}`,
);
const header = ['id', 'product', 'op', 'M×N×K', 'js', ...threadCounts.map((t) => `native ${t}T`), 'speed-up'];
const rows = [];

for (const [id, what, transA, transB, M, N, K] of SHAPES) {
  if (shapeArg && !shapeArg.split(',').includes(id)) continue;
  const A = randomArray(M * K, 1);
  const B = randomArray(K * N, 2);
  const C = randomArray(M * N, 3);
  const lda = transA ? M : K;
  const ldb = transB ? K : N;
  const call = (be) => () =>
    be.gemm(
      M,
      N,
      K,
      { data: A, offset: 0, ld: lda, trans: transA },
      { data: B, offset: 0, ld: ldb, trans: transB },
      { data: C, offset: 0, ld: N },
      true,
    );
  const fns = [
    { name: 'js', f: call(jsBackend), threads: 0 },
    ...threadCounts.map((t) => ({ name: `native ${t}T`, f: call(native), threads: t })),
  ];
  const setFor = (fn) => fn.threads && addon.setThreads(fn.threads);
  for (const fn of fns) {
    setFor(fn);
    const t0 = performance.now();
    for (let i = 0; i < 2 && performance.now() - t0 < 200; i++) fn.f();
  }
  const rates = fns.map(() => []);
  for (let r = 0; r < REPEATS; r++) {
    for (let q = 0; q < fns.length; q++) {
      const idx = (q + r) % fns.length;
      setFor(fns[idx]);
      rates[idx].push(block(fns[idx].f));
    }
  }
  addon.setThreads(info.threads);
  const gflops = rates.map((rs) => (median(rs) * 2 * M * N * K) / 1e9);
  const best = Math.max(...gflops.slice(1));
  rows.push([
    id,
    what,
    `${transA ? 'T' : 'N'}${transB ? 'T' : 'N'}`,
    `${M}×${N}×${K}`,
    ...gflops.map((g) => g.toFixed(g < 10 ? 2 : 1)),
    `${(best / gflops[0]).toFixed(0)}×`,
  ]);
  console.error(`${id} done`);
}

const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) =>
  `| ${cells.map((c, i) => (i < 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
console.log('GFLOP/s (2·M·N·K per call), median of the repeats:');
console.log(line(header));
console.log(
  `|${widths.map((w, i) => (i < 4 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`,
);
for (const r of rows) console.log(line(r));
