// The safetensors reader and writer (issue 19): round trips, half and bfloat16 decoding against known values
// and against torch's own conversion (test/fixtures/pytorch, scripts/fixtures/pytorch_weights.py), and every
// kind of bad file refused with one message naming the part of the file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSafetensors, SeqcastError, writeSafetensors } from '../src/index.js';
import {
  floatToBfloat16,
  floatToHalf,
  halfToFloat,
  MAX_HEADER_BYTES,
} from '../src/model/pytorch/safetensors.js';

/** A file from a header object and a data part, as the format lays them out. */
function file(header: unknown, data: Uint8Array = new Uint8Array(0), headerText?: string): Uint8Array {
  const json = new TextEncoder().encode(headerText ?? JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function f32(values: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}

function u16(values: number[]): Uint8Array {
  const out = new Uint8Array(2 * values.length);
  values.forEach((v, i) => new DataView(out.buffer).setUint16(2 * i, v, true));
  return out;
}

function refused(bytes: Uint8Array): string {
  try {
    readSafetensors(bytes, { source: 'w.safetensors' });
  } catch (e) {
    expect(e).toBeInstanceOf(SeqcastError);
    expect((e as SeqcastError).code).toBe('weights');
    const m = (e as SeqcastError).message;
    expect(m).not.toContain('\n');
    expect(m.startsWith('w.safetensors: ')).toBe(true);
    return m;
  }
  throw new Error('readSafetensors accepted the file');
}

describe('writeSafetensors and readSafetensors', () => {
  it('writeSafetensors(tensors, metadata) round-trips F32 and F64 tensors, shapes and order', () => {
    const tensors = new Map([
      ['b.weight', { shape: [2, 3], data: new Float32Array([1, -2, 3.5, 0, 1e-30, -7]) }],
      ['a.bias', { shape: [3], data: new Float64Array([Math.PI, -1 / 3, 1e300]) }],
      ['scalar', { shape: [], data: new Float32Array([0.25]) }],
      ['empty', { shape: [0, 4], data: new Float32Array(0) }],
    ]);
    const bytes = writeSafetensors(tensors, { format: 'pt' });
    const n = new DataView(bytes.buffer).getUint32(0, true);
    expect(n % 8).toBe(0); // padded like the safetensors library
    const back = readSafetensors(bytes);
    expect([...back.keys()]).toEqual(['b.weight', 'a.bias', 'scalar', 'empty']);
    expect(back.get('b.weight')).toEqual({
      dtype: 'F32',
      shape: [2, 3],
      data: new Float32Array([1, -2, 3.5, 0, 1e-30, -7]),
    });
    expect(back.get('a.bias')!.dtype).toBe('F64');
    expect(Array.from(back.get('a.bias')!.data)).toEqual([Math.PI, -1 / 3, 1e300]);
    expect(back.get('scalar')!.shape).toEqual([]);
    expect(back.get('empty')!.data.length).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
    expect(header.__metadata__).toEqual({ format: 'pt' });
  });

  it("writeSafetensors writes what the fixture generator (the safetensors library's layout) writes", () => {
    const dir = join(import.meta.dirname, 'fixtures', 'pytorch');
    const original = new Uint8Array(readFileSync(join(dir, 'rnn_linear.safetensors')));
    const tensors = readSafetensors(original);
    expect(writeSafetensors(tensors, { format: 'pt' })).toEqual(original);
  });

  it('writeSafetensors refuses a reserved name, a bad shape, a length mismatch and a bad dtype', () => {
    const t = { shape: [2], data: new Float32Array(2) };
    expect(() => writeSafetensors({ __metadata__: t })).toThrow(/'__metadata__' is reserved/);
    expect(() => writeSafetensors({ a: { shape: [-1], data: [] } })).toThrow(
      /shape must be a list of integers ≥ 0/,
    );
    expect(() => writeSafetensors({ a: { shape: [3], data: [1, 2] } })).toThrow(
      /has 2 values but shape \[3\] needs 3/,
    );
    expect(() => writeSafetensors({ a: { ...t, dtype: 'I64' as 'F32' } })).toThrow(
      /dtype must be 'F32', 'F64', 'F16' or 'BF16'/,
    );
    expect(() => writeSafetensors({ a: t }, { n: 1 as unknown as string })).toThrow(
      /metadata 'n' must be a string/,
    );
  });
});

describe('F16 and BF16', () => {
  it('halfToFloat decodes known binary16 values: normals, subnormals, ±0, ±Infinity, NaN', () => {
    expect(halfToFloat(0x3c00)).toBe(1);
    expect(halfToFloat(0xc000)).toBe(-2);
    expect(halfToFloat(0x3555)).toBe(0.333251953125);
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(halfToFloat(0x0400)).toBe(2 ** -14);
    expect(halfToFloat(0x0001)).toBe(2 ** -24);
    expect(halfToFloat(0x03ff)).toBe(1023 * 2 ** -24);
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
    expect(halfToFloat(0x7c00)).toBe(Infinity);
    expect(halfToFloat(0xfc00)).toBe(-Infinity);
    expect(halfToFloat(0x7e00)).toBeNaN();
  });

  it('floatToHalf and floatToBfloat16 round to nearest even, with subnormals, overflow and NaN', () => {
    expect(floatToHalf(1)).toBe(0x3c00);
    expect(floatToHalf(-2)).toBe(0xc000);
    expect(floatToHalf(1 / 3)).toBe(0x3555);
    expect(floatToHalf(65504)).toBe(0x7bff);
    expect(floatToHalf(65519)).toBe(0x7bff); // below the midpoint to 65536
    expect(floatToHalf(65520)).toBe(0x7c00); // the tie rounds to even: ∞
    expect(floatToHalf(2 ** -24)).toBe(0x0001);
    expect(floatToHalf(2 ** -25)).toBe(0x0000); // tie between 0 and 2^-24: even
    expect(floatToHalf(3 * 2 ** -25)).toBe(0x0002); // tie between 1 and 2 (× 2^-24): even
    expect(floatToHalf(1 + 2 ** -11)).toBe(0x3c00); // tie: even
    expect(floatToHalf(1 + 3 * 2 ** -11)).toBe(0x3c02);
    expect(floatToHalf(1023.5 * 2 ** -24)).toBe(0x0400); // rounds up into the smallest normal
    expect(floatToHalf(-0)).toBe(0x8000);
    expect(floatToHalf(Infinity)).toBe(0x7c00);
    expect(floatToHalf(NaN) & 0x7c00).toBe(0x7c00);
    expect(halfToFloat(floatToHalf(NaN))).toBeNaN();
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0) continue; // NaNs
      if (floatToHalf(halfToFloat(h)) !== h) throw new Error(`half 0x${h.toString(16)} does not round-trip`);
    }
    expect(floatToBfloat16(1)).toBe(0x3f80);
    expect(floatToBfloat16(Math.PI)).toBe(0x4049);
    expect(floatToBfloat16(1 + 2 ** -8)).toBe(0x3f80); // tie: even
    expect(floatToBfloat16(1 + 3 * 2 ** -8)).toBe(0x3f82);
    expect(floatToBfloat16(NaN)).toBe(0x7fc0);
  });

  it("writeSafetensors(tensors) writes torch's F16 and BF16 files byte for byte from their values", () => {
    const dir = join(import.meta.dirname, 'fixtures', 'pytorch');
    for (const f of ['rnn_linear_f16.safetensors', 'rnn_linear_bf16.safetensors']) {
      const original = new Uint8Array(readFileSync(join(dir, f)));
      expect(writeSafetensors(readSafetensors(original)), f).toEqual(original);
    }
  });

  it('readSafetensors widens F16 and BF16 to Float32Array with the exact values', () => {
    const bytes = file(
      {
        h: { dtype: 'F16', shape: [4], data_offsets: [0, 8] },
        b: { dtype: 'BF16', shape: [2, 2], data_offsets: [8, 16] },
      },
      new Uint8Array([...u16([0x3c00, 0xc000, 0x3555, 0x0001]), ...u16([0x3f80, 0x4049, 0xbf00, 0x7f80])]),
    );
    const t = readSafetensors(bytes);
    expect(t.get('h')).toEqual({
      dtype: 'F16',
      shape: [4],
      data: new Float32Array([1, -2, 0.333251953125, 2 ** -24]),
    });
    expect(t.get('b')!.data).toEqual(new Float32Array([1, 3.140625, -0.5, Infinity]));
    expect(t.get('b')!.shape).toEqual([2, 2]);
  });

  it("readSafetensors decodes torch's F16 and BF16 files to torch's own float32 values", () => {
    const dir = join(import.meta.dirname, 'fixtures', 'pytorch');
    const fx = JSON.parse(readFileSync(join(dir, 'pytorch.json'), 'utf8')) as {
      rounded: {
        file: string;
        dtype: string;
        tensors: Record<string, { shape: number[]; data: number[] }>;
      }[];
    };
    expect(fx.rounded.map((r) => r.dtype)).toEqual(['F16', 'BF16']);
    for (const r of fx.rounded) {
      const t = readSafetensors(new Uint8Array(readFileSync(join(dir, r.file))));
      expect([...t.keys()].sort()).toEqual(Object.keys(r.tensors).sort());
      for (const [name, expected] of Object.entries(r.tensors)) {
        expect(t.get(name)!.shape).toEqual(expected.shape);
        expect(Array.from(t.get(name)!.data), `${r.file} ${name}`).toEqual(expected.data);
      }
    }
  });
});

