/**
 * The labelled datasets of a site built beside the project's data folders. seqcast never bundles them
 * (datasets.ts: `bundled: false`); where the library's dataset resolver (src/series/dataset-files.ts, through
 * the built `dist/node.js`) finds one at build time — SEQCAST_DATA_DIR or the shared data folder — the build
 * puts its file in the site as a chunk loaded on demand, and the classify mode lists it. A build with none of
 * them beside it lists none. The page reads the virtual module `virtual:seqcast-labelled-datasets`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Plugin } from 'vite';
import type * as SeqcastNode from '../src/node.js';

const MODULE = 'virtual:seqcast-labelled-datasets';
const RESOLVED = `\0${MODULE}`;
const nodeEntry = fileURLToPath(new URL('../dist/node.js', import.meta.url));

export interface FoundDataset {
  readonly name: string;
  readonly file: string;
  readonly path: string;
  readonly description: string;
  readonly textColumn: string;
  readonly labelColumn: string;
}

/** The labelled datasets the resolver finds now (with SEQCAST_SHARED_DATA=0 and no SEQCAST_DATA_DIR: none). */
export async function findLabelledDatasets(): Promise<FoundDataset[]> {
  const seqcast = (await import(pathToFileURL(nodeEntry).href)) as typeof SeqcastNode;
  const found: FoundDataset[] = [];
  for (const info of Object.values(seqcast.LABELLED_DATASETS)) {
    let path: string;
    try {
      path = seqcast.labelledDatasetPath(info.name);
    } catch {
      continue; // not beside this build: not listed
    }
    found.push({
      name: info.name,
      file: info.file,
      path,
      description: info.description,
      textColumn: info.textColumn,
      labelColumn: info.labelColumn,
    });
  }
  return found;
}

/** The module's code: each dataset's facts and a loader of its text (`?raw`, a chunk of its own). */
export function labelledDatasetsModule(found: readonly FoundDataset[]): string {
  const entries = found.map(
    (d) =>
      `  ${JSON.stringify(d.name)}: { file: ${JSON.stringify(d.file)}, description: ${JSON.stringify(d.description)}, ` +
      `textColumn: ${JSON.stringify(d.textColumn)}, labelColumn: ${JSON.stringify(d.labelColumn)}, ` +
      `load: () => import(${JSON.stringify(`${d.path}?raw`)}).then((m) => m.default) },`,
  );
  return `export const labelledDatasets = {\n${entries.join('\n')}\n};\n`;
}

export function labelledDatasets(): Plugin {
  let found: FoundDataset[] = [];
  return {
    name: 'seqcast-labelled-datasets',
    async config() {
      // without the library built, seqcast-entry (vite.config.ts) stops the build with its own message
      found = existsSync(nodeEntry) ? await findLabelledDatasets() : [];
      // the dev server may read the found files where they are
      return { server: { fs: { allow: found.map((d) => join(d.path, '..')) } } };
    },
    resolveId(source) {
      return source === MODULE ? RESOLVED : null;
    },
    load(id) {
      return id === RESOLVED ? labelledDatasetsModule(found) : null;
    },
  };
}
