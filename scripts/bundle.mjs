// Builds the package's JavaScript: five ES-module entry points bundled by esbuild from src/, sharing their
// common code through chunk files, all flat in dist/ except the command:
//
//   dist/index.js        `seqcast`              browser-safe (no static `node:` import)
//   dist/node.js         `seqcast/node`         adds folders and rendering
//   dist/kernels.js      `seqcast/kernels`      backends, activations, reference steps (browser-safe)
//   dist/conformance.js  `seqcast/conformance`  conformance cases (browser-safe)
//   dist/cli/main.js     the `seqcast` command (executable)
//   dist/chunk-*.js    code shared between them: one copy, so module state (the default backend, caches)
//                      is the same whichever entry a program imports
//
// tsc (tsconfig.build.json) writes only the declarations beside them.
//
// Why a bundle: Node's ES-module loader costs memory per module file, and importing a CommonJS package from
// an ES module costs more again. Measured with /usr/bin/time -v on a script that only imports the entry:
// the 78 files tsc wrote peaked at 57 MB against 42 MB for bare Node; the bundle peaks at 44 MB, and the
// tutorial workload W1 at 60 MB instead of 68. See bench/NOTES.md. papaparse is bundled for the same reason; every other runtime dependency stays external
// (vega, vega-lite, resvg and commander are loaded by seqcast/node and the command only).
import { chmodSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const BUNDLED = ['papaparse'];
const external = [
  'node:*',
  // papaparse's Node-stream mode requires 'stream' lazily; seqcast never uses that mode
  'stream',
  ...Object.keys(pkg.dependencies ?? {}).filter((name) => !BUNDLED.includes(name)),
];

// JavaScript of an earlier build (tsc's former per-module output, older chunks) must not linger beside the
// new files; the declarations are tsc's and stay
removeJavaScript(new URL('dist/', root));

const result = await build({
  absWorkingDir: fileURLToPath(root),
  entryPoints: {
    index: 'src/index.ts',
    node: 'src/node.ts',
    kernels: 'src/entries/kernels.ts',
    conformance: 'src/entries/conformance.ts',
    'cli/main': 'src/cli/main.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  // one bundle for Node and browsers: packages' "module"/"main" fields, no Node-only resolution
  platform: 'neutral',
  mainFields: ['module', 'main'],
  target: 'es2022',
  external,
  chunkNames: 'chunk-[hash]',
  sourcemap: 'linked',
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});

chmodSync(new URL('dist/cli/main.js', root), 0o755);

const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
process.stdout.write(
  `bundled ${outputs.map(([file, o]) => `${file.replace(/^dist\//, '')} ${kb(o.bytes)}`).join(', ')}\n`,
);

function removeJavaScript(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // no dist/ yet
  }
  for (const e of entries) {
    if (e.isDirectory()) removeJavaScript(new URL(`${e.name}/`, dir));
    else if (e.name.endsWith('.js') || e.name.endsWith('.js.map')) rmSync(new URL(e.name, dir));
  }
}
