/**
 * Writing the small part of HDF5 that a Keras 3 `model.weights.h5` needs, browser-safe and synchronous:
 * groups, contiguous little-endian float32 and int64 datasets (any rank, scalars too), and fixed-length UTF-8
 * string attributes. jsfive only reads; h5wasm (the whole HDF5 C library compiled to WebAssembly, loaded
 * asynchronously, and a dependency of its own) would write it all, for what is about 250 lines here.
 *
 * The layout is HDF5 1.8's ("libver v108", which every HDF5 ≥ 1.8 and so every h5py and Keras reads):
 *
 *   superblock v2   at 0, 48 bytes: signature, sizes of offsets and lengths (8), end-of-file address, the
 *                   root group's object header address, Jenkins lookup3 checksum
 *   object headers  v2 ("OHDR"), one chunk, checksummed; a group holds a Link Info message (no dense
 *                   storage), a Group Info message and one Link message per child (compact storage: no
 *                   B-trees, no heaps); a dataset a Dataspace (v2), Datatype, Fill Value (v3) and contiguous
 *                   Data Layout (v3) message, its values just before its header
 *   attributes      Attribute message v3: scalar dataspace, fixed-length NUL-padded UTF-8 string
 *
 * Objects are written children first, so each Link message holds its child's final address; nothing is
 * patched afterwards but the superblock.
 */
import { SeqcastError } from '../../errors.js';
import { HDF5_SIGNATURE } from './hdf5.js';

/** A dataset to write: float32 values, or int64 ones (Keras's `iterations`), row-major, with its shape. */
export interface H5DatasetSpec {
  readonly dtype: 'float32' | 'int64';
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** A group: its children by name (kept in insertion order) and string attributes. */
export class H5GroupSpec {
  readonly children = new Map<string, H5GroupSpec | H5DatasetSpec>();
  readonly attrs = new Map<string, string>();

  /** The subgroup `path` ('a/b/c'), created with any missing group on the way. */
  group(path: string): H5GroupSpec {
    const [name, ...rest] = segments(path);
    if (name === undefined) return this;
    let child = this.children.get(name);
    if (child === undefined) {
      child = new H5GroupSpec();
      this.children.set(name, child);
    }
    if (!(child instanceof H5GroupSpec)) {
      throw new SeqcastError('config', `HDF5 writer: '${path}' crosses the dataset '${name}'`);
    }
    return rest.length === 0 ? child : child.group(rest.join('/'));
  }

