// The repository stands alone: no tracked file reaches for the project's shared folder beside it, except the
// one dataset resolver, the helper of the tests that need unbundled data, and the CI script (which runs the
// shared conformance cases when the folder is there).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
// built, so that this file does not name it itself
const SHARED = ['..', 'shared'].join('/');
const ALLOWED = ['.ci/run', 'src/series/dataset-files.ts', 'test/helpers/shared-data.ts'];

it(`no tracked file other than ${ALLOWED.join(', ')} names ${SHARED}`, () => {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f !== '');
  expect(files.length).toBeGreaterThan(100);
  const naming = files.filter((f) => {
    let text: string;
    try {
      text = readFileSync(join(ROOT, f), 'utf8');
    } catch {
      return false; // listed but deleted in the working tree
    }
    return text.includes(SHARED);
  });
  expect(naming.filter((f) => !ALLOWED.includes(f))).toEqual([]);
});

it('src/ names the shared folder in one place only: the dataset resolver', () => {
  const src = execFileSync('git', ['grep', '-l', '-e', 'shared/data', '-e', SHARED, '--', 'src'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => f !== '');
  expect(src).toEqual(['src/series/dataset-files.ts']);
});
