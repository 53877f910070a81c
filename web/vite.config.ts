/**
 * The playground's Vite configuration. The root is web/ (`vite web`, `vite build web`); the static site goes
 * to web/dist. The page imports `seqcast` by name, as a user would: the name resolves to the package's public,
 * browser-safe entry as built by `npm run build` (dist/index.js). `seqcast/node` is refused. The labelled
 * datasets found beside the build are listed by the classify mode (shared-data.ts).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vite';
import { labelledDatasets } from './shared-data.js';

const repo = fileURLToPath(new URL('..', import.meta.url));
const entry = fileURLToPath(new URL('../dist/index.js', import.meta.url));

/** Stops the build with one clear line when the library is not built or a Node-only entry is imported. */
function seqcastEntry(): Plugin {
  return {
    name: 'seqcast-entry',
    enforce: 'pre',
    buildStart() {
      if (!existsSync(entry)) {
        this.error(
          `the playground imports seqcast from ${entry}, which does not exist; run 'npm run build' first`,
        );
      }
    },
    resolveId(source) {
      if (source === 'seqcast/node' || source.startsWith('seqcast/node/')) {
        this.error("web/ must not import 'seqcast/node' (Node only); import 'seqcast'");
      }
      return null;
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [seqcastEntry(), labelledDatasets()],
  resolve: { alias: [{ find: /^seqcast$/, replacement: entry }] },
  worker: { format: 'es' },
  server: { fs: { allow: [repo] } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
});
