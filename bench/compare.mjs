#!/usr/bin/env node
/**
 * The bench/WORKLOADS.md workloads on seqcast and its peers, same data, same run, as ratios.
 *
 *   npm run bench:compare -- [--workloads W1,P1] [--repeats N] [--budget S|none] [--peers LIST]
 *                            [--timeout S] [--backend NAME] [--write] [--all-variants]
 *
 * Implementations: seqcast (bench/run.mjs), tfjs-cpu and tfjs-wasm (bench/peers/tfjs-workload.mjs),
 * brainjs (bench/peers/brainjs-workload.mjs: brain.js's closest model, see bench/README.md) and, when
 * SEQCAST_TORCH_PYTHON names a Python with torch, PyTorch (bench/peers/torch_workload.py) with 1 and
 * 2 threads, each without and with OPENBLAS_CORETYPE=SkylakeX (pytorch-1t, pytorch-1t-skx, pytorch-2t,
 * pytorch-2t-skx). The SkylakeX variants are skipped when torch does not load OpenBLAS (the variable
 * would change nothing) unless --all-variants.
 *
 *   --workloads LIST  default all (W1–W5, P1)
 *   --repeats N       default 3; within each repeat every implementation runs once per workload, in an
 *                     order that rotates from repeat to repeat (round-robin)
 *   --budget S        training seconds after which a run stops and extrapolates fit_s. Default: 60 s for
 *                     the slow peers (tfjs-cpu, tfjs-wasm, brainjs) and none for seqcast and PyTorch;
 *                     an explicit S applies to every implementation; 'none' disables it everywhere
 *   --peers LIST      only these implementations (seqcast, tfjs-cpu, tfjs-wasm, brainjs, pytorch, or one
 *                     PyTorch configuration such as pytorch-2t)
 *   --timeout S       per run, default 1800; a run that exceeds it is killed and recorded as an error
 *   --backend NAME    passed to seqcast's run.mjs
 *   --data DIR        use these data files instead of generating them into a temporary directory
 *   --write           regenerate bench/RESULTS.md
 *
 * Every run is its own process under /usr/bin/time -v (peak RSS). stdout: the tables; stderr: progress
 * and every JSON line as it comes.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay, clearTimeout } from 'node:timers';
import { fileURLToPath } from 'node:url';
import { DATASETS, makeDataset, writeDataset } from './data.mjs';
import {
  WORKLOAD_IDS,
  WORKLOADS,
  checkWorkload,
  describeWorkload,
  errorLine,
  median,
  parseFlags,
  round,
} from './workloads.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TIME = '/usr/bin/time';
const VERSION = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
const SLOW = new Set(['tfjs-cpu', 'tfjs-wasm', 'brainjs']);
/** The machine limit the issue quotes: a 2048³ float32 product with AVX-512 kernels. */
const ISSUE_LIMIT = { 1: 136, 2: 230 };

function log(message) {
  process.stderr.write(`${message}\n`);
}

function parse(argv) {
  const o = parseFlags(
    argv,
    {
      workloads: 'string',
      repeats: 'number',
      budget: 'string',
      peers: 'string',
      timeout: 'number',
      backend: 'string',
      data: 'string',
      write: 'boolean',
      allVariants: 'boolean',
    },
    'see node bench/compare.mjs --help',
  );
  o.workloads =
    o.workloads === null ? WORKLOAD_IDS : o.workloads.split(',').filter(Boolean).map(checkWorkload);
  o.repeats ??= 3;
  if (!Number.isInteger(o.repeats) || o.repeats < 1) throw new Error('--repeats needs an integer ≥ 1');
  if (o.budget === null) o.budgetMode = 'default';
  else if (o.budget === 'none') o.budgetMode = 'none';
  else {
    o.budgetMode = 'all';
    o.budget = Number(o.budget);
    if (!(o.budget > 0)) throw new Error('--budget needs seconds > 0 or none');
  }
  o.timeout ??= 1800;
  o.peers = o.peers === null ? null : o.peers.split(',').filter(Boolean);
  return o;
}

// ---------------------------------------------------------------------------------------------------------
// Running one process under /usr/bin/time -v

const HAVE_TIME = existsSync(TIME);

