/**
 * The safetensors format (what PyTorch users share weights in), read and written by hand; browser-safe.
 *
 *   bytes 0 … 7        N, the header's length: a little-endian unsigned 64-bit integer
 *   bytes 8 … 8+N      the header: a JSON object { name: { dtype, shape, data_offsets: [begin, end] }, …,
 *                      "__metadata__": { string: string } } (optional), padded with spaces
 *   bytes 8+N …        the data: every tensor's bytes, little-endian, row-major, at [begin, end) of this part
 *
 * Read: F32 and F64 as they are (Float32Array, Float64Array), F16 and BF16 widened to Float32Array (exactly:
 * every half and bfloat16 value is a float32 value); any other dtype (I64, BOOL, F8_…) is refused, naming the
 * tensor. Everything the header says is checked against the file before anything is allocated: the header's
 * length, its JSON, each entry's dtype, shape and offsets (inside the data, of the size shape × dtype says,
 * not overlapping, and, as the format requires, covering the data without a hole). So no allocation is larger
 * than the file implies (at most twice its size, for F16 and BF16).
 */
import { SeqcastError } from '../../errors.js';
import { formatShape } from '../../tensor.js';

/** The dtypes seqcast reads; `F16` and `BF16` come out as Float32Array. */
export type SafetensorsDType = 'F32' | 'F64' | 'F16' | 'BF16';

/** A tensor read from a safetensors file: its dtype there, its shape and its values. */
export interface SafeTensor {
  readonly dtype: SafetensorsDType;
  readonly shape: readonly number[];
  readonly data: Float32Array | Float64Array;
}

/**
 * A tensor to write: F32 for a Float32Array, F64 for a Float64Array, unless `dtype` says which (F16 and BF16
 * round each value to float32 first, then to nearest even, as torch's `.half()` / `.bfloat16()` of a float32
 * tensor does).
 */
export interface SafeTensorInput {
  readonly dtype?: SafetensorsDType;
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

export interface ReadSafetensorsOptions {
  /** Names the file in messages (a path). Default 'safetensors file'. */
  readonly source?: string;
}

/** The largest header read, in bytes (the safetensors library's own limit). */
export const MAX_HEADER_BYTES = 100_000_000;

const ITEM_BYTES: Readonly<Record<SafetensorsDType, number>> = { F32: 4, F64: 8, F16: 2, BF16: 2 };
/** Dtypes the format has that seqcast does not read (named in the message, so it is not "unknown"). */
const OTHER_DTYPES = [
  'BOOL',
  'U8',
  'I8',
  'I16',
  'U16',
  'I32',
  'U32',
  'I64',
  'U64',
  'F8_E5M2',
  'F8_E4M3',
  'F8_E8M0',
  'F4',
  'F6_E2M3',
  'F6_E3M2',
  'C64',
];

/** The tensors of the safetensors file `bytes`, in the header's order; see the module comment. */
export function readSafetensors(
  bytes: Uint8Array,
  options: ReadSafetensorsOptions = {},
): Map<string, SafeTensor> {
  const src = options.source ?? 'safetensors file';
  if (!(bytes instanceof Uint8Array)) {
    throw new SeqcastError('config', `readSafetensors(): give the file's bytes as a Uint8Array`);
  }
  const fail = (message: string): never => {
    throw new SeqcastError('weights', `${src}: ${message}`);
  };
  if (bytes.length < 8) {
    fail(
      `the file has ${bytes.length} bytes, fewer than the 8 of a safetensors header length; the file is truncated or not a safetensors file`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const n = high * 2 ** 32 + low;
  if (n > MAX_HEADER_BYTES) {
    fail(
      `the header length (bytes 0–7) says ${n.toLocaleString('en-US')} bytes, more than the ${MAX_HEADER_BYTES.toLocaleString('en-US')} a safetensors header may have; the file is damaged or not a safetensors file`,
    );
  }
  if (n > bytes.length - 8) {
    fail(
      `the header length (bytes 0–7) says ${n.toLocaleString('en-US')} bytes, but only ${(bytes.length - 8).toLocaleString('en-US')} follow; the file is truncated or not a safetensors file`,
    );
  }
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    fail(`the header (bytes 8–${8 + n}) is not valid UTF-8 JSON (${reason}); the file is damaged`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail(`the header is JSON but not an object of tensors; the file is damaged`);
  }
  const dataStart = 8 + n;
  const dataLength = bytes.length - dataStart;
  const entries: { name: string; dtype: SafetensorsDType; shape: number[]; begin: number; end: number }[] =
    [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      checkMetadata(value, fail);
      continue;
    }
    entries.push({ name, ...checkEntry(name, value, dataLength, fail) });
  }
  checkLayout(entries, dataLength, fail);
  const out = new Map<string, SafeTensor>();
  for (const e of entries) {
    out.set(e.name, {
      dtype: e.dtype,
      shape: e.shape,
      data: decode(bytes, dataStart + e.begin, dataStart + e.end, e.dtype),
    });
  }
  return out;
}

function checkMetadata(value: unknown, fail: (m: string) => never): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`the header's "__metadata__" is not an object of strings; the file is damaged`);
  }
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') {
      fail(`the header's "__metadata__" entry '${k.slice(0, 60)}' is not a string; the file is damaged`);
    }
  }
}

