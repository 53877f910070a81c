/**
 * A model in a folder, Node only (the browser-safe part is artifacts.ts): `model.json` beside its weight
 * files `group1-shard1of1.bin`, … — the TF.js layout, which tfjs-node's `loadLayersModel('file://…')`
 * reads too.
 *
 * `saveModel` never leaves a half-written model where a model was: it writes everything into a temporary
 * sibling folder, fsyncs each file and the folder, and only then renames it into place. When replacing a
 * model (`overwrite: true`) the old folder is renamed aside first, the new one renamed in, then the old one
 * deleted; should the second rename fail, the old folder is renamed back. A process killed between the two
 * renames leaves no folder at `dir` but the old model complete in `.dir.replaced-…` (loadModel says so).
 * A folder that holds anything but a model is never deleted or changed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, rmdir, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { SeqcastError } from '../errors.js';
import { cleanLeftovers } from '../io/output-folder.js';
import { formatBytes, readRegularFile, readRegularText } from '../io/read-file.js';
import { checkOptions } from '../options.js';
import type { LoadLimits, ManifestGroup, ModelJson } from './artifacts.js';
import { modelFromJson, parseManifest, SHARD_BYTES, toArtifacts } from './artifacts.js';
import { checkTfjsReadable } from './artifacts-tfjs.js';
import type { Sequential } from './sequential.js';

export interface SaveModelOptions {
  /** Replace the model `dir` already holds. Default false: an existing model is an error. */
  readonly overwrite?: boolean;
  /** JSON values stored with the model (under `userDefinedMetadata.seqcast`); `readMetadata` returns them. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /**
   * `'tfjs'`: the folder must load in TensorFlow.js itself (`tf.loadLayersModel`); what TF.js cannot read
   * (a GRU with resetAfter true, Keras 3's hardSigmoid) is refused, naming the layer and the fix
   * (artifacts-tfjs.ts). Default `'seqcast'`: the same layout, read by seqcast (and Keras through TF.js's
   * converter) whatever it holds.
   */
  readonly format?: 'seqcast' | 'tfjs';
}

/** A model read from a folder, not yet checked against its topology: pass it to `fromArtifacts`. */
export interface FolderArtifacts {
  readonly modelJson: unknown;
  readonly weightData: ArrayBuffer;
  /**
   * `'verified'`: every weight file matched the SHA-256 model.json records. `'absent'`: model.json records
   * none (a TF.js model, or one saved by seqcast before 0.2), so damage to a weight file cannot be detected.
   */
  readonly checksums: 'verified' | 'absent';
}

/** The largest model.json read: a topology and manifest, not weights (TF.js's are kilobytes). */
export const MAX_MODEL_JSON_BYTES = 16 << 20;

/** How much longer than the manifest needs a weights file may be and still be read, to be named with its size. */
const SIZE_SLACK = 1 << 16;

/** What readArtifacts says of a folder whose model.json records no checksums. */
export const NO_CHECKSUMS_NOTE =
  'model.json records no SHA-256 of its weight files (a TF.js model, or one saved by an older seqcast), ' +
  'so damage to them cannot be detected; save it again with seqcast to add them';

type Existing = { kind: 'absent' } | { kind: 'empty' } | { kind: 'model'; files: string[] };

