#!/usr/bin/env node
/**
 * Before/after in one run: the training workloads (bench/WORKLOADS.md) of another checkout (`--base DIR`, with
 * its own `npm run build`) and of this one, alternately, each run in its own process; medians of fit_s and
 * their ratio. The way to show that a change keeps W1–W5 within a few percent on a noisy machine.
 *
 *   node bench/ab.mjs --base ../seqcast-before [--reps 5] [--workloads W1,W2,W3,W4,W5]
 *
 * Run `npm run build` in both checkouts first. Rounds alternate which checkout goes first.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : args[i + 1];
};
const base = flag('base', undefined);
const reps = Number(flag('reps', '5'));
const workloads = flag('workloads', 'W1,W2,W3,W4,W5').split(',');
if (
  base === undefined ||
  !existsSync(join(base, 'dist', 'index.js')) ||
  !Number.isInteger(reps) ||
  reps < 1
) {
  process.stderr.write(
    'usage: node bench/ab.mjs --base DIR (a built checkout) [--reps N ≥ 1] [--workloads W1,…]\n',
  );
  process.exit(2);
}
const trees = { base: resolve(base), this: here };
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const w of workloads) {
  const fit = { base: [], this: [] };
  for (let r = 0; r < reps; r++) {
    for (const t of r % 2 === 0 ? ['base', 'this'] : ['this', 'base']) {
      const out = execFileSync(process.execPath, ['bench/run.mjs', '--workload', w], {
        cwd: trees[t],
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      fit[t].push(JSON.parse(out.trim().split('\n').pop()).fit_s);
    }
  }
  const [b, m] = [median(fit.base), median(fit.this)];
  const list = (a) => a.map((v) => v.toFixed(3)).join(' ');
  process.stdout.write(
    `${JSON.stringify({ workload: w, reps, base_fit_s: b, this_fit_s: m, ratio: Number((m / b).toFixed(3)), base: list(fit.base), this: list(fit.this) })}\n`,
  );
}
