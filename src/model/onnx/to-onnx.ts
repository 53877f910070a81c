/**
 * `toOnnx(model)`: a Sequential model as the bytes of an ONNX file (ModelProto, IR 8, opset 17), for
 * onnxruntime and every engine that runs ONNX. Browser-safe: no file system.
 *
 * The graph has one input `input`, float32 [batch, time, features] (an Embedding model: [batch, time], the
 * token ids as numbers, as `predict` takes them), and one output `output`; batch and time are symbolic, so one
 * file serves any batch size and sequence length. Weights are float32 initializers (a float64 model is
 * rounded). Each layer:
 *
 *   SimpleRNN / LSTM / GRU / Bidirectional   RNN / LSTM / GRU nodes (recurrent.ts)
 *   Dense, TimeDistributed(Dense)            MatMul + Add + the activation (Softmax on the last axis)
 *   Embedding                                Cast to int64 + Gather; maskZero: the mask ids ≠ 0
 *   Masking                                  the mask any(x ≠ maskValue) over the features, x ⊙ mask
 *   Dropout, SpatialDropout1D                nothing (the identity at inference)
 *   GlobalAveragePooling1D                   ReduceMean over time; with a mask Σ x ⊙ m / Σ m
 *
 * A stateful layer (states carried from call to call) has no ONNX counterpart: an error naming the layer.
 */
import { SeqcastError } from '../../errors.js';
import type { Bidirectional } from '../../layers/bidirectional.js';
import type { Dense, DenseActivation } from '../../layers/dense.js';
import type { Embedding } from '../../layers/embedding.js';
import type { GlobalAveragePooling1D } from '../../layers/global-average-pooling-1d.js';
import type { Layer } from '../../layers/layer.js';
import type { Masking } from '../../layers/masking.js';
import type { Recurrent } from '../../layers/recurrent.js';
import type { TimeDistributed } from '../../layers/time-distributed.js';
import type { FloatArray } from '../../tensor.js';
import { SEQCAST_VERSION } from '../artifacts.js';
import type { Sequential } from '../sequential.js';
import type { GraphValue } from './graph.js';
import { FLOAT, INT64, OnnxGraph } from './graph.js';
import type { CellWeights, Flow } from './recurrent.js';
import { recurrentNodes } from './recurrent.js';

/** The names of the graph's input and output. */
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';

/** The dims of the graph's input and output: 'batch' and 'time' symbolic, the others the model's. */
export function onnxDims(model: Sequential): { input: (number | string)[]; output: (number | string)[] } {
  const shape = model.inputShape;
  const embedded = model.layers[0]?.className === 'Embedding';
  const input =
    shape.length === 1 && !embedded
      ? ['batch', shape[0] ?? 'features']
      : ['batch', 'time', ...shape.slice(1).map((d) => d ?? 'features')];
  const out = model.outputShape;
  const output = ['batch', ...out.map((d, i) => (i === 0 && out.length === 2 ? 'time' : (d ?? 'features')))];
  return { input, output };
}

/** The bytes of an ONNX file computing `model.predict` (see the module comment). */
export function toOnnx(model: Sequential): Uint8Array {
  const g = new OnnxGraph('seqcast');
  const weights = model.weights();
  const inputShape = model.inputShape;
  let flow: Flow = { x: ONNX_INPUT, mask: null };
  let features = inputShape[inputShape.length - 1] ?? 0;
  let k = 0;
  for (const layer of model.layers) {
    const specs = layer.weightSpecs();
    const own = weights.slice(k, k + specs.length);
    k += own.length;
    const named = new Map<string, FloatArray>(own.map((w, i) => [specs[i].name, w.data]));
    flow = layerNodes(g, flow, layer, named, features);
    features = outputFeatures(layer, features);
  }
  g.nodeTo('Identity', [flow.x], [ONNX_OUTPUT]);
  const dims = onnxDims(model);
  const input: GraphValue = { name: ONNX_INPUT, elemType: FLOAT, dims: dims.input };
  const output: GraphValue = { name: ONNX_OUTPUT, elemType: FLOAT, dims: dims.output };
  const doc = `seqcast ${SEQCAST_VERSION}: ${model.layers.map((l) => l.className).join(' → ')}`;
  return g.model([input], [output], SEQCAST_VERSION, doc);
}

function outputFeatures(layer: Layer, features: number): number {
  switch (layer.className) {
    case 'Dense':
      return (layer as Dense).units;
    case 'TimeDistributed':
      return (layer as TimeDistributed).layer.units;
    case 'Embedding':
      return (layer as Embedding).outputDim;
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      return (layer as Recurrent).units;
    case 'Bidirectional': {
      const bi = layer as Bidirectional;
      return bi.mergeMode === 'concat' ? 2 * bi.forwardLayer.units : bi.forwardLayer.units;
    }
    default:
      return features;
  }
}