/** Saves `model` into the folder `dir` (created if needed), atomically; see the file comment. */
export async function saveModel(
  model: Sequential,
  dir: string,
  options: SaveModelOptions = {},
): Promise<void> {
  checkOptions('saveModel()', options, ['overwrite', 'metadata', 'format']);
  const format = options.format ?? 'seqcast';
  if (format !== 'seqcast' && format !== 'tfjs') {
    throw new SeqcastError(
      'config',
      `saveModel(): format must be 'seqcast' or 'tfjs' (got ${JSON.stringify(format)})`,
    );
  }
  if (format === 'tfjs') checkTfjsReadable(model, 'saveModel() for TF.js');
  const overwrite = options.overwrite ?? false;
  if (typeof overwrite !== 'boolean') {
    throw new SeqcastError(
      'config',
      `saveModel(): overwrite must be true or false (got ${JSON.stringify(overwrite)})`,
    );
  }
  const { modelJson, weightData } = toArtifacts(model, options.metadata);
  const target = resolve(dir);
  const parent = dirname(target);
  if (existsSync(parent)) cleanLeftovers(target);
  const existing = await inspect(target, overwrite);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = join(parent, `.${basename(target)}.saving-${tag}`);
  const unchanged = existing.kind === 'absent' ? 'nothing was written' : `'${target}' is unchanged`;
  try {
    await mkdir(parent, { recursive: true });
    await mkdir(temp);
    const paths = modelJson.weightsManifest[0].paths;
    const sha256: string[] = [];
    for (let k = 0; k < paths.length; k++) {
      const start = k * SHARD_BYTES;
      const end = Math.min(start + SHARD_BYTES, weightData.byteLength);
      const shard = new Uint8Array(weightData, start, end - start);
      sha256.push(createHash('sha256').update(shard).digest('hex'));
      await writeSynced(join(temp, paths[k]), shard);
    }
    const withChecksums: ModelJson = {
      ...modelJson,
      weightsManifest: [{ ...modelJson.weightsManifest[0], sha256 }],
    };
    await writeSynced(join(temp, 'model.json'), new TextEncoder().encode(JSON.stringify(withChecksums)));
    await syncFolder(temp);
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    throw ioError(`saveModel(): could not write the model for '${target}'`, e, unchanged);
  }
  await moveIntoPlace(temp, target, existing, tag, unchanged);
}

/** Reads and checks a model folder (seqcast's or TF.js's) and builds the model. */
export async function loadModel(dir: string, limits: LoadLimits = {}): Promise<Sequential> {
  const { modelJson, weightData } = await readArtifacts(dir);
  return modelFromJson(modelJson, new Uint8Array(weightData), join(resolve(dir), 'model.json'), limits);
}

/**
 * Reads `model.json` and every weight file it lists, checking that each file is there and holds exactly
 * the bytes the manifest needs. The result goes to `fromArtifacts`, and its `modelJson` to `readMetadata`.
 */
