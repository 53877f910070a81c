/**
 * Where the measured code comes from, for every benchmark line: the commit and when dist/ was built.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The commit the measured code comes from, with `+dirty` when src/ differs from it; null outside git. */
export function commitOf() {
  const git = (args) =>
    execFileSync('git', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  try {
    const head = git(['rev-parse', '--short', 'HEAD']);
    const dirty = git(['status', '--porcelain', '--untracked-files=all', '--', 'src']) !== '';
    return dirty ? `${head}+dirty` : head;
  } catch {
    return null;
  }
}

/** When dist/ was built (ISO time); warns through `log` when a source file is newer (run `npm run build`). */
export function distBuilt(log) {
  const built = statSync(new URL('../dist/index.js', import.meta.url)).mtimeMs;
  const newer = readdirSync(new URL('../src', import.meta.url), { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.ts'))
    .filter((f) => statSync(new URL(`../src/${f}`, import.meta.url)).mtimeMs > built);
  if (newer.length > 0)
    log(`warning: dist/ is older than src/${newer[0]} (and ${newer.length - 1} more): run npm run build`);
  return new Date(built).toISOString();
}
