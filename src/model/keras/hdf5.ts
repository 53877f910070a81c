/**
 * Reading the HDF5 files Keras writes (the legacy `.h5` and Keras 3's `model.weights.h5`), browser-safe,
 * through jsfive (a pure-JavaScript reader: no WebAssembly to load, synchronous, 190 KB). A file is data:
 *
 * - names are looked up only among a group's own links (a group named `constructor` is a name, not a key of
 *   an object's prototype), one path segment at a time, so a missing group is named exactly;
 * - a dataset's size comes from its shape, which is checked against the caller's budget before its values
 *   are read; compressed datasets are refused (Keras never compresses weights, and a compressed chunk can
 *   inflate without bound);
 * - whatever jsfive throws on a damaged or truncated file (it throws strings, RangeErrors, …) becomes one
 *   SeqcastError naming the file and the object.
 *
 * Fixed-length string attributes come NUL-padded from older Keras (`"gru_1\u0000\u0000"`); `attrText` and
 * `attrTextList` strip the padding.
 */
import { File, Group, Dataset } from 'jsfive';
import { SeqcastError, quoted } from '../../errors.js';
import { formatShape } from '../../tensor.js';

/** The 8-byte signature an HDF5 file starts with (at offset 0 when it has no user block, as Keras's do). */
export const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a] as const;

export function isHdf5(bytes: Uint8Array): boolean {
  return HDF5_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** An open HDF5 file: `src` names it in every message. */
export class H5File {
  readonly root: H5Group;

  private constructor(
    readonly src: string,
    file: File,
  ) {
    this.root = new H5Group(this, file, '/');
  }

  static open(bytes: Uint8Array, src: string): H5File {
    checkEndOfFile(bytes, src);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    return guarded(src, 'its superblock', () => new H5File(src, new File(buffer, src)));
  }
}

export class H5Group {
  constructor(
    readonly file: H5File,
    private readonly node: Group,
    /** The path from the root, `/model_weights/lstm`. */
    readonly path: string,
  ) {}

  /** The names of the group's links (children). */
  keys(): string[] {
    return guarded(this.file.src, `group '${this.path}'`, () => this.node.keys);
  }

  has(name: string): boolean {
    return this.keys().includes(name);
  }

  /** The child at `path` (segments separated by '/'), or null when a segment is missing. */
  child(path: string): H5Group | H5Dataset | null {
    let node: H5Group | H5Dataset = this.self();
    for (const segment of path.split('/').filter((s) => s !== '')) {
      if (!(node instanceof H5Group) || !node.has(segment)) return null;
      const at = joinPath(node.path, segment);
      const group: Group = node.node;
      const next: Group | Dataset | null = guarded(this.file.src, `'${at}'`, () => group.get(segment));
      if (next instanceof Group) node = new H5Group(this.file, next, at);
      else if (next instanceof Dataset) node = new H5Dataset(this.file, next, at);
      else return null;
    }
    return node;
  }

  private self(): H5Group {
    return this;
  }

  /** The subgroup at `path`, or null. */
  group(path: string): H5Group | null {
    const c = this.child(path);
    return c instanceof H5Group ? c : null;
  }

  /** An attribute's value as jsfive decodes it, or undefined. */
  attr(name: string): unknown {
    const attrs = guarded(this.file.src, `the attributes of '${this.path}'`, () => this.node.attrs);
    return Object.hasOwn(attrs, name) ? attrs[name] : undefined;
  }

  /** A string attribute (NUL padding removed), or undefined when absent or not a string. */
  attrText(name: string): string | undefined {
    const v = this.attr(name);
    const text = Array.isArray(v) && v.length === 1 ? v[0] : v;
    return typeof text === 'string' ? stripNul(text) : undefined;
  }

  /** A list-of-strings attribute (`layer_names`, `weight_names`), NUL padding removed; undefined when absent. */
  attrTextList(name: string): string[] | undefined {
    const v = this.attr(name);
    if (v === undefined) return undefined;
    const list = typeof v === 'string' ? [v] : Array.isArray(v) ? v : null;
    if (list === null || !list.every((s) => typeof s === 'string')) {
      throw new SeqcastError(
        'weights',
        `${this.file.src}: attribute '${name}' of '${this.path}' should be a list of names; the file is damaged`,
      );
    }
    return list.map((s) => stripNul(s as string)).filter((s) => s !== '');
  }
}

export class H5Dataset {
  constructor(
    readonly file: H5File,
    private readonly dataset: Dataset,
    readonly path: string,
  ) {}

  /** The dataset's shape ([] for a scalar), checked: integers ≥ 0 whose product is a safe integer. */
  get shape(): number[] {
    const shape = guarded(this.file.src, `dataset '${this.path}'`, () => this.dataset.shape);
    const ok =
      Array.isArray(shape) &&
      shape.every((d) => Number.isSafeInteger(d) && d >= 0) &&
      Number.isSafeInteger(shape.reduce((p, d) => p * d, 1));
    if (!ok) {
      throw new SeqcastError(
        'weights',
        `${this.file.src}: dataset '${this.path}' has shape ${JSON.stringify(shape)}; the file is damaged`,
      );
    }
    return [...shape];
  }

  get dtype(): string {
    const d = guarded(this.file.src, `dataset '${this.path}'`, () => this.dataset.dtype);
    return typeof d === 'string' ? d : JSON.stringify(d);
  }

  /** A scalar integer dataset's value (Keras's `iterations`, int64), checked to be a safe integer ≥ 0. */
  readInteger(what: string): number {
    const src = this.file.src;
    const shape = this.shape;
    const dtype = this.dtype;
    if (shape.reduce((p, d) => p * d, 1) !== 1 || !/^[<>|=]?[iu][48]$/.test(dtype)) {
      throw new SeqcastError(
        'weights',
        `${src}: ${what} ('${this.path}') should be one integer but holds ${quoted(dtype)} values of shape ${formatShape(shape)}; the file is damaged`,
      );
    }
    const values = guarded(src, `the values of '${this.path}'`, () => this.dataset.value) as ArrayLike<
      number | bigint
    > | null;
    const v = values === null || values === undefined ? undefined : values[0];
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw new SeqcastError(
        'weights',
        `${src}: ${what} ('${this.path}') is ${String(v)}, not a count of updates; the file is damaged`,
      );
    }
    return n;
  }

  /**
   * The values as float32 (float64 datasets are rounded), after checking the dtype, that the dataset is not
   * compressed, and that it holds at most `maxValues` values (before anything is read).
   */
  readFloat32(maxValues: number, what: string): Float32Array {
    const shape = this.shape;
    const n = shape.reduce((p, d) => p * d, 1);
    const src = this.file.src;
    if (n > maxValues) {
      throw new SeqcastError(
        'weights',
        `${src}: ${what} ('${this.path}') has shape ${formatShape(shape)}, ${n.toLocaleString('en-US')} values, ` +
          `more than the ${maxValues.toLocaleString('en-US')} left under the parameter limit; raise { maxParams } if the model is really that large`,
      );
    }
    const dtype = this.dtype;
    if (!/^[<>|=]?f[48]$/.test(dtype)) {
      throw new SeqcastError(
        'weights',
        `${src}: ${what} ('${this.path}') holds ${quoted(dtype)} values; seqcast reads float32 (and float64) weights only`,
      );
    }
    const internals = this.dataset as unknown as { _dataobjects?: { filter_pipeline?: unknown } };
    const filters = guarded(src, `dataset '${this.path}'`, () => internals._dataobjects?.filter_pipeline);
    if (filters !== null && filters !== undefined) {
      throw new SeqcastError(
        'weights',
        `${src}: ${what} ('${this.path}') is stored compressed; Keras writes weights uncompressed and seqcast reads only those — save the model again with Keras`,
      );
    }
    const values = guarded(src, `the values of '${this.path}'`, () => this.dataset.value);
    if (values === null || typeof values !== 'object' || values.length !== n) {
      throw new SeqcastError(
        'weights',
        `${src}: ${what} ('${this.path}') should hold ${n} values but ${values?.length ?? 0} could be read; the file is truncated or damaged`,
      );
    }
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = values[i];
    return out;
  }
}