export async function readArtifacts(dir: string): Promise<FolderArtifacts> {
  const target = resolve(dir);
  const file = join(target, 'model.json');
  const text = await readRegularText(file, {
    maxBytes: MAX_MODEL_JSON_BYTES,
    what: 'loadModel()',
    tooLarge: 'a model.json holds the topology and the manifest, not weights: this is not a model.json',
    whenMissing: async () => {
      const interrupted = await interruptedSave(target);
      return new SeqcastError(
        'io',
        interrupted === null
          ? `loadModel(): there is no model.json in '${target}'; give the folder saveModel wrote (or a TF.js Layers model's folder)`
          : `loadModel(): there is no model at '${target}': a save was interrupted while swapping folders; ` +
              `the previous model is complete in '${interrupted}' — rename it to '${basename(target)}'`,
      );
    },
  });
  let modelJson: unknown;
  try {
    modelJson = JSON.parse(text);
  } catch (e) {
    throw new SeqcastError(
      'io',
      `loadModel(): '${file}' is not valid JSON (${(e as Error).message}); the file is damaged — save the model again`,
    );
  }
  if (typeof modelJson !== 'object' || modelJson === null || Array.isArray(modelJson)) {
    throw new SeqcastError(
      'io',
      `loadModel(): '${file}' holds ${JSON.stringify(modelJson).slice(0, 80)}, not a model.json object`,
    );
  }
  const groups = parseManifest((modelJson as Record<string, unknown>).weightsManifest, file);
  let verified = true;
  const read: Uint8Array[] = [];
  for (const group of groups) {
    const files: Uint8Array[] = [];
    let rest = group.byteLength;
    for (const path of group.paths) {
      // Not much more than the manifest's weights need: a file far longer is refused before it is read whole;
      // one a little longer or shorter is named with its size below.
      const bytes = await readRegularFile(join(target, path), {
        maxBytes: Math.max(rest, 0) + SIZE_SLACK,
        what: 'loadModel()',
        code: 'weights',
        tooLarge: `the manifest's weights need ${formatBytes(group.byteLength)} in all; it is too long or belongs to another model — save or copy the model again`,
        whenMissing: () =>
          new SeqcastError(
            'weights',
            `loadModel(): the weights file '${path}' that model.json lists is missing from '${target}'; copy every file model.json lists`,
          ),
      });
      files.push(bytes);
      rest -= bytes.byteLength;
    }
    checkShardSizes(
      group,
      files.map((f) => f.byteLength),
      target,
    );
    files.forEach((bytes, k) => {
      if (group.sha256 === null) {
        verified = false;
      } else {
        const sum = createHash('sha256').update(bytes).digest('hex');
        if (sum !== group.sha256[k]) {
          throw new SeqcastError(
            'weights',
            `loadModel(): the weights file '${group.paths[k]}' in '${target}' does not match the SHA-256 model.json records ` +
              `(${sum.slice(0, 12)}… instead of ${group.sha256[k].slice(0, 12)}…); it was changed or damaged after saving — save or copy the model again`,
          );
        }
      }
      read.push(bytes);
    });
  }
  // Allocated only now, from the bytes read (each group checked against its manifest), never from the
  // manifest's own numbers.
  const weightData = new ArrayBuffer(read.reduce((n, b) => n + b.byteLength, 0));
  const out = new Uint8Array(weightData);
  let offset = 0;
  for (const bytes of read) {
    out.set(bytes, offset);
    offset += bytes.byteLength;
  }
  return { modelJson, weightData, checksums: verified ? 'verified' : 'absent' };
}

/**
 * Names the weight file whose size is wrong. Any split of a group's bytes into its files is accepted when
 * the total is right; otherwise the first file that differs from TF.js's layout (full 4 MiB files, the
 * rest in the last) is named.
 */
function checkShardSizes(group: ManifestGroup, sizes: readonly number[], target: string): void {
  if (sizes.reduce((n, s) => n + s, 0) === group.byteLength) return;
  let rest = group.byteLength;
  for (let k = 0; k < sizes.length; k++) {
    const want = k === sizes.length - 1 ? rest : Math.min(SHARD_BYTES, rest);
    if (sizes[k] !== want) {
      throw new SeqcastError(
        'weights',
        `loadModel(): the weights file '${group.paths[k]}' in '${target}' holds ${sizes[k]} bytes but ${want} were expected ` +
          `(${group.weights.length} float32 weights, ${group.byteLength} bytes in ${sizes.length} file${sizes.length > 1 ? 's' : ''}); ` +
          `it is ${sizes[k] < want ? 'truncated' : 'too long'} — save or copy the model again`,
      );
    }
    rest -= want;
  }
}

/** What `target` holds now, and whether saving there is allowed. */
async function inspect(target: string, overwrite: boolean): Promise<Existing> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(target)).isDirectory();
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return { kind: 'absent' };
    throw ioError(`saveModel(): could not look at '${target}'`, e, 'nothing was written');
  }
  if (!isFolder) {
    throw new SeqcastError('io', `saveModel(): '${target}' is a file, not a folder; give a folder path`);
  }
  const entries = await readdir(target);
  if (entries.length === 0) return { kind: 'empty' };
  const modelFiles = await listModelFiles(target, entries);
  if (modelFiles === null) {
    throw new SeqcastError(
      'io',
      `saveModel(): '${target}' is a folder that holds no seqcast or TF.js model (${preview(entries)}); ` +
        `saveModel never deletes other files — give a new or empty folder`,
    );
  }
  if (!overwrite) {
    throw new SeqcastError(
      'io',
      `saveModel(): '${target}' already holds a model; pass { overwrite: true } to replace it`,
    );
  }
  const others = entries.filter((e) => !modelFiles.includes(e));
  if (others.length > 0) {
    throw new SeqcastError(
      'io',
      `saveModel(): '${target}' holds a model and other files (${preview(others)}); saveModel replaces a folder ` +
        `that holds a model alone — move those files or give another folder`,
    );
  }
  return { kind: 'model', files: entries };
}