function layerNodes(g: OnnxGraph, flow: Flow, layer: Layer, w: CellWeights, features: number): Flow {
  const where = `toOnnx: layer '${layer.name}' (${layer.className})`;
  switch (layer.className) {
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU': {
      const r = layer as Recurrent;
      refuseStateful(r, where);
      return recurrentNodes(g, flow, r, null, [w], features);
    }
    case 'Bidirectional': {
      const bi = layer as Bidirectional;
      refuseStateful(bi.forwardLayer, where);
      if (bi.forwardLayer.goBackwards) {
        throw new SeqcastError(
          'config',
          `${where} wraps a layer with goBackwards: true, which ONNX's bidirectional direction has no counterpart ` +
            `for; rebuild the wrapped layer with goBackwards: false (Bidirectional already reads both directions)`,
        );
      }
      const half = (prefix: string): CellWeights =>
        new Map([...w].filter(([n]) => n.startsWith(prefix)).map(([n, v]) => [n.slice(prefix.length), v]));
      return recurrentNodes(g, flow, bi.forwardLayer, bi, [half('forward/'), half('backward/')], features);
    }
    case 'Dense': {
      const d = layer as Dense;
      return { ...flow, x: denseNodes(g, flow.x, d, w, features) };
    }
    case 'TimeDistributed': {
      const td = layer as TimeDistributed;
      return { ...flow, x: denseNodes(g, flow.x, td.layer, w, features, layer.name) };
    }
    case 'Embedding':
      return embeddingNodes(g, flow, layer as Embedding, w);
    case 'Masking':
      return maskingNodes(g, flow, layer as Masking);
    case 'Dropout':
    case 'SpatialDropout1D':
      return flow;
    case 'GlobalAveragePooling1D':
      return poolingNodes(g, flow, layer as GlobalAveragePooling1D);
  }
}

function refuseStateful(layer: Recurrent, where: string): void {
  if (layer.stateful) {
    throw new SeqcastError(
      'config',
      `${where} is stateful (its states carry over from one call to the next), which an ONNX graph cannot ` +
        `hold; rebuild the model with stateful: false and the same weights (setWeights), then export that`,
    );
  }
}

function denseNodes(
  g: OnnxGraph,
  x: string,
  d: Dense,
  w: CellWeights,
  features: number,
  name = d.name,
): string {
  const kernel = w.get('kernel');
  if (kernel === undefined)
    throw new SeqcastError('weights', `toOnnx: layer '${name}' (Dense): weight 'kernel' is missing`);
  let [y] = g.node('MatMul', [x, g.floats(`${name}_kernel`, [features, d.units], kernel)]);
  if (d.useBias) [y] = g.node('Add', [y, g.floats(`${name}_bias`, [d.units], w.get('bias')!)]);
  return activationNode(g, y, d.activation, name);
}

function activationNode(g: OnnxGraph, x: string, act: DenseActivation, name: string): string {
  switch (act) {
    case 'linear':
      return x;
    case 'tanh':
      return g.node('Tanh', [x], {}, 1, name)[0];
    case 'sigmoid':
      return g.node('Sigmoid', [x], {}, 1, name)[0];
    case 'relu':
      return g.node('Relu', [x], {}, 1, name)[0];
    case 'hardSigmoid':
      return g.node('HardSigmoid', [x], { alpha: { float: 1 / 6 }, beta: { float: 0.5 } }, 1, name)[0];
    case 'hardSigmoidTfjs':
      return g.node('HardSigmoid', [x], { alpha: { float: 0.2 }, beta: { float: 0.5 } }, 1, name)[0];
    case 'softmax':
      return g.node('Softmax', [x], { axis: -1 }, 1, name)[0];
  }
}

function embeddingNodes(g: OnnxGraph, flow: Flow, e: Embedding, w: CellWeights): Flow {
  const table = w.get('embeddings');
  if (table === undefined)
    throw new SeqcastError(
      'weights',
      `toOnnx: layer '${e.name}' (Embedding): weight 'embeddings' is missing`,
    );
  const [ids] = g.node('Cast', [flow.x], { to: INT64 }, 1, 'ids');
  const [y] = g.node(
    'Gather',
    [g.floats(`${e.name}_embeddings`, [e.inputDim, e.outputDim], table), ids],
    { axis: 0 },
    1,
    e.name,
  );
  if (!e.maskZero) return { x: y, mask: flow.mask };
  const [zero] = g.node('Equal', [ids, g.ints([0])]);
  const [real] = g.node('Not', [zero]);
  const [m] = g.node('Cast', [real], { to: FLOAT });
  const [mask] = g.node('Unsqueeze', [m, g.ints([2])], {}, 1, 'mask');
  return { x: y, mask };
}

function maskingNodes(g: OnnxGraph, flow: Flow, m: Masking): Flow {
  const [same] = g.node('Equal', [flow.x, g.scalar(m.maskValue)]);
  const [differs] = g.node('Not', [same]);
  const [f] = g.node('Cast', [differs], { to: FLOAT });
  const [mask] = g.node('ReduceMax', [f], { axes: [2], keepdims: 1 }, 1, 'mask');
  const [y] = g.node('Mul', [flow.x, mask], {}, 1, m.name);
  return { x: y, mask };
}

function poolingNodes(g: OnnxGraph, flow: Flow, p: GlobalAveragePooling1D): Flow {
  let y: string;
  if (flow.mask === null) {
    [y] = g.node('ReduceMean', [flow.x], { axes: [1], keepdims: 1 });
  } else {
    const [masked] = g.node('Mul', [flow.x, flow.mask]);
    const [sum] = g.node('ReduceSum', [masked, g.ints([1])], { keepdims: 1 });
    const [count] = g.node('ReduceSum', [flow.mask, g.ints([1])], { keepdims: 1 });
    [y] = g.node('Div', [sum, count]);
  }
  if (!p.keepdims) [y] = g.node('Squeeze', [y, g.ints([1])], {}, 1, p.name);
  return { x: y, mask: null };
}
