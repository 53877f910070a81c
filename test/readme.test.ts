import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');

it("the README's TypeScript example runs against the built package and prints the gradient names", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = /```ts\n([\s\S]*?)```/.exec(readme);
  expect(block).not.toBeNull();
  // The example has no type annotations, so it runs as JavaScript once 'seqcast' points at dist/.
  const code = block![1].replace(
    /from 'seqcast'/g,
    `from '${pathToFileURL(join(ROOT, 'dist', 'index.js')).href}'`,
  );
  const r = spawnSync('node', ['--input-type=module', '-e', code], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/^bidirectional\/forward\/kernel \[ 1, 128 \]$/m);
  expect(r.stdout).toMatch(/^dense\/bias \[ 1 \]$/m);
});