function checkEntry(
  name: string,
  value: unknown,
  dataLength: number,
  fail: (m: string) => never,
): { dtype: SafetensorsDType; shape: number[]; begin: number; end: number } {
  const where = `the header's tensor '${name.slice(0, 60)}'`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(`${where} is not an object { dtype, shape, data_offsets }; the file is damaged`);
  }
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(ITEM_BYTES, dtype)) {
    const known = typeof dtype === 'string' && OTHER_DTYPES.includes(dtype);
    return fail(
      known
        ? `${where} has dtype ${dtype}, which seqcast does not read (it reads F32, F64, F16 and BF16); convert it with tensor.float() before saving, or leave it out of the file`
        : `${where} has dtype ${JSON.stringify(dtype)?.slice(0, 40)}, which is not a safetensors dtype; the file is damaged`,
    );
  }
  if (
    !Array.isArray(shape) ||
    shape.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)
  ) {
    return fail(
      `${where} has shape ${JSON.stringify(shape)?.slice(0, 60)}; a shape is a list of integers ≥ 0 and the file is damaged`,
    );
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    offsets.some((o) => typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0)
  ) {
    return fail(
      `${where} has data_offsets ${JSON.stringify(offsets)?.slice(0, 60)}, not [begin, end] (two integers ≥ 0); the file is damaged`,
    );
  }
  const [begin, end] = offsets as number[];
  if (begin > end || end > dataLength) {
    return fail(
      `${where} has data_offsets [${begin}, ${end}], outside the ${dataLength.toLocaleString('en-US')} bytes of data after the header; the file is truncated or damaged`,
    );
  }
  const d = dtype as SafetensorsDType;
  let count = 1;
  for (const s of shape as number[]) count *= s;
  const size = count * ITEM_BYTES[d];
  if (size !== end - begin) {
    return fail(
      `${where} has shape ${formatShape(shape as number[])} of ${d}, which is ${size.toLocaleString('en-US')} bytes, but its data_offsets [${begin}, ${end}] hold ${(end - begin).toLocaleString('en-US')}; the file is damaged`,
    );
  }
  return { dtype: d, shape: [...(shape as number[])], begin, end };
}

/** Offsets in order, not overlapping, and covering the data entirely (the format's rule). */
function checkLayout(
  entries: readonly { name: string; begin: number; end: number }[],
  dataLength: number,
  fail: (m: string) => never,
): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let previous: string | null = null;
  for (const e of sorted) {
    if (e.begin < at) {
      fail(
        `the header's tensors '${previous!.slice(0, 60)}' and '${e.name.slice(0, 60)}' overlap (bytes ${e.begin}–${at} of the data); the file is damaged`,
      );
    }
    if (e.begin > at) {
      fail(
        `bytes ${at}–${e.begin} of the data belong to no tensor, which the safetensors format does not allow; the file is damaged`,
      );
    }
    at = e.end;
    previous = e.name;
  }
  if (at !== dataLength) {
    fail(
      `the file has ${(dataLength - at).toLocaleString('en-US')} bytes after the last tensor's data, which the safetensors format does not allow; the file is damaged or has something appended`,
    );
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function decode(
  bytes: Uint8Array,
  begin: number,
  end: number,
  dtype: SafetensorsDType,
): Float32Array | Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + begin, end - begin);
  const n = (end - begin) / ITEM_BYTES[dtype];
  switch (dtype) {
    case 'F32': {
      if (LITTLE_ENDIAN) return new Float32Array(bytes.slice(begin, end).buffer);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
      return out;
    }
    case 'F64': {
      if (LITTLE_ENDIAN) return new Float64Array(bytes.slice(begin, end).buffer);
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
      return out;
    }
    case 'BF16': {
      // a bfloat16 is the upper half of a float32
      const bits = new Uint32Array(n);
      for (let i = 0; i < n; i++) bits[i] = view.getUint16(2 * i, true) << 16;
      return new Float32Array(bits.buffer);
    }
  }
}