/**
 * The superblock records the file's end address: fewer bytes than that is a truncated file, said at once
 * (the part cut off may hold weights read last, or only the optimizer's, which are not read at all).
 */
function checkEndOfFile(bytes: Uint8Array, src: string): void {
  if (bytes.length < 48) {
    throw new SeqcastError('io', `${src}: the HDF5 file is only ${bytes.length} bytes long; it is truncated`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes[8];
  const sizeOfOffsets = version <= 1 ? bytes[13] : bytes[9];
  if (sizeOfOffsets !== 8) return; // h5py always writes 8-byte offsets; other layouts are left to jsfive
  const at = version === 0 ? 40 : version === 1 ? 44 : 28;
  const end = Number(view.getBigUint64(at, true));
  if (end > bytes.length) {
    throw new SeqcastError(
      'io',
      `${src}: the HDF5 file is ${bytes.length.toLocaleString('en-US')} bytes long but its superblock says ${end.toLocaleString('en-US')}; ` +
        `it is truncated — copy or save it again`,
    );
  }
}

function joinPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

function stripNul(s: string): string {
  const end = s.indexOf('\u0000');
  return end < 0 ? s : s.slice(0, end);
}

/** Runs a jsfive call; anything it throws becomes one SeqcastError naming the file and `what`. */
function guarded<T>(src: string, what: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof SeqcastError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    throw new SeqcastError(
      'weights',
      `${src}: cannot read ${what} of the HDF5 data (${reason.slice(0, 120)}); the file is truncated or damaged`,
    );
  }
}
