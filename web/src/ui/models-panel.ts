/**
 * 6 · Models: download the model in the TensorFlow.js Layers format (model.json and weights.bin, which
 * `seqcast forecast <dir>` and `tf.loadLayersModel` read) and the report; load a saved model from files.
 */
import type { ResultPayload } from '../protocol';
import { byId, downloadLink, h, showError } from './dom';

/** TF.js writes weight files of at most 4 MiB; one that fits is named weights.bin. */
const SHARD_BYTES = 4 * 1024 * 1024;

export interface LoadRequest {
  readonly modelJson: unknown;
  readonly weightData: ArrayBuffer;
  readonly fileName: string;
}

export class ModelsPanel {
  private readonly downloads = byId('downloads');
  private readonly files = byId<HTMLInputElement>('model-files');
  private readonly error = byId('models-error');
  private readonly status = byId('models-status');
  private revokers: (() => void)[] = [];
  private readonly onLoad: (request: LoadRequest) => void;

  constructor(onLoad: (request: LoadRequest) => void) {
    this.onLoad = onLoad;
    this.files.addEventListener('change', () => {
      const list = [...(this.files.files ?? [])];
      this.files.value = '';
      if (list.length > 0) void this.read(list);
    });
  }

  /** Offers the model of a result, and its report when there is one, as downloads. */
  offer(r: ResultPayload): void {
    for (const revoke of this.revokers) revoke();
    this.revokers = [];
    const files = modelFiles(r.modelJson, r.weightData);
    const links = files.map((f) => downloadLink(f.name, f.data, f.type));
    if (r.reportMarkdown !== '') {
      links.push(downloadLink('report.md', r.reportMarkdown, 'text/markdown'));
      links.push(downloadLink('report.json', r.reportJson, 'application/json'));
    }
    this.revokers = links.map((l) => l.revoke);
    this.downloads.replaceChildren(h('span', {}, 'Download:'), ...links.map((l) => l.link));
  }

  busy(on: boolean): void {
    this.files.disabled = on;
  }

  loaded(message: string): void {
    showError(this.error, null);
    this.status.textContent = message;
  }

  fail(message: string): void {
    this.status.textContent = '';
    showError(this.error, message);
  }

  private async read(list: readonly File[]): Promise<void> {
    showError(this.error, null);
    this.status.textContent = '';
    try {
      this.onLoad(await artifactsFromFiles(list));
      this.status.textContent = 'loading the model…';
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e));
    }
  }
}

/**
 * model.json with its weight files named as they will be saved: one weights.bin when the weights fit in one
 * shard (the manifest is rewritten to say so), else TF.js's group1-shardKofN.bin files.
 */
function modelFiles(
  modelJson: unknown,
  weightData: ArrayBuffer,
): { name: string; data: BlobPart; type: string }[] {
  const json = modelJson as { weightsManifest: { paths: string[] }[] };
  const single = weightData.byteLength <= SHARD_BYTES && json.weightsManifest.length === 1;
  const manifest = single ? [{ ...json.weightsManifest[0], paths: ['weights.bin'] }] : json.weightsManifest;
  const out: { name: string; data: BlobPart; type: string }[] = [
    {
      name: 'model.json',
      data: `${JSON.stringify({ ...json, weightsManifest: manifest }, null, 2)}\n`,
      type: 'application/json',
    },
  ];
  const paths = manifest.flatMap((g) => g.paths);
  paths.forEach((name, k) => {
    const start = k * SHARD_BYTES;
    const end = single ? weightData.byteLength : Math.min(start + SHARD_BYTES, weightData.byteLength);
    out.push({ name, data: weightData.slice(start, end), type: 'application/octet-stream' });
  });
  return out;
}

/** model.json and its weight files, chosen together in a file input, as seqcast's in-memory artifacts. */
async function artifactsFromFiles(list: readonly File[]): Promise<LoadRequest> {
  const jsons = list.filter((f) => f.name.toLowerCase().endsWith('.json'));
  const bins = list.filter((f) => !f.name.toLowerCase().endsWith('.json'));
  if (jsons.length !== 1) {
    throw new Error(
      `choose one model.json and its weight file(s) together (got ${jsons.length === 0 ? 'no' : jsons.length} .json files)`,
    );
  }
  let modelJson: unknown;
  try {
    modelJson = JSON.parse(await jsons[0].text());
  } catch (e) {
    throw new Error(`${jsons[0].name} is not valid JSON: ${(e as Error).message}`);
  }
  const manifest = (modelJson as { weightsManifest?: unknown }).weightsManifest;
  const paths = Array.isArray(manifest)
    ? manifest.flatMap((g: { paths?: unknown }) => (Array.isArray(g?.paths) ? (g.paths as unknown[]) : []))
    : [];
  if (paths.length === 0) throw new Error(`${jsons[0].name} has no weightsManifest with weight file names`);
  const byName = new Map(bins.map((f) => [f.name, f]));
  let chosen: File[];
  if (paths.every((p) => typeof p === 'string' && byName.has(p)))
    chosen = paths.map((p) => byName.get(p as string)!);
  else if (paths.length === 1 && bins.length === 1) chosen = bins;
  else {
    throw new Error(
      `${jsons[0].name} needs the weight file(s) ${paths.map((p) => `'${String(p)}'`).join(', ')}; ` +
        `choose ${paths.length === 1 ? 'it' : 'them'} together with it (got ${bins.length === 0 ? 'none' : bins.map((f) => `'${f.name}'`).join(', ')})`,
    );
  }
  const parts = await Promise.all(chosen.map((f) => f.arrayBuffer()));
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    weightData.set(new Uint8Array(p), offset);
    offset += p.byteLength;
  }
  return { modelJson, weightData: weightData.buffer, fileName: jsons[0].name };
}
