// The playground build's labelled datasets (web/shared-data.ts): found through the library's dataset
// resolver, listed only where found — a build with nothing beside it lists none and still builds.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findLabelledDatasets, labelledDatasetsModule } from '../web/shared-data.js';

const ROOT = join(import.meta.dirname, '..');
const saved = { shared: process.env.SEQCAST_SHARED_DATA, dir: process.env.SEQCAST_DATA_DIR };

afterEach(() => {
  if (saved.shared === undefined) delete process.env.SEQCAST_SHARED_DATA;
  else process.env.SEQCAST_SHARED_DATA = saved.shared;
  if (saved.dir === undefined) delete process.env.SEQCAST_DATA_DIR;
  else process.env.SEQCAST_DATA_DIR = saved.dir;
});

describe('findLabelledDatasets() and the module the build writes', () => {
  it('finds nothing without a data folder beside the build, and writes an empty list', async () => {
    process.env.SEQCAST_SHARED_DATA = '0';
    delete process.env.SEQCAST_DATA_DIR;
    expect(await findLabelledDatasets()).toEqual([]);
    expect(labelledDatasetsModule([])).toBe('export const labelledDatasets = {\n\n};\n');
  });

  it('finds the sentiment file in SEQCAST_DATA_DIR, and the module loads it as a chunk of its own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seqcast-web-data-'));
    writeFileSync(join(dir, 'sentiment_sentences.csv'), 'text,label\ngood,1\nbad,0\n');
    process.env.SEQCAST_SHARED_DATA = '0';
    process.env.SEQCAST_DATA_DIR = dir;
    const found = await findLabelledDatasets();
    expect(found.map((d) => [d.name, d.path, d.textColumn, d.labelColumn])).toEqual([
      ['sentiment', join(dir, 'sentiment_sentences.csv'), 'text', 'label'],
    ]);
    const code = labelledDatasetsModule(found);
    expect(code).toContain(
      `load: () => import(${JSON.stringify(`${join(dir, 'sentiment_sentences.csv')}?raw`)})`,
    );
    expect(code).toMatch(
      /^export const labelledDatasets = \{\n {2}"sentiment": \{ file: "sentiment_sentences\.csv"/,
    );
  });

  it('a site built with nothing beside it builds, and holds no labelled dataset', () => {
    const out = mkdtempSync(join(tmpdir(), 'seqcast-web-bare-'));
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
        'build',
        'web',
        '--outDir',
        out,
        '--emptyOutDir',
        '--logLevel',
        'error',
      ],
      { cwd: ROOT, env: { ...process.env, SEQCAST_SHARED_DATA: '0', SEQCAST_DATA_DIR: '' }, stdio: 'pipe' },
    );
    const assets = readdirSync(join(out, 'assets'));
    expect(assets.some((f) => f.startsWith('sentiment_sentences'))).toBe(false);
    expect(assets.some((f) => f.startsWith('sunspots_monthly'))).toBe(true);
    const page = assets
      .filter((f) => /^index-.*\.js$/.test(f))
      .map((f) => readFileSync(join(out, 'assets', f), 'utf8'));
    expect(page.join('')).not.toContain('sentiment_sentences.csv');
  }, 120_000);
});
