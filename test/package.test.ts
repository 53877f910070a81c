/**
 * The built package as a user gets it: the bundled entry points (scripts/bundle.mjs), what they import, and
 * the package installed from its own file list into a fresh project.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const DIST = join(ROOT, 'dist');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  exports: Record<string, { import: string } | string>;
  bin: Record<string, string>;
};

/** The specifiers of a built file's static imports and re-exports. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)\b[^'";]*?(?:from\s*)?["']([^"']+)["'];?$/gm)].map((m) => m[1]);
}

/** Every file a built entry loads statically, itself included (relative imports followed). */
function staticGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (graph.has(file)) return;
    const specs = staticImports(file);
    graph.set(file, specs);
    for (const s of specs) if (s.startsWith('.')) visit(join(dirname(file), s));
  };
  visit(entry);
  return graph;
}

const ENTRIES = [
  join(DIST, 'index.js'),
  join(DIST, 'node.js'),
  join(DIST, 'kernels.js'),
  join(DIST, 'conformance.js'),
  join(DIST, 'cli', 'main.js'),
];
/** The subpaths that must load in a browser: no node: module, no Node-only dependency. */
const BROWSER_ENTRIES = ['index.js', 'kernels.js', 'conformance.js'];

describe('the bundled entry points', () => {
  beforeAll(() => {
    for (const e of ENTRIES) {
      if (!existsSync(e)) throw new Error(`${e} is missing: run 'npm run build' first`);
    }
  });

  it('load only their own chunks, node: builtins and declared dependencies (papaparse is inside)', () => {
    const allowed = new Set(Object.keys(pkg.dependencies));
    expect(allowed.has('papaparse')).toBe(false);
    for (const entry of ENTRIES) {
      for (const [file, specs] of staticGraph(entry)) {
        for (const s of specs) {
          if (s.startsWith('.')) {
            expect(existsSync(join(dirname(file), s)), `${file} imports ${s}`).toBe(true);
            continue;
          }
          if (s.startsWith('node:')) continue;
          const name = s.startsWith('@') ? s.split('/').slice(0, 2).join('/') : s.split('/')[0];
          expect(allowed.has(name), `${file} imports '${s}', which is not a dependency`).toBe(true);
        }
      }
    }
  });

  it('the browser entries (seqcast, seqcast/kernels, seqcast/conformance) load no node: module and no Node-only dependency', () => {
    for (const entry of BROWSER_ENTRIES) {
      for (const [file, specs] of staticGraph(join(DIST, entry))) {
        const bare = specs.filter((s) => !s.startsWith('.'));
        expect(bare, `${file} imports ${bare.join(', ')}`).toEqual([]);
      }
    }
  });

  it('every subpath of package.json "exports" points to a built file and its declarations', () => {
    for (const [path, target] of Object.entries(pkg.exports)) {
      if (typeof target === 'string') continue; // ./package.json
      const t = target as { import: string; types: string };
      expect(existsSync(join(ROOT, t.import)), `${path} → ${t.import}`).toBe(true);
      expect(existsSync(join(ROOT, t.types)), `${path} → ${t.types}`).toBe(true);
    }
  });

  it("seqcast/kernels shares the main entry's module state: its jsBackend is the one the main entry selects", async () => {
    const main = (await import(pathToFileURL(join(DIST, 'index.js')).href)) as {
      resolveBackend(name: string, dtype: string): unknown;
    };
    const kernels = (await import(pathToFileURL(join(DIST, 'kernels.js')).href)) as Record<string, unknown>;
    expect(main.resolveBackend('js', 'float32')).toBe(kernels.jsBackend);
  });

  it('seqcast and seqcast/node share one copy of the library (one default backend, one set of classes)', async () => {
    const main = (await import(pathToFileURL(join(DIST, 'index.js')).href)) as Record<string, unknown>;
    const node = (await import(pathToFileURL(join(DIST, 'node.js')).href)) as Record<string, unknown>;
    for (const name of ['setDefaultBackend', 'resolveBackend', 'Sequential', 'SeqcastError', 'Forecaster'])
      expect(node[name], name).toBe(main[name]);
    // every name of the main entry is in seqcast/node
    expect(Object.keys(main).filter((k) => !(k in node))).toEqual([]);
  });

  it('the command is executable and starts with a shebang', () => {
    const cli = join(DIST, 'cli', 'main.js');
    expect(readFileSync(cli, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(spawnSync(cli, ['--version'], { encoding: 'utf8' }).stdout.trim()).toBe(pkg.version);
  });
});

describe('installed from its file list into a fresh project', () => {
  let project: string;

  beforeAll(() => {
    // the files `npm pack` would put in the tarball, copied as npm would unpack them
    const listing = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as { files: { path: string }[] }[];
    project = mkdtempSync(join(tmpdir(), 'seqcast-installed-'));
    const installed = join(project, 'node_modules', pkg.name);
    for (const { path } of listing[0].files) {
      mkdirSync(dirname(join(installed, path)), { recursive: true });
      cpSync(join(ROOT, path), join(installed, path));
    }
    // what the install script would have built, when it was built here
    const addon = join('native', 'build', 'Release', 'seqcast_native.node');
    if (existsSync(join(ROOT, addon))) {
      mkdirSync(dirname(join(installed, addon)), { recursive: true });
      cpSync(join(ROOT, addon), join(installed, addon));
    }
    // its dependencies, as npm would place them beside it
    for (const dep of Object.keys(pkg.dependencies)) {
      const target = join(project, 'node_modules', dep);
      mkdirSync(dirname(target), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', dep), target, 'dir');
    }
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-project', type: 'module' }));
  });

  const run = (args: string[]) =>
    spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', env: { ...process.env } });

  it('the package ships the bundles and declarations, not the sources', () => {
    const installed = join(project, 'node_modules', pkg.name);
    for (const f of [
      'dist/index.js',
      'dist/node.js',
      'dist/cli/main.js',
      'dist/kernels.js',
      'dist/conformance.js',
      'dist/index.d.ts',
      'dist/node.d.ts',
      'dist/entries/kernels.d.ts',
      'dist/entries/conformance.d.ts',
    ])
      expect(existsSync(join(installed, f)), f).toBe(true);
    expect(existsSync(join(installed, 'src'))).toBe(false);
    expect(existsSync(join(installed, 'dist', 'kernels', 'select.js'))).toBe(false);
  });

  it("imports 'seqcast' and 'seqcast/node' by name, trains on the fastest backend and reads a shipped dataset", () => {
    const script = `
      import { readFileSync } from 'node:fs';
      import { sequential, simpleRNN, dense, adam, availableBackends, readCsv, DATASETS } from 'seqcast';
      import { saveModel } from 'seqcast/node';
      const m = sequential([simpleRNN({ units: 4 }), dense({ units: 1 })], { inputShape: [3, 1], seed: 1 });
      m.compile({ optimizer: adam(), loss: 'mse' });
      const x = { shape: [8, 3, 1], data: Float32Array.from({ length: 24 }, (_, i) => Math.sin(i)) };
      const y = { shape: [8, 1], data: Float32Array.from({ length: 8 }, (_, i) => Math.cos(i)) };
      const h = await m.fit(x, y, { epochs: 2, batchSize: 4 });
      console.log(JSON.stringify({ backends: availableBackends(), backend: m.backendName,
        loss: h.history.loss.length, save: typeof saveModel,
        rows: readCsv(readFileSync('node_modules/seqcast/datasets/' + DATASETS['air-passengers'].file, 'utf8')).length }));
    `;
    const r = run(['--input-type=module', '-e', script]);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout) as {
      backends: string[];
      backend: string;
      loss: number;
      rows: number;
      save: string;
    };
    expect(out.loss).toBe(2);
    expect(out.save).toBe('function');
    expect(out.rows).toBe(144);
    expect(out.backend).toBe(out.backends[0]);
    if (existsSync(join(ROOT, 'native', 'build', 'Release', 'seqcast_native.node')))
      expect(out.backend).toBe('native');
  });

  it("imports 'seqcast/kernels' and 'seqcast/conformance' by name", () => {
    const script = `
      import { jsBackend, lstmStepNaive } from 'seqcast/kernels';
      import { parseCase, runCase } from 'seqcast/conformance';
      import * as main from 'seqcast';
      console.log(JSON.stringify({ js: jsBackend.name, step: typeof lstmStepNaive,
        parse: typeof parseCase, run: typeof runCase, inMain: 'jsBackend' in main || 'runCase' in main }));
    `;
    const r = run(['--input-type=module', '-e', script]);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({
      js: 'js',
      step: 'function',
      parse: 'function',
      run: 'function',
      inMain: false,
    });
  });

  it("the README's forecasting example runs in the installed project, importing 'seqcast' by name, with no data folder", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const code = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
      .map((m) => m[1])
      .filter((b) => b.includes('Forecaster.fit(series'));
    expect(code).toHaveLength(1);
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code[0]], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, SEQCAST_SHARED_DATA: '0', SEQCAST_DATA_DIR: '' },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^[\d.]+ vs naive 86\.7 → beats naive by/);
    expect(r.stdout).toMatch(/^recursive beyond the trained horizon of 3: 1961-01-01 .* 1961-06-01$/m);
  });

  it('the installed command finds its datasets and version', () => {
    const cli = join(project, 'node_modules', pkg.name, pkg.bin.seqcast);
    const version = run([cli, '--version']);
    expect(version.stdout.trim()).toBe(pkg.version);
    const datasets = run([cli, 'datasets']);
    expect(datasets.status).toBe(0);
    expect(datasets.stdout).toMatch(/^air-passengers\s+monthly\s+144 rows/m);
  });

  it('the package holds the R datasets only, not the files that came from other repositories', () => {
    const shipped = readdirSync(join(project, 'node_modules', pkg.name, 'datasets')).sort();
    expect(shipped).toEqual([
      'README.md',
      'air_passengers_monthly.csv',
      'sunspots_monthly.csv',
      'sunspots_monthly_long.csv',
      'uk_seatbelts_monthly.csv',
    ]);
  });
});
