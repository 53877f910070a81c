// npm run --silent example -- N : runs examples/N-*.ts with tsx. The examples import 'seqcast' like any user,
// which resolves to this package's built dist/ (run `npm run build` first).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const n = process.argv[2];
const files = readdirSync(new URL('../examples/', import.meta.url)).filter((f) => /^\d+-.*\.ts$/.test(f));
const file = files.find((f) => f.startsWith(`${n}-`));
if (n === undefined || file === undefined) {
  console.error(
    `usage: npm run --silent example -- N, with N one of ${files.map((f) => f.split('-')[0]).join(', ')}`,
  );
  process.exit(2);
}
if (!existsSync(new URL('../dist/index.js', import.meta.url))) {
  console.error('the examples import the built package: run `npm run build` first');
  process.exit(1);
}
const tsx = fileURLToPath(new URL('../node_modules/tsx/dist/cli.mjs', import.meta.url));
const r = spawnSync(process.execPath, [tsx, `examples/${file}`, ...process.argv.slice(3)], {
  stdio: 'inherit',
  cwd: root,
});
process.exit(r.status ?? 1);
