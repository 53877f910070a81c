/**
 * An ONNX graph under construction and its ModelProto bytes (onnx/onnx.proto, proto2; field numbers below).
 * Names are made from a counter, initializers are float32 / int64 little-endian `raw_data`, and everything is
 * written in the order it was added, so the same model gives the same file.
 *
 *   ModelProto      1 ir_version, 2 producer_name, 3 producer_version, 7 graph, 8 opset_import
 *   OperatorSetId   1 domain, 2 version
 *   GraphProto      1 node, 2 name, 5 initializer, 10 doc_string, 11 input, 12 output
 *   NodeProto       1 input, 2 output, 3 name, 4 op_type, 5 attribute
 *   AttributeProto  1 name, 2 f, 3 i, 4 s, 7 floats, 8 ints, 9 strings, 20 type (1 FLOAT, 2 INT, 3 STRING,
 *                   6 FLOATS, 7 INTS, 8 STRINGS)
 *   TensorProto     1 dims, 2 data_type (1 FLOAT, 6 INT32, 7 INT64, 9 BOOL), 8 name, 9 raw_data
 *   ValueInfoProto  1 name, 2 type;  TypeProto 1 tensor_type;  TypeProto.Tensor 1 elem_type, 2 shape;
 *   TensorShapeProto 1 dim;  Dimension 1 dim_value, 2 dim_param
 */
import { ProtoWriter } from './protobuf.js';

/** ONNX's IR version 8 and opset 17 (ONNX 1.12; onnxruntime runs both). */
export const ONNX_IR_VERSION = 8;
export const ONNX_OPSET = 17;

export const FLOAT = 1;
export const INT32 = 6;
export const INT64 = 7;
export const BOOL = 9;

/** An attribute value: a number is an INT unless wrapped as `{ float }`; arrays of numbers are INTS. */
export type AttrValue =
  | number
  | string
  | { readonly float: number }
  | { readonly floats: readonly number[] }
  | readonly number[]
  | readonly string[];

/** One graph input or output: its element type and its dims (a string is a symbolic dim, "batch"). */
export interface GraphValue {
  readonly name: string;
  readonly elemType: number;
  readonly dims: readonly (number | string)[];
}

interface Node {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name: string;
  readonly attrs: Readonly<Record<string, AttrValue>>;
}

interface Initializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly type: number;
  readonly raw: Uint8Array;
}

export class OnnxGraph {
  private readonly nodes: Node[] = [];
  private readonly inits: Initializer[] = [];
  private readonly constants = new Map<string, string>();
  private count = 0;

  constructor(readonly name: string) {}

  /** A new unique value name with a readable stem. */
  fresh(stem: string): string {
    this.count++;
    return `${stem}_${this.count}`;
  }

  /**
   * Adds a node; returns its output names (`outputs` of them, named from `stem`). An empty input name is an
   * optional input left out; trailing empty ones are dropped.
   */
  node(
    op: string,
    inputs: readonly string[],
    attrs: Readonly<Record<string, AttrValue>> = {},
    outputs = 1,
    stem = op.toLowerCase(),
  ): string[] {
    const ins = [...inputs];
    while (ins.length > 0 && ins[ins.length - 1] === '') ins.pop();
    const outs = Array.from({ length: outputs }, () => this.fresh(stem));
    this.nodes.push({ op, inputs: ins, outputs: outs, name: this.fresh(`${op}_node`), attrs });
    return outs;
  }

  /** Adds a node with given output names (`''` for an optional output left out). */
  nodeTo(
    op: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attrs: Readonly<Record<string, AttrValue>> = {},
  ): void {
    const ins = [...inputs];
    while (ins.length > 0 && ins[ins.length - 1] === '') ins.pop();
    const outs = [...outputs];
    while (outs.length > 0 && outs[outs.length - 1] === '') outs.pop();
    this.nodes.push({ op, inputs: ins, outputs: outs, name: this.fresh(`${op}_node`), attrs });
  }

  /** A float32 initializer (the values are rounded to float32). */
  floats(stem: string, dims: readonly number[], values: ArrayLike<number>): string {
    const name = this.fresh(stem);
    const data = Float32Array.from(values as ArrayLike<number>);
    this.inits.push({ name, dims, type: FLOAT, raw: littleEndian(data) });
    return name;
  }