/** IEEE 754 binary16 → number: sign, 5 exponent bits (bias 15), 10 fraction bits; subnormals, ±∞, NaN. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * The safetensors file of `tensors` (in their order) and `metadata` (string values): F32 for a Float32Array,
 * F64 for a Float64Array or when asked; the header padded with spaces to a multiple of 8 bytes, as the
 * safetensors library writes it.
 */
export function writeSafetensors(
  tensors: ReadonlyMap<string, SafeTensorInput> | Readonly<Record<string, SafeTensorInput>>,
  metadata?: Readonly<Record<string, string>>,
): Uint8Array {
  const list: [string, SafeTensorInput][] =
    tensors instanceof Map
      ? [...tensors.entries()]
      : Object.entries(tensors as Record<string, SafeTensorInput>);
  const header: Record<string, unknown> = {};
  if (metadata !== undefined) {
    if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
      throw new SeqcastError('config', 'writeSafetensors(): metadata must be an object of strings');
    }
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') {
        throw new SeqcastError(
          'config',
          `writeSafetensors(): metadata '${k.slice(0, 60)}' must be a string (got ${typeof v})`,
        );
      }
    }
    header.__metadata__ = { ...metadata };
  }
  let offset = 0;
  const plan: { data: ArrayLike<number>; dtype: SafetensorsDType; begin: number }[] = [];
  for (const [name, t] of list) {
    if (name === '__metadata__') {
      throw new SeqcastError(
        'config',
        `writeSafetensors(): '__metadata__' is reserved; give the tensor another name`,
      );
    }
    const where = `writeSafetensors(): tensor '${name.slice(0, 60)}'`;
    if (
      !Array.isArray(t?.shape) ||
      t.shape.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)
    ) {
      throw new SeqcastError('config', `${where}: shape must be a list of integers ≥ 0`);
    }
    const dtype = t.dtype ?? (t.data instanceof Float64Array ? 'F64' : 'F32');
    if (typeof dtype !== 'string' || !Object.hasOwn(ITEM_BYTES, dtype)) {
      throw new SeqcastError(
        'config',
        `${where}: dtype must be 'F32', 'F64', 'F16' or 'BF16' (got ${JSON.stringify(dtype)})`,
      );
    }
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.data?.length !== count) {
      throw new SeqcastError(
        'shape',
        `${where} has ${t.data?.length} values but shape ${formatShape(t.shape)} needs ${count}`,
      );
    }
    const size = count * ITEM_BYTES[dtype];
    header[name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + size] };
    plan.push({ data: t.data, dtype, begin: offset });
    offset += size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) {
    const p = new Uint8Array(padded).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true);
  view.setUint32(4, 0, true);
  out.set(json, 8);
  const start = 8 + json.length;
  for (const { data, dtype, begin } of plan) {
    const at = start + begin;
    const n = data.length;
    if (dtype === 'F32') for (let i = 0; i < n; i++) view.setFloat32(at + 4 * i, data[i], true);
    else if (dtype === 'F64') for (let i = 0; i < n; i++) view.setFloat64(at + 8 * i, data[i], true);
    else if (dtype === 'F16')
      for (let i = 0; i < n; i++) view.setUint16(at + 2 * i, floatToHalf(data[i]), true);
    else for (let i = 0; i < n; i++) view.setUint16(at + 2 * i, floatToBfloat16(data[i]), true);
  }
  return out;
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** number → IEEE 754 binary16 bits, through float32, rounded to nearest even (overflow → ±∞, NaN kept). */
export function floatToHalf(v: number): number {
  F32[0] = v;
  const x = U32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // a subnormal half: m × 2^-24, with m = the 24-bit significand >> (14 − e)
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = mant & ((1 << shift) - 1);
    let m = mant >>> shift;
    if (rest > half || (rest === half && (m & 1) === 1)) m++;
    return sign | m; // m = 0x400 is the smallest normal: the encoding carries into the exponent
  }
  let h = sign | (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++; // may carry up to ±∞: correct
  return h;
}

/** number → bfloat16 bits (the upper half of its float32), rounded to nearest even, NaN kept. */
export function floatToBfloat16(v: number): number {
  F32[0] = v;
  const x = U32[0];
  if ((x & 0x7fffffff) > 0x7f800000) return ((x >>> 16) & 0x8000) | 0x7fc0;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}
