/**
 * The model config of a Keras file, turned into the Sequential topology that `parseTopology` (topology.ts)
 * reads through the layer descriptors. What differs between the writers is settled here, once:
 *
 * - the layer list: Keras 3 / tf.keras `{ layers: [...] }`, Keras ≤ 2.1 a bare list, and functional models
 *   (`Functional`, Keras 2's `Model`) whose graph is a straight chain — one input, each layer called once on
 *   the one output of the layer before — which load as the same stack; anything else is refused by name;
 * - "hard_sigmoid": Keras 2 (and TF.js) mean clip(0.2·x + 0.5, 0, 1), Keras 3 means relu6(x + 3) / 6; the
 *   Keras version the file records decides which (topology.ts reads the bare name as Keras 2's);
 * - GRU `reset_after`, absent from files of Keras < 2.1.3, which had only the reset-before variant: false;
 * - an InputLayer of integer dtype before an Embedding (token ids): seqcast carries indices in float
 *   tensors, so it reads as float32;
 * - the input shape stated twice (tf.keras writes `batch_input_shape` on the InputLayer and on the first layer,
 *   or inside a Bidirectional's GRU): moved to the wrapper when it is the first layer, dropped when an
 *   InputLayer states the same.
 */
import { SeqcastError } from '../../errors.js';
import type { Json } from '../keras-config.js';
import { isObject } from '../keras-config.js';

export interface KerasTopology {
  /** `{ class_name: 'Sequential', config: { name, layers } }`, for parseTopology. */
  readonly topology: Json;
  /** The Keras major version the file was written by (1, 2, 3). */
  readonly kerasMajor: number;
}

const WRAPPED = ['layer', 'backward_layer'];

export function kerasMajorVersion(version: string | null, zip: boolean): number {
  const major = version === null ? NaN : Number.parseInt(version, 10);
  return Number.isInteger(major) ? major : zip ? 3 : 2;
}

/** See the module comment; `src` starts every message. */
export function kerasTopology(model: Json, kerasMajor: number, src: string): KerasTopology {
  const cls = model.class_name;
  const body: unknown = model.config;
  let entries: unknown[];
  let name: unknown = 'sequential';
  if (cls === 'Sequential') {
    const list = Array.isArray(body) ? body : isObject(body) ? body.layers : undefined;
    if (!Array.isArray(list)) fail(`${src}: the Sequential config has no layer list`);
    entries = list;
    if (isObject(body)) name = body.name;
  } else if (cls === 'Functional' || cls === 'Model') {
    if (!isObject(body) || !Array.isArray(body.layers))
      fail(`${src}: the ${String(cls)} config has no layer list`);
    entries = chainOrder(body, src);
    name = body.name;
  } else {
    fail(
      `${src}: the model is a ${JSON.stringify(cls)}; seqcast reads Sequential models and functional models that are a straight chain of layers`,
    );
  }
  const layers = entries.map((raw, i) => {
    if (!isObject(raw) || !isObject(raw.config))
      fail(`${src}: layer ${i + 1} is not a { class_name, config } object`);
    const { class_name, config, module, registered_name, build_config } = raw;
    const entry: Json = { class_name, config: mapConfig(String(class_name), config, kerasMajor) };
    if (module !== undefined) entry.module = module;
    if (registered_name !== undefined) entry.registered_name = registered_name;
    if (build_config !== undefined) entry.build_config = build_config;
    return entry;
  });
  settleInput(layers);
  return {
    topology: {
      class_name: 'Sequential',
      config: { name: typeof name === 'string' ? name : 'sequential', layers },
    },
    kerasMajor,
  };
}

/** A layer's config with the version differences of the module comment settled (nested layers too). */
function mapConfig(cls: string, config: Json, kerasMajor: number): Json {
  const out: Json = { ...config };
  for (const key of ['activation', 'recurrent_activation']) {
    if (kerasMajor >= 3 && out[key] === 'hard_sigmoid') out[key] = 'hard_sigmoid_keras3';
  }
  if (cls === 'GRU' && out.reset_after === undefined) out.reset_after = false;
  for (const key of WRAPPED) {
    const inner = out[key];
    if (isObject(inner) && isObject(inner.config)) {
      out[key] = { ...inner, config: mapConfig(String(inner.class_name), inner.config, kerasMajor) };
    }
  }
  return out;
}

/** The InputLayer's dtype before an Embedding, and input shapes stated inside wrapped layers. */
function settleInput(layers: Json[]): void {
  const first = layers[0];
  const hasInputLayer = first?.class_name === 'InputLayer';
  const firstLayer = hasInputLayer ? layers[1] : first;
  if (hasInputLayer && firstLayer?.class_name === 'Embedding') {
    const config = first.config as Json;
    const dtype = config.dtype;
    const name = isObject(dtype) && isObject(dtype.config) ? dtype.config.name : dtype;
    if (typeof name === 'string' && /^u?int(8|16|32|64)$/.test(name))
      first.config = { ...config, dtype: 'float32' };
  }
  if (hasInputLayer && firstLayer !== undefined) {
    // tf.keras writes the input shape on the InputLayer and again on the first layer
    const config = firstLayer.config as Json;
    const same =
      JSON.stringify(config.batch_input_shape) === JSON.stringify((first.config as Json).batch_input_shape);
    if (config.batch_input_shape !== undefined && same) {
      const rest = { ...config };
      delete rest.batch_input_shape;
      firstLayer.config = rest;
    }
  }
  layers.forEach((entry, i) => {
    const config = entry.config as Json;
    for (const key of WRAPPED) {
      const inner = config[key];
      if (!isObject(inner) || !isObject(inner.config) || inner.config.batch_input_shape === undefined)
        continue;
      const { batch_input_shape, ...rest } = inner.config;
      const hoist =
        entry === firstLayer && !hasInputLayer && config.batch_input_shape === undefined && i === 0;
      entry.config = { ...(entry.config as Json), [key]: { ...inner, config: rest } };
      if (hoist) entry.config = { ...(entry.config as Json), batch_input_shape };
    }
  });
}