/**
 * When `target` is missing and a saveModel was stopped between its two renames, the previous model waits,
 * complete, in a sibling `.name.replaced-…` folder: its path, else null.
 */
async function interruptedSave(target: string): Promise<string | null> {
  try {
    await stat(target);
    return null;
  } catch {
    const prefix = `.${basename(target)}.replaced-`;
    const siblings = await readdir(dirname(target)).catch(() => [] as string[]);
    const aside = siblings.filter((n) => n.startsWith(prefix));
    return aside.length === 1 ? join(dirname(target), aside[0]) : null;
  }
}

/** model.json and the weight files it lists, when model.json is a Layers model; null otherwise. */
async function listModelFiles(target: string, entries: readonly string[]): Promise<string[] | null> {
  if (!entries.includes('model.json')) return null;
  try {
    const text = await readRegularText(join(target, 'model.json'), {
      maxBytes: MAX_MODEL_JSON_BYTES,
      what: 'saveModel()',
    });
    const json = JSON.parse(text) as Record<string, unknown>;
    if (json.modelTopology === undefined || (json.format !== undefined && json.format !== 'layers-model'))
      return null;
    return ['model.json', ...parseManifest(json.weightsManifest, 'model.json').flatMap((g) => g.paths)];
  } catch {
    return null; // unreadable or not a model: treated as someone else's file, never replaced
  }
}

/** The rename(s) that put the finished temporary folder where the model goes. */
async function moveIntoPlace(
  temp: string,
  target: string,
  existing: Existing,
  tag: string,
  unchanged: string,
): Promise<void> {
  const parent = dirname(target);
  if (existing.kind !== 'model') {
    try {
      if (existing.kind === 'empty') await rmdir(target);
      await rename(temp, target);
      await syncFolder(parent);
    } catch (e) {
      await rm(temp, { recursive: true, force: true });
      throw ioError(`saveModel(): could not move the new model into '${target}'`, e, unchanged);
    }
    return;
  }
  const aside = join(parent, `.${basename(target)}.replaced-${tag}`);
  try {
    await rename(target, aside);
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    throw ioError(`saveModel(): could not move the old model in '${target}' aside`, e, unchanged);
  }
  try {
    await rename(temp, target);
  } catch (e) {
    await rename(aside, target);
    await rm(temp, { recursive: true, force: true });
    throw ioError(
      `saveModel(): could not move the new model into '${target}'`,
      e,
      'the old model was put back',
    );
  }
  try {
    await syncFolder(parent);
    // Delete the old model file by file: a file that appeared meanwhile makes rmdir fail rather than vanish.
    for (const f of existing.files) await unlink(join(aside, f));
    await rmdir(aside);
  } catch (e) {
    throw ioError(
      `saveModel(): the new model is in '${target}', but removing the old one failed`,
      e,
      `it is left in '${aside}'`,
    );
  }
}

async function writeSynced(file: string, data: Uint8Array): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync of a folder, so that renames and new entries are on disk; Windows cannot open folders for it. */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(folder, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function preview(names: readonly string[]): string {
  const shown = names.slice(0, 3).map((n) => `'${n}'`);
  return names.length > 3 ? `${shown.join(', ')} and ${names.length - 3} more` : shown.join(', ');
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null ? (e as { code?: string }).code : undefined;
}

function ioError(what: string, e: unknown, after: string): SeqcastError {
  if (e instanceof SeqcastError) return e;
  const reason = e instanceof Error ? e.message : String(e);
  return new SeqcastError('io', `${what}: ${reason}; ${after}`);
}