  /** An int64 constant vector (shared: the same values give the same initializer). */
  ints(values: readonly number[]): string {
    return this.shared(`i64:${values.join(',')}`, 'const_i64', [values.length], INT64, () =>
      littleEndian(new BigInt64Array(values.map((v) => BigInt(v)))),
    );
  }

  /** An int64 scalar constant (shared). */
  scalarInt(value: number): string {
    return this.shared(`i64s:${value}`, 'const_i64', [], INT64, () =>
      littleEndian(BigInt64Array.of(BigInt(value))),
    );
  }

  /** A float32 scalar constant (shared). */
  scalar(value: number): string {
    return this.shared(`f32:${value}`, 'const_f32', [], FLOAT, () => littleEndian(Float32Array.of(value)));
  }

  /** The initializer of `key`, made once (named from `stem`) and reused after. */
  private shared(
    key: string,
    stem: string,
    dims: readonly number[],
    type: number,
    raw: () => Uint8Array,
  ): string {
    const known = this.constants.get(key);
    if (known !== undefined) return known;
    const name = this.fresh(stem);
    this.inits.push({ name, dims, type, raw: raw() });
    this.constants.set(key, name);
    return name;
  }

  /** The ModelProto of this graph with the given inputs and outputs. */
  model(
    inputs: readonly GraphValue[],
    outputs: readonly GraphValue[],
    producerVersion: string,
    doc: string,
  ): Uint8Array {
    const graph = new ProtoWriter();
    for (const n of this.nodes) graph.message(1, nodeProto(n));
    graph.string(2, this.name);
    for (const t of this.inits) graph.message(5, tensorProto(t));
    graph.string(10, doc);
    for (const v of inputs) graph.message(11, valueInfo(v));
    for (const v of outputs) graph.message(12, valueInfo(v));
    const opset = new ProtoWriter().string(1, '').int(2, ONNX_OPSET);
    return new ProtoWriter()
      .int(1, ONNX_IR_VERSION)
      .string(2, 'seqcast')
      .string(3, producerVersion)
      .message(7, graph)
      .message(8, opset)
      .finish();
  }
}

function nodeProto(n: Node): ProtoWriter {
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.op);
  for (const [name, value] of Object.entries(n.attrs)) w.message(5, attribute(name, value));
  return w;
}

function attribute(name: string, value: AttrValue): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if (typeof value === 'number') return w.int(3, value).int(20, 2);
  if (typeof value === 'string') return w.string(4, value).int(20, 3);
  if ('float' in value) return w.float(2, value.float).int(20, 1);
  if ('floats' in value) {
    for (const f of value.floats) w.float(7, f);
    return w.int(20, 6);
  }
  const list = value as readonly (number | string)[];
  if (list.length > 0 && typeof list[0] === 'string') {
    for (const s of list as readonly string[]) w.string(9, s);
    return w.int(20, 8);
  }
  for (const i of list as readonly number[]) w.int(8, i);
  return w.int(20, 7);
}

function tensorProto(t: Initializer): ProtoWriter {
  const w = new ProtoWriter();
  for (const d of t.dims) w.int(1, d);
  return w.int(2, t.type).string(8, t.name).raw(9, t.raw);
}

function valueInfo(v: GraphValue): ProtoWriter {
  const shape = new ProtoWriter();
  for (const d of v.dims) {
    const dim = new ProtoWriter();
    if (typeof d === 'string') dim.string(2, d);
    else dim.int(1, d);
    shape.message(1, dim);
  }
  const tensor = new ProtoWriter().int(1, v.elemType).message(2, shape);
  const type = new ProtoWriter().message(1, tensor);
  return new ProtoWriter().string(1, v.name).message(2, type);
}

/** The bytes of a typed array, little-endian whatever the machine's order. */
function littleEndian(data: Float32Array | BigInt64Array): Uint8Array {
  const out = new Uint8Array(data.length * data.BYTES_PER_ELEMENT);
  const view = new DataView(out.buffer);
  if (data instanceof Float32Array) data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else data.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return out;
}