// ---- functional models that are a chain ------------------------------------------------------------------

interface Call {
  readonly inputs: string[];
  readonly kwargs: Json;
}

/**
 * The layers of a functional model in the order data flows through them, when the graph is a chain: one
 * InputLayer, every other layer called once (one inbound node) on one tensor, the first output of the
 * layer before it, and the last layer the model's output.
 */
function chainOrder(body: Json, src: string): Json[] {
  const layers = body.layers as unknown[];
  const byName = new Map<string, Json>();
  const calls = new Map<string, Call>();
  for (const raw of layers) {
    if (!isObject(raw)) fail(`${src}: a functional model's layer is not an object`);
    const name = raw.name ?? (isObject(raw.config) ? raw.config.name : undefined);
    if (typeof name !== 'string') fail(`${src}: a functional model's layer has no name`);
    byName.set(name, raw);
    const nodes = raw.inbound_nodes;
    if (raw.class_name === 'InputLayer') continue;
    if (!Array.isArray(nodes) || nodes.length !== 1) {
      notChain(src, `layer '${name}' is called ${Array.isArray(nodes) ? nodes.length : 0} times`);
    }
    calls.set(name, readNode(nodes[0], name, src));
  }
  const inputs = [...byName.values()].filter((l) => l.class_name === 'InputLayer');
  if (inputs.length !== 1) notChain(src, `the model has ${inputs.length} inputs`);
  const outputs = tensorNames(body.output_layers);
  if (outputs.length !== 1) notChain(src, `the model has ${outputs.length} outputs`);
  const order: Json[] = [inputs[0]];
  let current = (inputs[0].name ?? (inputs[0].config as Json).name) as string;
  const consumers = (n: string): string[] =>
    [...calls].filter(([, c]) => c.inputs.includes(n)).map(([k]) => k);
  for (;;) {
    const next = consumers(current);
    if (next.length === 0) break;
    if (next.length > 1)
      notChain(src, `the output of '${current}' goes to ${next.map((n) => `'${n}'`).join(' and ')}`);
    const call = calls.get(next[0])!;
    if (call.inputs.length !== 1) notChain(src, `layer '${next[0]}' takes ${call.inputs.length} inputs`);
    if (call.kwargs.training === true) {
      fail(
        `${src}: layer '${next[0]}' is called with training=True, so it drops at inference too; seqcast's layers do not`,
      );
    }
    order.push(byName.get(next[0])!);
    current = next[0];
  }
  if (order.length !== byName.size) {
    const left = [...byName.keys()].filter(
      (n) => !order.some((l) => (l.name ?? (l.config as Json).name) === n),
    );
    notChain(
      src,
      `layers ${left.map((n) => `'${n}'`).join(', ')} are not on the path from the input to the output`,
    );
  }
  if (current !== outputs[0]) notChain(src, `the output is '${outputs[0]}', not the last layer '${current}'`);
  return order;
}

/** One inbound node: Keras 2's `[[name, node, tensor, kwargs], ...]` or Keras 3's `{ args, kwargs }`. */
function readNode(node: unknown, layer: string, src: string): Call {
  if (Array.isArray(node)) {
    const inputs: string[] = [];
    let kwargs: Json = {};
    for (const t of node) {
      if (!Array.isArray(t) || typeof t[0] !== 'string')
        fail(`${src}: layer '${layer}' has an unreadable inbound node`);
      if (t[1] !== 0 || t[2] !== 0)
        notChain(src, `layer '${layer}' reads a layer's later call or second output`);
      inputs.push(t[0]);
      if (isObject(t[3])) kwargs = { ...kwargs, ...t[3] };
    }
    return { inputs, kwargs };
  }
  if (!isObject(node)) fail(`${src}: layer '${layer}' has an unreadable inbound node`);
  const inputs: string[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isObject(v) && v.class_name === '__keras_tensor__' && isObject(v.config)) {
      const h = v.config.keras_history;
      if (!Array.isArray(h) || typeof h[0] !== 'string')
        fail(`${src}: layer '${layer}' has an unreadable inbound tensor`);
      if (h[1] !== 0 || h[2] !== 0)
        notChain(src, `layer '${layer}' reads a layer's later call or second output`);
      inputs.push(h[0]);
    }
  };
  visit(node.args);
  const kwargs = isObject(node.kwargs) ? node.kwargs : {};
  for (const [k, v] of Object.entries(kwargs)) {
    if (k === 'training' || (k === 'mask' && v === null)) continue;
    visit(v);
    notChain(src, `layer '${layer}' is called with ${k}=${JSON.stringify(v).slice(0, 40)}`);
  }
  return { inputs, kwargs };
}

/** The layer names of `input_layers` / `output_layers`: `[name, 0, 0]` or `[[name, 0, 0], ...]`. */
function tensorNames(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  if (typeof v[0] === 'string') return [v[0]];
  return v.filter((t) => Array.isArray(t) && typeof t[0] === 'string').map((t) => (t as string[])[0]);
}

function notChain(src: string, why: string): never {
  fail(
    `${src}: the functional model is not a straight chain (${why}); seqcast reads sequential stacks — rebuild it as a Sequential model or a chain`,
  );
}

function fail(message: string): never {
  throw new SeqcastError('config', message);
}
