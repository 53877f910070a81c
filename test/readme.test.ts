import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const dist = (file: string): string => pathToFileURL(join(ROOT, 'dist', file)).href;

/** The README's TypeScript blocks, pointed at dist/ (they carry no type annotations, so they run as JavaScript). */
function readmeBlocks(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) =>
    m[1]
      .replace(/from 'seqcast\/node'/g, `from '${dist('node.js')}'`)
      .replace(/from 'seqcast'/g, `from '${dist('index.js')}'`),
  );
}

function run(
  code: string,
  cwd = mkdtempSync(join(tmpdir(), 'seqcast-readme-')),
): { stdout: string; stderr: string; status: number | null } {
  return spawnSync('node', ['--input-type=module', '-e', code], { encoding: 'utf8', cwd });
}

/** The README block that contains `marker`. */
function block(marker: string): string {
  const found = readmeBlocks().filter((b) => b.includes(marker));
  expect(found, marker).toHaveLength(1);
  return found[0];
}

it("the README's seeing-inside example runs and prints a trace and a gradient per step", () => {
  const r = run(block('gradientFlow(model'));
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/kind: 'recurrent'/);
  expect(r.stdout).toMatch(/^\[ [\d.e-]+, [\d.e-]+, [\d.e-]+ \]$/m);
});

it("the README's training and saving examples run against the built package", () => {
  const train = block('await model.fit(x, y');
  const save = block('await saveModel(model');
  const r = run(
    `${train}\n${save}\nconsole.log('same', again.predict(x.slice(0, 3)).data.join() === model.predict(x.slice(0, 3)).data.join());`,
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/Total params: 4,385/);
  const lossLine = r.stdout.split('\n').find((l) => /^\d/.test(l))!;
  const [loss] = lossLine.split(' ').map(Number);
  expect(loss).toBeLessThan(0.05);
  expect(r.stdout).toMatch(/^same true$/m);
});

/** Where a user without the repository's data folders stands: no shared folder, an empty SEQCAST_DATA_DIR. */
const NO_DATA = (): NodeJS.ProcessEnv => ({
  ...process.env,
  SEQCAST_SHARED_DATA: '0',
  SEQCAST_DATA_DIR: mkdtempSync(join(tmpdir(), 'seqcast-nodata-')),
});

it("the README's forecasting example prints, with no data folder, the very lines the README says it prints", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8').replace(/\s+/g, ' ');
  const claimed =
    /With seed 1 the example prints `([^`]+)`, then that it is worse than AutoETS by ([\d.]+) % and loses to it at horizons 2 and 3, then `([^`]+)` and the six months of 1961/.exec(
      readme,
    );
  expect(claimed, 'the README states what the example prints').not.toBeNull();
  const r = spawnSync('node', ['--input-type=module', '-e', block('Forecaster.fit(series')], {
    encoding: 'utf8',
    cwd: mkdtempSync(join(tmpdir(), 'seqcast-readme-')),
    env: NO_DATA(),
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines).toHaveLength(3);
  expect(lines[0]).toBe(claimed![1]);
  expect(lines[1]).toBe(
    `${claimed![1].replace(/^.*→ /, '')}; worse than autoETS by ${claimed![2]} % RMSE (autoETS is the best baseline); it loses at horizons 2, 3 of 1–3 (to autoETS at 2, 3)`,
  );
  expect(lines[2]).toBe(`${claimed![3]} 1961-01-01 1961-02-01 1961-03-01 1961-04-01 1961-05-01 1961-06-01`);
});

it("the README's ONNX Runtime example runs and prints the same prediction twice", () => {
  const ort = pathToFileURL(createRequire(import.meta.url).resolve('onnxruntime-node')).href;
  const r = run(block('ort.InferenceSession').replace(/from 'onnxruntime-node'/, `from '${ort}'`));
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const [onnx, seqcast] = r.stdout.trim().split(' ');
  expect(onnx).toMatch(/^-?\d\.\d{6}$/);
  expect(onnx).toBe(seqcast);
});

it("the README's layers example runs against the built package and prints the gradient names", () => {
  const r = run(block('model.zeroGrad()'));
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^bidirectional\/forward\/kernel \[ 1, 128 \]$/m);
  expect(r.stdout).toMatch(/^dense\/bias \[ 1 \]$/m);
});