describe('readSafetensors refuses bad files with one line naming the part and the fix', () => {
  const good = { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } };
  const data = f32([1, 2]);

  it('a file shorter than the header length', () => {
    expect(refused(new Uint8Array(5))).toMatch(
      /has 5 bytes, fewer than the 8 of a safetensors header length/,
    );
  });

  it('a header length beyond the file, or above 100 MB', () => {
    const b = file(good, data);
    new DataView(b.buffer).setUint32(0, 5000, true);
    expect(refused(b)).toMatch(
      /header length \(bytes 0–7\) says 5,000 bytes, but only .* follow; the file is truncated/,
    );
    const huge = file(good, data);
    new DataView(huge.buffer).setUint32(0, MAX_HEADER_BYTES + 1, true);
    expect(refused(huge)).toMatch(/says 100,000,001 bytes, more than the 100,000,000/);
    const high = file(good, data);
    new DataView(high.buffer).setUint32(4, 1, true); // 2^32 + n: the upper word counts
    expect(refused(high)).toMatch(/more than the 100,000,000/);
  });

  it('a header that is not JSON, or not an object', () => {
    expect(refused(file(null, data, '{"w": {'))).toMatch(/the header \(bytes 8–15\) is not valid UTF-8 JSON/);
    expect(refused(file([1, 2]))).toMatch(/the header is JSON but not an object of tensors/);
    const bad = file(null, new Uint8Array(0), '{"a":1}');
    bad[10] = 0xff; // not UTF-8
    expect(refused(bad)).toMatch(/not valid UTF-8 JSON/);
  });

  it('a dtype seqcast does not read (I64), named with the tensor; an unknown dtype', () => {
    const b = file(
      { 'bn.num_batches_tracked': { dtype: 'I64', shape: [], data_offsets: [0, 8] } },
      new Uint8Array(8),
    );
    expect(refused(b)).toMatch(
      /tensor 'bn\.num_batches_tracked' has dtype I64, which seqcast does not read \(it reads F32, F64, F16 and BF16\); convert it with tensor\.float\(\)/,
    );
    expect(refused(file({ w: { ...good.w, dtype: 'F33' } }, data))).toMatch(
      /dtype "F33", which is not a safetensors dtype/,
    );
  });

  it('a negative or non-integer shape', () => {
    expect(refused(file({ w: { ...good.w, shape: [-2] } }, data))).toMatch(
      /tensor 'w' has shape \[-2\]; a shape is a list of integers ≥ 0/,
    );
    expect(refused(file({ w: { ...good.w, shape: [1.5] } }, data))).toMatch(/has shape \[1\.5\]/);
    expect(refused(file({ w: { ...good.w, shape: 'x' } }, data))).toMatch(/has shape "x"/);
  });

  it('offsets out of range, reversed, malformed, or not matching shape × dtype', () => {
    expect(refused(file({ w: { ...good.w, data_offsets: [0, 12] } }, data))).toMatch(
      /data_offsets \[0, 12\], outside the 8 bytes of data after the header/,
    );
    expect(refused(file({ w: { ...good.w, data_offsets: [8, 0] } }, data))).toMatch(
      /data_offsets \[8, 0\], outside/,
    );
    expect(refused(file({ w: { ...good.w, data_offsets: [0] } }, data))).toMatch(
      /data_offsets \[0\], not \[begin, end\]/,
    );
    expect(refused(file({ w: { ...good.w, shape: [3] } }, f32([1, 2, 3, 4])))).toMatch(
      /tensor 'w' has shape \[3\] of F32, which is 12 bytes, but its data_offsets \[0, 8\] hold 8/,
    );
  });

  it('overlapping tensors, a hole in the data, and bytes after the last tensor', () => {
    const two = (a: number[], b: number[], bytes: Uint8Array) =>
      file(
        {
          a: { dtype: 'F32', shape: [2], data_offsets: a },
          b: { dtype: 'F32', shape: [2], data_offsets: b },
        },
        bytes,
      );
    expect(refused(two([0, 8], [4, 12], f32([1, 2, 3])))).toMatch(
      /tensors 'a' and 'b' overlap \(bytes 4–8 of the data\)/,
    );
    expect(refused(two([0, 8], [12, 20], f32([1, 2, 3, 4, 5])))).toMatch(
      /bytes 8–12 of the data belong to no tensor/,
    );
    expect(refused(file(good, f32([1, 2, 3])))).toMatch(/has 4 bytes after the last tensor's data/);
  });

  it('a __metadata__ that is not an object of strings', () => {
    expect(refused(file({ __metadata__: { a: 1 }, ...good }, data))).toMatch(
      /"__metadata__" entry 'a' is not a string/,
    );
    expect(refused(file({ __metadata__: 'x', ...good }, data))).toMatch(
      /"__metadata__" is not an object of strings/,
    );
  });

  it('an entry that is not an object, and a tensor named __proto__ read as an own name', () => {
    expect(refused(file({ w: [1] }, data))).toMatch(
      /tensor 'w' is not an object \{ dtype, shape, data_offsets \}/,
    );
    const t = readSafetensors(
      file(null, data, '{"__proto__":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'),
    );
    expect([...t.keys()]).toEqual(['__proto__']);
  });

  it('never allocates more than the file implies: a 2^40-element shape in a tiny file is refused first', () => {
    const b = file({ w: { dtype: 'F32', shape: [2 ** 20, 2 ** 20], data_offsets: [0, 8] } }, data);
    expect(refused(b)).toMatch(/which is 4,398,046,511,104 bytes, but its data_offsets \[0, 8\] hold 8/);
  });

  it('a non-Uint8Array is a config error', () => {
    expect(() => readSafetensors('abc' as unknown as Uint8Array)).toThrow(
      /give the file's bytes as a Uint8Array/,
    );
  });
});
