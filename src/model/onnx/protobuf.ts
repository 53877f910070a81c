/**
 * A small protocol-buffers encoder, enough for ONNX's ModelProto (to-onnx.ts): every field is written in
 * the order given, so the same message gives the same bytes.
 *
 * Wire types (protobuf encoding): 0 varint (int64, enum, bool), 2 length-delimited (string, bytes, nested
 * message), 5 fixed32 (float). onnx.proto is proto2, whose repeated scalars are unpacked by default: each
 * element is written as its own field (`ints`, `floats`, `dims`), which every parser reads.
 */

/** A message under construction: append fields, then `bytes()`. */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private length = 0;

  private push(part: Uint8Array): void {
    this.parts.push(part);
    this.length += part.length;
  }

  private tag(field: number, wire: number): void {
    this.push(varint(BigInt(field * 8 + wire)));
  }

  /** An int64 / enum field (wire type 0); negative values take ten bytes, two's complement. */
  int(field: number, value: number): this {
    if (!Number.isSafeInteger(value)) throw new RangeError(`protobuf: ${value} is not a safe integer`);
    this.tag(field, 0);
    this.push(varint(BigInt.asUintN(64, BigInt(value))));
    return this;
  }

  /** A float field (wire type 5, little-endian float32). */
  float(field: number, value: number): this {
    this.tag(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.push(b);
    return this;
  }

  /** A bytes field (wire type 2). */
  raw(field: number, value: Uint8Array): this {
    this.tag(field, 2);
    this.push(varint(BigInt(value.length)));
    this.push(value);
    return this;
  }

  /** A string field (wire type 2, UTF-8). */
  string(field: number, value: string): this {
    return this.raw(field, new TextEncoder().encode(value));
  }

  /** A nested message field (wire type 2). */
  message(field: number, value: ProtoWriter): this {
    return this.raw(field, value.finish());
  }

  /** The encoded message. */
  finish(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** An unsigned varint: 7 bits a byte, low bits first, the high bit set on every byte but the last. */
export function varint(value: bigint): Uint8Array {
  const out: number[] = [];
  let v = value;
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Uint8Array.from(out);
}