/** Runs cmd; resolves { code, stdout, stderr, rssKb, timedOut, seconds }. */
function runProcess(cmd, args, env, timeoutS, timeFile) {
  return new Promise((resolve) => {
    const full = HAVE_TIME ? [TIME, ['-v', '-o', timeFile, cmd, ...args]] : [cmd, args];
    const t0 = performance.now();
    const child = spawn(full[0], full[1], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let timedOut = false;
    const timer = delay(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL'); // the process group this run started, nothing else
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutS * 1000);
    child.on('error', (e) => {
      stderr += `\n${e.message}`;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      let rssKb = null;
      if (HAVE_TIME) {
        try {
          const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, 'utf8'));
          if (m) rssKb = Number(m[1]);
        } catch {
          rssKb = null;
        }
      }
      resolve({ code, stdout, stderr, rssKb, timedOut, seconds: (performance.now() - t0) / 1000 });
    });
  });
}

function lastJson(text) {
  const s = text
    .split('\n')
    .reverse()
    .find((l) => l.trim().startsWith('{'));
  if (s === undefined) return null;
  try {
    return JSON.parse(s);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Implementations

function implementations(o, torchPython, skxVariants) {
  const node = process.execPath;
  const list = [
    { name: 'seqcast', cmd: node, args: ['bench/run.mjs', ...(o.backend ? ['--backend', o.backend] : [])] },
    { name: 'tfjs-cpu', cmd: node, args: ['bench/peers/tfjs-workload.mjs', '--backend', 'cpu'] },
    { name: 'tfjs-wasm', cmd: node, args: ['bench/peers/tfjs-workload.mjs', '--backend', 'wasm'] },
    { name: 'brainjs', cmd: node, args: ['bench/peers/brainjs-workload.mjs'] },
  ];
  if (torchPython !== null) {
    for (const threads of [1, 2]) {
      for (const skx of skxVariants ? [false, true] : [false]) {
        list.push({
          name: `pytorch-${threads}t${skx ? '-skx' : ''}`,
          torch: true,
          cmd: torchPython,
          args: ['bench/peers/torch_workload.py', '--threads', String(threads)],
          env: skx ? { OPENBLAS_CORETYPE: 'SkylakeX' } : { OPENBLAS_CORETYPE: null },
        });
      }
    }
  }
  if (o.peers === null) return list;
  const wanted = (n) => o.peers.some((p) => p === n || (p === 'pytorch' && n.startsWith('pytorch-')));
  for (const p of o.peers) {
    if (!list.some((i) => i.name === p || (p === 'pytorch' && i.torch)))
      throw new Error(
        `unknown or unavailable peer '${p}' (available: ${list.map((i) => i.name).join(', ')}${torchPython === null ? '; set SEQCAST_TORCH_PYTHON for pytorch' : ''})`,
      );
  }
  return list.filter((i) => wanted(i.name));
}

function envFor(impl) {
  const overrides = impl.env ?? {};
  const kept = Object.entries(process.env).filter(([k]) => !(k in overrides));
  const set = Object.entries(overrides).filter(([, v]) => v !== null);
  return Object.fromEntries([...kept, ...set]);
}

function budgetFor(o, impl) {
  if (o.budgetMode === 'none') return null;
  if (o.budgetMode === 'all') return o.budget;
  return SLOW.has(impl.name) ? 60 : null;
}

async function runOne(o, impl, id, dataDir, timeFile) {
  const budget = budgetFor(o, impl);
  const args = [
    ...impl.args,
    '--workload',
    id,
    '--data',
    dataDir,
    ...(budget !== null ? ['--budget', String(budget)] : []),
  ];
  const r = await runProcess(impl.cmd, args, envFor(impl), o.timeout, timeFile);
  let line = lastJson(r.stdout);
  if (r.timedOut) {
    line = errorLine(impl.name, line?.peer_version ?? null, id, `timeout: killed after ${o.timeout} s`);
  } else if (line === null) {
    const tail = r.stderr.trim().split('\n').slice(-3).join(' | ');
    line = errorLine(impl.name, null, id, `exit code ${r.code}, no JSON line: ${tail}`);
  }
  line.impl = impl.name;
  line.peak_rss_kb = r.rssKb;
  line.wall_s = round(r.seconds);
  if (impl.env?.OPENBLAS_CORETYPE) line.openblas_coretype = impl.env.OPENBLAS_CORETYPE;
  return line;
}

async function torchProbe(python, timeFile) {
  const out = {};
  for (const threads of [1, 2]) {
    const env = { ...process.env, OPENBLAS_CORETYPE: 'SkylakeX' };
    const r = await runProcess(
      python,
      ['bench/peers/torch_workload.py', '--matmul', '--threads', String(threads)],
      env,
      600,
      timeFile,
    );
    const line = lastJson(r.stdout) ?? { status: 'error', error: r.stderr.trim().split('\n').slice(-1)[0] };
    log(JSON.stringify(line));
    out[threads] = line;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Summary

const isPredict = (id) => WORKLOADS[id].train !== undefined;

/** Per workload and implementation: medians over the runs that succeeded. */
function summarise(lines, ids, impls) {
  const rows = [];
  for (const id of ids) {
    const group = [];
    for (const impl of impls) {
      const runs = lines.filter((l) => l.workload === id && l.impl === impl.name);
      const ok = runs.filter((l) => l.status === 'ok');
      const metric = isPredict(id) ? 'windows_per_s' : 'fit_s';
      group.push({
        workload: id,
        impl: impl.name,
        runs: runs.length,
        ok: ok.length,
        value: median(ok.map((l) => l[metric])),
        rssMb: median(ok.filter((l) => l.peak_rss_kb !== null).map((l) => l.peak_rss_kb / 1024)),
        gflops: median(ok.map((l) => l.gflops)),
        evalMse: median(ok.map((l) => l.eval_mse)),
        extrapolated: ok.some((l) => l.extrapolated || l.train_extrapolated),
        threads: [...new Set(ok.map((l) => l.threads))].join('/') || null,
        backend: [...new Set(ok.map((l) => l.backend))].join('/') || null,
        error: runs.find((l) => l.status !== 'ok')?.error ?? null,
      });
    }
    const torch = group.filter((g) => g.impl.startsWith('pytorch-') && g.value !== null);
    if (torch.length > 1) {
      const best = torch.reduce((a, b) =>
        isPredict(id) ? (b.value > a.value ? b : a) : b.value < a.value ? b : a,
      );
      group.push({ ...best, impl: `pytorch fastest (${best.impl})`, fastest: true });
    }
    const us = group.find((g) => g.impl === 'seqcast');
    for (const g of group) {
      // time ratio seqcast / peer (< 1: seqcast takes less time), and its inverse as "× faster"
      if (us?.value != null && g.value != null && g !== us) {
        g.ratio = isPredict(id) ? g.value / us.value : us.value / g.value;
        g.faster = 1 / g.ratio;
      }
    }
    rows.push(...group);
  }
  return rows;
}

const fmt = (v, digits = 4) => (v === null || v === undefined ? '—' : String(round(v, digits)));

function tableRows(rows) {
  const head = [
    'workload',
    'implementation',
    'backend, threads',
    'fit_s or windows/s',
    'peak RSS MB',
    'GFLOP/s',
    'eval_mse',
    'ok/runs',
    'seqcast/peer time',
    'seqcast × faster',
  ];
  const body = rows.map((r) => [
    r.workload,
    r.impl,
    r.backend === null ? '—' : `${r.backend}, ${r.threads}`,
    r.value === null
      ? `error: ${r.error ?? 'no run'}`
      : `${fmt(r.value)}${isPredict(r.workload) ? ' w/s' : ' s'}${r.extrapolated ? '*' : ''}`,
    fmt(r.rssMb, 3),
    fmt(r.gflops, 3),
    fmt(r.evalMse, 2),
    `${r.ok}/${r.runs}`,
    r.ratio === undefined ? '—' : fmt(r.ratio, 3),
    r.faster === undefined ? '—' : `${fmt(r.faster, 3)}×`,
  ]);
  return [head, ...body];
}

function textTable(rows) {
  const t = tableRows(rows);
  const widths = t[0].map((_, c) => Math.max(...t.map((r) => String(r[c]).length)));
  const lines = t.map((r) =>
    r
      .map((v, c) => String(v).padEnd(widths[c]))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  return lines.join('\n');
}

function markdownTable(rows) {
  const t = tableRows(rows);
  const esc = (v) => String(v).replace(/\|/g, '\\|');
  return [
    `| ${t[0].join(' | ')} |`,
    `| ${t[0].map((_, i) => (i < 3 ? '---' : '---:')).join(' | ')} |`,
    ...t.slice(1).map((r) => `| ${r.map(esc).join(' | ')} |`),
  ].join('\n');
}

function machine() {
  let cpu = null;
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? null;
  } catch {
    cpu = null;
  }
  let os = `Linux ${release()}`;
  try {
    const pretty = /PRETTY_NAME="?([^"\n]*)"?/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) os = `${pretty}, kernel ${release()}`;
  } catch {
    // not Linux: the kernel release only
  }
  return { cpu, cores: availableParallelism(), os, node: process.version };
}

function versions(lines) {
  const v = { seqcast: VERSION };
  for (const l of lines) if (l.status === 'ok' && l.peer !== 'seqcast') v[l.peer] = l.peer_version;
  const torch = lines.find((l) => l.peer === 'pytorch' && l.status === 'ok');
  if (torch) {
    v.python = torch.python;
    v.blas = torch.blas;
  }
  return v;
}

function limitText(probe) {
  const parts = [];
  for (const t of [1, 2]) {
    const p = probe?.[t];
    const measured =
      p?.status === 'ok'
        ? `measured ${p.gflops_median} GFLOP/s (best ${p.gflops_best}), torch.mm 2048³ float32, ${t} thread${t > 1 ? 's' : ''}, OPENBLAS_CORETYPE=SkylakeX, BLAS ${p.blas ?? 'unknown'}`
        : `not measured${p?.error ? ` (${p.error})` : ' (no SEQCAST_TORCH_PYTHON)'}`;
    parts.push(
      `- ${t} core${t > 1 ? 's' : ''}: ${measured}; the issue quotes about ${ISSUE_LIMIT[t]} GFLOP/s`,
    );
  }
  return parts.join('\n');
}

function resultsMarkdown({ o, rows, lines, probe, started, ended, command, notes }) {
  const m = machine();
  const v = versions(lines);
  return `# Benchmark results

Generated by \`bench/compare.mjs --write\`; the protocol is in bench/README.md, the workloads in
bench/WORKLOADS.md. **The machine is shared and noisy**: quote ratios taken within this run.

- date: ${started} – ${ended}
- command: \`${command}\`
- machine: ${m.cpu ?? 'unknown CPU'}, ${m.cores} cores, ${m.os}
- Node ${m.node}; versions: ${Object.entries(v)
    .map(([k, x]) => `${k} ${x}`)
    .join(', ')}
- repeats: ${o.repeats}, round-robin; budget: ${o.budgetMode === 'default' ? `60 s for ${[...SLOW].join(', ')}, none for the others` : o.budgetMode === 'none' ? 'none' : `${o.budget} s for every implementation`}
${notes.map((n) => `- ${n}`).join('\n')}

Values are medians over the runs: fit_s (training wall time, extrapolated when marked *) or, for P1,
windows/s of predict; peak RSS of the whole process from \`/usr/bin/time -v\`; GFLOP/s = matrix FLOPs /
fit_s (bench/README.md). "seqcast/peer time" < 1 means seqcast took less time; "seqcast × faster" is its
inverse.

${markdownTable(rows)}

\\* extrapolated from a run stopped by the budget.

Machine limit for comparison with the GFLOP/s column:
${limitText(probe)}

<details>
<summary>Raw JSON lines (${lines.length})</summary>

\`\`\`
${[...Object.values(probe ?? {}), ...lines].map((l) => JSON.stringify(l)).join('\n')}
\`\`\`

</details>
`;
}

const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));

