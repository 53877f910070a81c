/**
 * The weights manifest of a `model.json` (TF.js's format, seqcast's additions): its entries checked
 * (`parseManifest`: plain file names, shapes, float32, SHA-256 list) and matched to a topology's weights by
 * name and shape before anything is allocated (`matchManifest`). Browser-safe; artifacts.ts reads and writes
 * the rest of model.json.
 */
import { SeqcastError } from '../errors.js';
import { sizeOf } from '../tensor.js';
import { checkKeys, object } from './keras-config.js';
import type { parseTopology } from './topology.js';
import { fileWeightName } from './topology.js';

export interface WeightsManifestEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32';
}

export interface WeightsManifestGroup {
  readonly paths: readonly string[];
  readonly weights: readonly WeightsManifestEntry[];
  /** seqcast's addition: the SHA-256 (hex) of each file in `paths`, checked when a folder is loaded. */
  readonly sha256?: readonly string[];
}

/** A manifest group, checked, with the number of bytes its files hold together. */
export interface ManifestGroup {
  readonly paths: readonly string[];
  readonly weights: readonly WeightsManifestEntry[];
  readonly byteLength: number;
  /** The SHA-256 of each file, when the manifest records them (seqcast ≥ 0.2 does; TF.js does not). */
  readonly sha256: readonly string[] | null;
}

/**
 * Matches the manifest's entries to the topology's weights (full names such as `lstm/kernel`): every entry
 * names a weight of the topology once, with its shape, and every weight has an entry. Returns, per weight,
 * the index of its manifest entry. Names only: nothing is allocated.
 */
export function matchManifest(
  weights: readonly { readonly name: string; readonly shape: readonly number[] }[],
  groups: readonly ManifestGroup[],
  directions: ReturnType<typeof parseTopology>['directions'],
): { name: string; shape: readonly number[]; entry: number }[] {
  const byFileName = new Map<string, { name: string; shape: readonly number[]; layer: string }>();
  for (const w of weights) {
    byFileName.set(fileWeightName(w.name, directions), {
      name: w.name,
      shape: w.shape,
      layer: w.name.split('/')[0],
    });
  }
  const plan: { name: string; shape: readonly number[]; entry: number }[] = [];
  const seen = new Set<string>();
  groups
    .flatMap((g) => g.weights)
    .forEach((w, entry) => {
      // Keras ≥ 2.2 writes layer/cell/weight; like TF.js, drop the cell's segment when the full name is unknown.
      const parts = w.name.split('/');
      const short = [...parts.slice(0, -2), parts[parts.length - 1]].join('/');
      const key = byFileName.has(w.name) ? w.name : short;
      const target = byFileName.get(key);
      if (target === undefined) {
        throw new SeqcastError(
          'weights',
          `the weights manifest lists '${w.name}', which no layer of the topology has; its weights are ` +
            `${[...byFileName.keys()].map((n) => `'${n}'`).join(', ')}`,
        );
      }
      if (seen.has(key)) throw new SeqcastError('weights', `the weights manifest lists '${key}' twice`);
      seen.add(key);
      if (!sameShape(w.shape, target.shape)) {
        throw new SeqcastError(
          'weights',
          `weight '${w.name}' has shape [${w.shape.join(', ')}] in the manifest, but layer '${target.layer}' ` +
            `as the topology builds it needs [${target.shape.join(', ')}]; the topology and the weights do not belong together`,
        );
      }
      plan.push({ name: target.name, shape: target.shape, entry });
    });
  const missing = [...byFileName.keys()].filter((k) => !seen.has(k));
  if (missing.length > 0) {
    throw new SeqcastError(
      'weights',
      `the weights manifest has no ${missing.map((m) => `'${m}'`).join(', ')}, which the topology needs; ` +
        `the weights are incomplete or belong to another model`,
    );
  }
  return plan;
}

/** Checks `weightsManifest` and returns its groups with their byte counts. Shard paths must be plain file names. */
export function parseManifest(manifest: unknown, src: string): ManifestGroup[] {
  if (!Array.isArray(manifest) || manifest.length === 0) {
    throw new SeqcastError(
      'weights',
      `${src}: weightsManifest must be a non-empty array of { paths, weights }`,
    );
  }
  return manifest.map((raw: unknown, g: number) => {
    const at = `${src}: weightsManifest[${g}]`;
    const group = object(raw, at, 'weights');
    checkKeys(group, ['paths', 'weights', 'sha256'], at, 'weights');
    const { paths, weights, sha256 } = group;
    const plain = (p: unknown): boolean =>
      typeof p === 'string' && p !== '' && p !== '.' && p !== '..' && !/[/\\]/.test(p);
    if (!Array.isArray(paths) || paths.length === 0 || !paths.every(plain)) {
      throw new SeqcastError(
        'weights',
        `${at}.paths must list weight file names without folders (got ${JSON.stringify(paths)})`,
      );
    }
    if (!Array.isArray(weights)) throw new SeqcastError('weights', `${at}.weights must be an array`);
    const entries = weights.map((w: unknown, k: number) => weightEntry(w, `${at}.weights[${k}]`));
    const byteLength = entries.reduce((n, w) => n + sizeOf(w.shape) * 4, 0);
    if (!Number.isSafeInteger(byteLength)) {
      throw new SeqcastError(
        'weights',
        `${at}: its weights' shapes add up to ${byteLength} bytes, more than any file holds; the manifest is damaged — save the model again`,
      );
    }
    if (
      sha256 !== undefined &&
      (!Array.isArray(sha256) ||
        sha256.length !== paths.length ||
        !sha256.every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h)))
    ) {
      throw new SeqcastError(
        'weights',
        `${at}.sha256 must list one SHA-256 (64 lowercase hex digits) per file in paths; the manifest is damaged — save the model again`,
      );
    }
    return {
      paths: paths as string[],
      weights: entries,
      byteLength,
      sha256: sha256 === undefined ? null : (sha256 as string[]),
    };
  });
}

function weightEntry(raw: unknown, at: string): WeightsManifestEntry {
  const w = object(raw, at, 'weights');
  checkKeys(w, ['name', 'shape', 'dtype', 'quantization', 'group'], at, 'weights');
  if (typeof w.name !== 'string' || w.name === '') throw new SeqcastError('weights', `${at} has no name`);
  const where = `weight '${w.name}'`;
  if (!Array.isArray(w.shape) || !w.shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) {
    throw new SeqcastError(
      'weights',
      `${at}: ${where} has shape ${JSON.stringify(w.shape)}; expected integers ≥ 0`,
    );
  }
  if (w.quantization !== undefined && w.quantization !== null) {
    throw new SeqcastError(
      'weights',
      `${at}: ${where} is quantized (${JSON.stringify(w.quantization)}); seqcast reads float32 weights only — ` +
        `convert the model without quantization`,
    );
  }
  if (w.dtype !== 'float32') {
    throw new SeqcastError(
      'weights',
      `${at}: ${where} has dtype ${JSON.stringify(w.dtype)}; seqcast reads float32 weights only`,
    );
  }
  return { name: w.name, shape: w.shape as number[], dtype: 'float32' };
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