  /** Adds the dataset `name` (the values are checked against the shape). */
  dataset(name: string, spec: H5DatasetSpec): void {
    const n = spec.shape.reduce((p, d) => p * d, 1);
    if (n !== spec.data.length || this.children.has(name)) {
      throw new SeqcastError(
        'config',
        `HDF5 writer: dataset '${name}' holds ${spec.data.length} values for shape [${spec.shape.join(', ')}] or exists`,
      );
    }
    this.children.set(name, spec);
  }
}

const UNDEFINED = 0xffffffffffffffffn;

/** The bytes of an HDF5 file holding `root`. */
export function writeHdf5(root: H5GroupSpec): Uint8Array {
  const out = new ByteWriter();
  out.bytes(new Uint8Array(48)); // the superblock, written last
  const rootAddress = writeGroup(out, root);
  const file = out.finish();
  const view = new DataView(file.buffer);
  file.set(HDF5_SIGNATURE, 0);
  file[8] = 2; // superblock version
  file[9] = 8; // size of offsets
  file[10] = 8; // size of lengths
  file[11] = 0; // file consistency flags
  view.setBigUint64(12, 0n, true); // base address
  view.setBigUint64(20, UNDEFINED, true); // superblock extension: none
  view.setBigUint64(28, BigInt(file.length), true); // end of file
  view.setBigUint64(36, BigInt(rootAddress), true);
  view.setUint32(44, lookup3(file.subarray(0, 44)), true);
  return file;
}

function writeGroup(out: ByteWriter, group: H5GroupSpec): number {
  const links: [string, number][] = [];
  for (const [name, child] of group.children) {
    links.push([name, child instanceof H5GroupSpec ? writeGroup(out, child) : writeDataset(out, child)]);
  }
  const messages: Message[] = [];
  // Link Info: version 0, no creation order; fractal heap and name index absent (compact storage)
  const linkInfo = new ByteWriter();
  linkInfo.u8(0).u8(0).u64(UNDEFINED).u64(UNDEFINED);
  messages.push({ type: 0x02, body: linkInfo.finish() });
  // Group Info: version 0, link phase change values stored, so that more than 8 compact links are as stated
  const groupInfo = new ByteWriter();
  groupInfo.u8(0).u8(1).u16(Math.max(8, links.length)).u16(6);
  messages.push({ type: 0x0a, body: groupInfo.finish() });
  for (const [name, address] of links) {
    const bytes = utf8(name);
    if (bytes.length === 0 || bytes.length > 255)
      throw new SeqcastError('config', `HDF5 writer: link name '${name}' must be 1–255 bytes`);
    const link = new ByteWriter();
    link.u8(1).u8(0x10).u8(1).u8(bytes.length).bytes(bytes).u64(BigInt(address)); // UTF-8 names, hard links
    messages.push({ type: 0x06, body: link.finish() });
  }
  for (const [name, value] of group.attrs) messages.push(attribute(name, value));
  return writeHeader(out, messages);
}

function writeDataset(out: ByteWriter, spec: H5DatasetSpec): number {
  const n = spec.data.length;
  const size = spec.dtype === 'float32' ? 4 : 8;
  out.align(8);
  const dataAddress = out.length;
  const data = new ByteWriter();
  for (let i = 0; i < n; i++) {
    if (spec.dtype === 'float32') data.f32(spec.data[i]);
    else data.u64(BigInt.asUintN(64, BigInt(spec.data[i])));
  }
  out.bytes(data.finish());
  const layout = new ByteWriter();
  layout
    .u8(3)
    .u8(1)
    .u64(n === 0 ? UNDEFINED : BigInt(dataAddress))
    .u64(BigInt(n * size));
  const fill = new ByteWriter();
  fill.u8(3).u8(0x0a); // allocation late, fill value written if set, none set (h5py's defaults)
  return writeHeader(out, [
    { type: 0x01, body: dataspace(spec.shape) },
    { type: 0x03, body: spec.dtype === 'float32' ? float32Type() : int64Type() },
    { type: 0x05, body: fill.finish() },
    { type: 0x08, body: layout.finish() },
  ]);
}

function dataspace(shape: readonly number[]): Uint8Array {
  const w = new ByteWriter();
  w.u8(2)
    .u8(shape.length)
    .u8(0)
    .u8(shape.length === 0 ? 0 : 1); // scalar or simple
  for (const d of shape) w.u64(BigInt(d));
  return w.finish();
}

/** IEEE little-endian float32: class 1, version 1; sign at bit 31, exponent 23..30 (bias 127), mantissa 0..22. */
function float32Type(): Uint8Array {
  const w = new ByteWriter();
  w.u8(0x11).u8(0x20).u8(31).u8(0).u32(4);
  w.u16(0).u16(32).u8(23).u8(8).u8(0).u8(23).u32(127);
  return w.finish();
}

/** Signed little-endian int64: class 0, version 1. */
function int64Type(): Uint8Array {
  const w = new ByteWriter();
  w.u8(0x10).u8(0x08).u8(0).u8(0).u32(8);
  w.u16(0).u16(64);
  return w.finish();
}

function attribute(name: string, value: string): Message {
  const nameBytes = utf8(`${name}\u0000`);
  const text = utf8(value);
  const type = new ByteWriter();
  type.u8(0x13).u8(0x11).u8(0).u8(0).u32(Math.max(1, text.length)); // string, NUL-padded, UTF-8
  const typeBytes = type.finish();
  const space = dataspace([]);
  const w = new ByteWriter();
  w.u8(3).u8(0).u16(nameBytes.length).u16(typeBytes.length).u16(space.length).u8(1);
  w.bytes(nameBytes).bytes(typeBytes).bytes(space);
  w.bytes(text.length === 0 ? new Uint8Array(1) : text);
  return { type: 0x0c, body: w.finish() };
}

interface Message {
  readonly type: number;
  readonly body: Uint8Array;
}

/** A version 2 object header of one chunk: prefix, messages, checksum. Returns its address. */
function writeHeader(out: ByteWriter, messages: readonly Message[]): number {
  const chunk = new ByteWriter();
  for (const m of messages) {
    if (m.body.length > 0xffff) throw new SeqcastError('config', 'HDF5 writer: a header message over 64 KiB');
    chunk.u8(m.type).u16(m.body.length).u8(0).bytes(m.body);
  }
  const body = chunk.finish();
  const header = new ByteWriter();
  header.bytes(utf8('OHDR')).u8(2).u8(0x02).u32(body.length).bytes(body);
  const bytes = header.finish();
  const address = out.length;
  out.bytes(bytes);
  out.u32(lookup3(bytes));
  return address;
}

/** Bob Jenkins' lookup3 `hashlittle` with initial value 0: HDF5's metadata checksum. */
export function lookup3(key: Uint8Array): number {
  let length = key.length;
  let a = (0xdeadbeef + length) >>> 0;
  let b = a;
  let c = a;
  const rot = (x: number, k: number): number => ((x << k) | (x >>> (32 - k))) >>> 0;
  let k = 0;
  const word = (i: number): number =>
    (key[i] | (key[i + 1] << 8) | (key[i + 2] << 16) | (key[i + 3] << 24)) >>> 0;
  while (length > 12) {
    a = (a + word(k)) >>> 0;
    b = (b + word(k + 4)) >>> 0;
    c = (c + word(k + 8)) >>> 0;
    // mix
    a = (a - c) >>> 0;
    a = (a ^ rot(c, 4)) >>> 0;
    c = (c + b) >>> 0;
    b = (b - a) >>> 0;
    b = (b ^ rot(a, 6)) >>> 0;
    a = (a + c) >>> 0;
    c = (c - b) >>> 0;
    c = (c ^ rot(b, 8)) >>> 0;
    b = (b + a) >>> 0;
    a = (a - c) >>> 0;
    a = (a ^ rot(c, 16)) >>> 0;
    c = (c + b) >>> 0;
    b = (b - a) >>> 0;
    b = (b ^ rot(a, 19)) >>> 0;
    a = (a + c) >>> 0;
    c = (c - b) >>> 0;
    c = (c ^ rot(b, 4)) >>> 0;
    b = (b + a) >>> 0;
    length -= 12;
    k += 12;
  }
  if (length === 0) return c;
  const tail = new Uint8Array(12);
  tail.set(key.subarray(k, k + length));
  const t = (i: number): number =>
    (tail[i] | (tail[i + 1] << 8) | (tail[i + 2] << 16) | (tail[i + 3] << 24)) >>> 0;
  a = (a + t(0)) >>> 0;
  b = (b + t(4)) >>> 0;
  c = (c + t(8)) >>> 0;
  // final
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 14)) >>> 0;
  a = (a ^ c) >>> 0;
  a = (a - rot(c, 11)) >>> 0;
  b = (b ^ a) >>> 0;
  b = (b - rot(a, 25)) >>> 0;
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 16)) >>> 0;
  a = (a ^ c) >>> 0;
  a = (a - rot(c, 4)) >>> 0;
  b = (b ^ a) >>> 0;
  b = (b - rot(a, 14)) >>> 0;
  c = (c ^ b) >>> 0;
  c = (c - rot(b, 24)) >>> 0;
  return c;
}

/** A growable little-endian byte buffer. */
class ByteWriter {
  private buf = new Uint8Array(256);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private room(n: number): number {
    const at = this.length;
    if (at + n > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, at + n));
      next.set(this.buf.subarray(0, at));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    this.length += n;
    return at;
  }

  u8(v: number): this {
    const at = this.room(1);
    this.buf[at] = v;
    return this;
  }
  u16(v: number): this {
    const at = this.room(2);
    this.view.setUint16(at, v, true);
    return this;
  }
  u32(v: number): this {
    const at = this.room(4);
    this.view.setUint32(at, v >>> 0, true);
    return this;
  }
  u64(v: bigint): this {
    const at = this.room(8);
    this.view.setBigUint64(at, v, true);
    return this;
  }
  f32(v: number): this {
    const at = this.room(4);
    this.view.setFloat32(at, v, true);
    return this;
  }
  bytes(b: Uint8Array): this {
    const at = this.room(b.length);
    this.buf.set(b, at);
    return this;
  }
  align(n: number): void {
    const pad = (n - (this.length % n)) % n;
    this.room(pad);
  }
  finish(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function segments(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}