/** The markdown as the repository's prettier would write it (unchanged when prettier is unavailable). */
async function formatted(text) {
  try {
    const prettier = await import('prettier');
    const config = (await prettier.resolveConfig(RESULTS)) ?? {};
    return await prettier.format(text, { ...config, filepath: RESULTS });
  } catch (e) {
    log(`note: bench/RESULTS.md not formatted with prettier (${e.message})`);
    return text;
  }
}

// ---------------------------------------------------------------------------------------------------------

async function main() {
  let o;
  try {
    o = parse(process.argv.slice(2));
  } catch (e) {
    log(`compare.mjs: ${e.message}`);
    process.exitCode = 2;
    return;
  }
  if (o.help) {
    log(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]);
    return;
  }
  const started = new Date().toISOString();
  const notes = [];
  const scratch = mkdtempSync(join(tmpdir(), 'seqcast-compare-'));
  const timeFile = join(scratch, 'time.txt');
  if (!HAVE_TIME) {
    const msg = `${TIME} is missing (Debian package 'time'): peak RSS is reported as null`;
    log(`warning: ${msg}`);
    notes.push(msg);
  }
  try {
    let dataDir = o.data;
    if (dataDir === null) {
      dataDir = join(scratch, 'data');
      const needed = new Set(
        o.workloads.flatMap((id) => [WORKLOADS[id].dataset, WORKLOADS[WORKLOADS[id].train ?? id].dataset]),
      );
      for (const name of Object.keys(DATASETS))
        if (needed.has(name)) writeDataset(dataDir, makeDataset(name));
      log(`data: ${[...needed].join(', ')} written to ${dataDir} by bench/data.mjs`);
    }

    const torchPython = process.env.SEQCAST_TORCH_PYTHON || null;
    let probe = null;
    let skxVariants = true;
    const wantTorch = o.peers === null || o.peers.some((p) => p.startsWith('pytorch'));
    if (torchPython === null) {
      notes.push('PyTorch not run: SEQCAST_TORCH_PYTHON is not set');
      log('PyTorch: not run (set SEQCAST_TORCH_PYTHON to a python3 with torch)');
    } else if (wantTorch) {
      log(`PyTorch machine limit: torch.mm 2048³ float32 with ${torchPython}`);
      probe = await torchProbe(torchPython, timeFile);
      const blas = probe[1]?.blas ?? probe[2]?.blas ?? null;
      if (!o.allVariants && blas !== null && !/openblas/i.test(blas)) {
        skxVariants = false;
        const msg = `torch loads ${blas}, not OpenBLAS, so OPENBLAS_CORETYPE has no effect: the SkylakeX variants are skipped (--all-variants runs them)`;
        log(msg);
        notes.push(msg);
      }
    }
    const impls = implementations(o, torchPython, skxVariants);
    log(
      `implementations: ${impls.map((i) => i.name).join(', ')}; workloads: ${o.workloads.join(', ')}; repeats ${o.repeats}`,
    );

    const lines = [];
    for (let r = 0; r < o.repeats; r++) {
      for (const id of o.workloads) {
        for (let k = 0; k < impls.length; k++) {
          const impl = impls[(r + k) % impls.length];
          const line = await runOne(o, impl, id, dataDir, timeFile);
          lines.push(line);
          log(JSON.stringify(line));
          const what =
            line.status !== 'ok'
              ? `error: ${line.error}`
              : isPredict(id)
                ? `${line.windows_per_s} windows/s`
                : `fit ${line.fit_s} s${line.extrapolated ? ' (extrapolated)' : ''}, eval_mse ${line.eval_mse}`;
          log(
            `[repeat ${r + 1}/${o.repeats}] ${id} ${impl.name}: ${what}, RSS ${line.peak_rss_kb === null ? '—' : `${Math.round(line.peak_rss_kb / 1024)} MB`}, wall ${line.wall_s} s`,
          );
        }
      }
    }

    const builds = [
      ...new Set(
        lines.filter((l) => l.peer === 'seqcast' && l.dist_built).map((l) => `${l.dist_built} (${l.commit})`),
      ),
    ];
    if (builds.length > 1) {
      const msg = `dist/ was rebuilt during the comparison: the seqcast runs used ${builds.length} builds (${builds.join(', ')}); see each line's dist_built, commit and backend`;
      log(`warning: ${msg}`);
      notes.push(msg);
    } else if (builds.length === 1) notes.push(`seqcast from dist/ built ${builds[0]}`);
    const rows = summarise(lines, o.workloads, impls);
    const out = [];
    for (const id of o.workloads) out.push(`${id} ${WORKLOADS[id].name}: ${describeWorkload(id)}`);
    out.push(
      '',
      textTable(rows),
      '* extrapolated from a run stopped by the budget',
      '',
      'Machine limit:',
      limitText(probe),
    );
    for (const n of notes) out.push(`note: ${n}`);
    process.stdout.write(`${out.join('\n')}\n`);
    const ended = new Date().toISOString();
    if (o.write) {
      const command = `npm run bench:compare -- ${process.argv.slice(2).join(' ')}`.trim();
      const env = torchPython !== null ? `SEQCAST_TORCH_PYTHON=${torchPython} ` : '';
      const text = resultsMarkdown({
        o,
        rows,
        lines,
        probe,
        started,
        ended,
        command: `${env}${command}`,
        notes,
      });
      writeFileSync(RESULTS, await formatted(text));
      log('wrote bench/RESULTS.md');
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();
