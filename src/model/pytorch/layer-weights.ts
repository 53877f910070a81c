/**
 * One seqcast layer's weights from one PyTorch module (one layer k of an nn.RNN / nn.LSTM / nn.GRU, or an
 * nn.Linear / nn.Embedding), in seqcast's (Keras's) layout. Browser-safe.
 *
 * The conventions, written down once (G gate blocks of U rows each; PyTorch's W is [G·U, I], rows in blocks):
 *   kernel [I, G·U]           = W_ih^T, gate blocks in Keras's order
 *   recurrent_kernel [U, G·U] = W_hh^T, the same order
 *   LSTM  torch (i, f, g, o) = Keras (i, f, c, o): the same order
 *   GRU   torch (r, z, n)    → Keras (z, r, h): blocks 1, 0, 2. torch's n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 *         is Keras's reset_after: true, whose bias [2, 3U] is [b_ih; b_hh] (rows input, recurrent), both kept
 *   SimpleRNN and LSTM: Keras's one bias [G·U] = b_ih + b_hh (they only ever appear summed: exact for inference);
 *         with recurrentBias (PyTorch's parametrisation, trained as PyTorch trains it) bias = b_ih, recurrent_bias = b_hh
 *   Dense kernel [in, out] = Linear weight^T [out, in]; bias as it is
 *   Embedding embeddings [num, dim] = nn.Embedding weight, as it is
 */
import { SeqcastError } from '../../errors.js';
import type { Layer } from '../../layers/layer.js';
import { formatShape } from '../../tensor.js';
import type { PyTorchTensor, TorchModule } from './state-dict.js';
import { fullName, moduleLabel } from './state-dict.js';

export interface PlannedWeight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

type CellKind = 'SimpleRNN' | 'LSTM' | 'GRU';
const GATES: Readonly<Record<CellKind, number>> = { SimpleRNN: 1, LSTM: 4, GRU: 3 };
const TORCH_CLASS: Readonly<Record<CellKind, string>> = {
  SimpleRNN: 'nn.RNN',
  LSTM: 'nn.LSTM',
  GRU: 'nn.GRU',
};
/** Keras gate block j is PyTorch gate block ORDER[kind][j]. */
const ORDER: Readonly<Record<CellKind, readonly number[]>> = {
  SimpleRNN: [0],
  LSTM: [0, 1, 2, 3],
  GRU: [1, 0, 2],
};

/** What a seqcast layer needs from PyTorch: a recurrent module's layer, or a plain module. */
export function needs(layer: Layer): 'recurrent' | 'plain' | null {
  switch (layer.className) {
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
    case 'Bidirectional':
      return 'recurrent';
    case 'Dense':
    case 'TimeDistributed':
    case 'Embedding':
      return 'plain';
    default:
      return null;
  }
}

/** `layer 2 'lstm' (LSTM)`. */
export function layerLabel(layer: Layer, index: number): string {
  return `layer ${index} '${layer.name}' (${layer.className})`;
}

/**
 * The weights of `layer` (index `index` in the model) from `module` (layer `k` of it when recurrent), named
 * as the layer's weightSpecs name them; every PyTorch tensor read is added to `used`.
 */
export function layerWeights(
  layer: Layer,
  index: number,
  module: TorchModule,
  k: number,
  used: Set<string>,
  where: string,
): PlannedWeight[] {
  const label = layerLabel(layer, index);
  const fail = (message: string): never => {
    throw new SeqcastError('weights', `${where}: ${label}: ${message}`);
  };
  const kind = needs(layer);
  if (kind === null) return fail(`seqcast's ${layer.className} has weights but no PyTorch counterpart`);
  if (kind !== module.kind) {
    return fail(
      kind === 'recurrent'
        ? `${moduleLabel(module)} holds nn.Linear / nn.Embedding tensors (weight, bias), not an nn.RNN / nn.LSTM / nn.GRU's (weight_ih_l0, …); map the layer to the recurrent module with { names }`
        : `${moduleLabel(module)} is an nn.RNN / nn.LSTM / nn.GRU, not the nn.${layer.className === 'Embedding' ? 'Embedding' : 'Linear'} this layer needs; map the layer to the right module with { names }`,
    );
  }
  if (layer.className === 'Bidirectional') {
    const b = layer as unknown as { forwardLayer: Layer; backwardLayer: Layer };
    if (!module.bidirectional) {
      return fail(
        `${moduleLabel(module)} has no '_reverse' tensors: it is not bidirectional, so it cannot fill a Bidirectional; build the layer without bidirectional(), or save a module made with bidirectional=True`,
      );
    }
    return [
      ...cellWeights(b.forwardLayer, module, k, '', used, fail, false).map((w) => ({
        ...w,
        name: `forward/${w.name}`,
      })),
      ...cellWeights(b.backwardLayer, module, k, '_reverse', used, fail, true).map((w) => ({
        ...w,
        name: `backward/${w.name}`,
      })),
    ];
  }
  if (kind === 'recurrent') {
    if (module.bidirectional) {
      return fail(
        `${moduleLabel(module)} is bidirectional (it has '_reverse' tensors); wrap the layer in bidirectional() to hold both directions`,
      );
    }
    return cellWeights(layer, module, k, '', used, fail, false);
  }
  const inner = layer.className === 'TimeDistributed' ? (layer as unknown as { layer: Layer }).layer : layer;
  return plainWeights(inner, module, used, fail);
}

function cellWeights(
  layer: Layer,
  module: TorchModule,
  k: number,
  suffix: '' | '_reverse',
  used: Set<string>,
  fail: (m: string) => never,
  backwardHalf: boolean,
): PlannedWeight[] {
  const kind = layer.className as CellKind;
  const config = layer.getConfig();
  const U = config.units as number;
  const G = GATES[kind];
  const torchClass = TORCH_CLASS[kind];
  if (config.goBackwards !== backwardHalf) {
    fail(
      `goBackwards: true has no ${torchClass} counterpart (PyTorch runs a layer backwards only as the reverse half of bidirectional=True); build the layer with goBackwards: false`,
    );
  }
  const activations =
    kind === 'SimpleRNN'
      ? config.activation === 'tanh' || config.activation === 'relu'
      : config.activation === 'tanh' && config.recurrentActivation === 'sigmoid';
  if (!activations) {
    fail(
      kind === 'SimpleRNN'
        ? `activation '${String(config.activation)}' is not one of nn.RNN's nonlinearities; build it with activation 'tanh' (or 'relu' for nonlinearity='relu')`
        : `${torchClass} uses tanh and sigmoid, but this layer has activation '${String(config.activation)}' and recurrentActivation '${String(config.recurrentActivation)}'; build it with activation: 'tanh', recurrentActivation: 'sigmoid'`,
    );
  }
  if (kind === 'GRU' && config.resetAfter !== true) {
    fail(
      `resetAfter: false cannot hold PyTorch's GRU exactly: nn.GRU applies the reset gate after the recurrent product (r ⊙ (W_hn h + b_hn)), which is Keras's reset_after: true; build the GRU with resetAfter: true`,
    );
  }
  const name = (p: string): string => `${p}_l${k}${suffix}`;
  const get = (p: string): PyTorchTensor | undefined => module.tensors.get(name(p));
  if (get('weight_hr') !== undefined) {
    fail(
      `${moduleLabel(module)} has '${fullName(module, name('weight_hr'))}': an nn.LSTM with proj_size > 0, which seqcast's LSTM has no counterpart for; save an LSTM with proj_size=0`,
    );
  }
  const need = (p: string): PyTorchTensor => {
    const t = get(p);
    if (t === undefined) {
      fail(
        `${moduleLabel(module)} has no tensor '${fullName(module, name(p))}'; ` +
          (k >= module.layers
            ? `it has ${module.layers} layer(s) (num_layers), fewer than the seqcast layers mapped to it`
            : 'the state dict is incomplete: save the whole module'),
      );
    }
    used.add(fullName(module, name(p)));
    return t!;
  };
  const wHh = need('weight_hh');
  const wIh = need('weight_ih');
  const specs = layer.weightSpecs();
  const I = specs.find((s) => s.name === 'kernel')?.shape[0] ?? 0;
  const check = (p: string, t: PyTorchTensor, shape: readonly number[]): void => {
    if (t.shape.length !== shape.length || t.shape.some((d, a) => d !== shape[a])) {
      const hint =
        p === 'weight_hh' && t.shape.length === 2 && t.shape[1] > 0 && t.shape[0] % t.shape[1] === 0
          ? ` (the tensor is that of ${whatIs(t.shape[0] / t.shape[1], t.shape[1])})`
          : '';
      fail(
        `'${fullName(module, name(p))}' has shape ${formatShape(t.shape)} but ${kind === 'LSTM' ? 'an' : 'a'} ${kind} with ${U} units on ${I} input features needs ${formatShape(shape)} (${torchClass} with hidden_size ${U})${hint}`,
      );
    }
  };
  check('weight_hh', wHh, [G * U, U]);
  check('weight_ih', wIh, [G * U, I]);
  const hasBias = get('bias_ih') !== undefined || get('bias_hh') !== undefined;
  if (hasBias !== (config.useBias === true)) {
    fail(
      hasBias
        ? `${moduleLabel(module)} has biases but the layer has useBias: false; build it with useBias: true`
        : `${moduleLabel(module)} has no bias tensors (bias=False) but the layer has useBias: true; build it with useBias: false`,
    );
  }
  const bIh = hasBias ? need('bias_ih') : null;
  const bHh = hasBias ? need('bias_hh') : null;
  if (bIh !== null) check('bias_ih', bIh, [G * U]);
  if (bHh !== null) check('bias_hh', bHh, [G * U]);
  const order = ORDER[kind];
  const hasRecurrentBias = specs.some((s) => s.name === 'recurrent_bias');
  return specs.map((spec): PlannedWeight => {
    switch (spec.name) {
      case 'kernel':
        return { name: spec.name, shape: spec.shape, data: gateTranspose(wIh.data, I, U, order) };
      case 'recurrent_kernel':
        return { name: spec.name, shape: spec.shape, data: gateTranspose(wHh.data, U, U, order) };
      case 'bias': {
        const a = gateRows(bIh!.data, U, order);
        const b = gateRows(bHh!.data, U, order);
        if (kind === 'GRU') {
          const both = new Float64Array(2 * G * U);
          both.set(a, 0);
          both.set(b, G * U);
          return { name: spec.name, shape: spec.shape, data: both };
        }
        // a layer with recurrentBias holds b_hh on its own (recurrent_bias, below): PyTorch's parametrisation
        if (!hasRecurrentBias) for (let i = 0; i < a.length; i++) a[i] += b[i];
        return { name: spec.name, shape: spec.shape, data: a };
      }
      case 'recurrent_bias':
        return { name: spec.name, shape: spec.shape, data: gateRows(bHh!.data, U, order) };
      default:
        return fail(`seqcast's weight '${spec.name}' has no ${torchClass} counterpart`);
    }
  });
}

function whatIs(gates: number, hidden: number): string {
  const cls =
    gates === 1
      ? 'an nn.RNN'
      : gates === 3
        ? 'an nn.GRU'
        : gates === 4
          ? 'an nn.LSTM'
          : `a module of ${gates} gates`;
  return `${cls} with hidden_size ${hidden}`;
}

/** W [G·U, I] (torch gate blocks) → [I, G·U] (Keras gate blocks). */
function gateTranspose(w: ArrayLike<number>, I: number, U: number, order: readonly number[]): Float64Array {
  const G = order.length;
  const out = new Float64Array(I * G * U);
  for (let j = 0; j < G; j++) {
    const from = order[j] * U;
    for (let u = 0; u < U; u++) {
      for (let i = 0; i < I; i++) out[i * G * U + j * U + u] = w[(from + u) * I + i];
    }
  }
  return out;
}

/** b [G·U] (torch gate blocks) → [G·U] (Keras gate blocks). */
function gateRows(b: ArrayLike<number>, U: number, order: readonly number[]): Float64Array {
  const out = new Float64Array(order.length * U);
  order.forEach((from, j) => {
    for (let u = 0; u < U; u++) out[j * U + u] = b[from * U + u];
  });
  return out;
}

function plainWeights(
  layer: Layer,
  module: TorchModule,
  used: Set<string>,
  fail: (m: string) => never,
): PlannedWeight[] {
  const weight = module.tensors.get('weight');
  const bias = module.tensors.get('bias');
  const wName = `'${fullName(module, 'weight')}'`;
  if (weight === undefined) return fail(`${moduleLabel(module)} has no tensor ${wName}`);
  used.add(fullName(module, 'weight'));
  const specs = layer.weightSpecs();
  if (layer.className === 'Embedding') {
    if (bias !== undefined) {
      return fail(
        `${moduleLabel(module)} has a bias, so it is an nn.Linear, not the nn.Embedding this layer needs; map the layer to the right module with { names }`,
      );
    }
    const shape = specs[0].shape;
    if (weight.shape.length !== 2 || weight.shape[0] !== shape[0] || weight.shape[1] !== shape[1]) {
      fail(
        `${wName} has shape ${formatShape(weight.shape)} but the Embedding needs ${formatShape(shape)} (nn.Embedding(num_embeddings=${shape[0]}, embedding_dim=${shape[1]}))`,
      );
    }
    return [{ name: specs[0].name, shape, data: Float64Array.from(weight.data) }];
  }
  const kernel = specs.find((s) => s.name === 'kernel');
  if (kernel === undefined)
    return fail(`seqcast's ${layer.className} has no kernel; it has no nn.Linear counterpart`);
  const [inDim, outDim] = kernel.shape;
  if (weight.shape.length !== 2 || weight.shape[0] !== outDim || weight.shape[1] !== inDim) {
    fail(
      `${wName} has shape ${formatShape(weight.shape)} but a Dense of ${outDim} units on ${inDim} features needs ${formatShape([outDim, inDim])} (nn.Linear(in_features=${inDim}, out_features=${outDim}); its weight is [out, in])`,
    );
  }
  const hasBias = specs.some((s) => s.name === 'bias');
  if ((bias !== undefined) !== hasBias) {
    fail(
      bias !== undefined
        ? `${moduleLabel(module)} has a bias but the layer has useBias: false; build it with useBias: true`
        : `${moduleLabel(module)} has no bias (bias=False) but the layer has useBias: true; build it with useBias: false`,
    );
  }
  if (bias !== undefined) used.add(fullName(module, 'bias'));
  return specs.map((spec): PlannedWeight => {
    if (spec.name === 'kernel') {
      const out = new Float64Array(inDim * outDim);
      for (let o = 0; o < outDim; o++)
        for (let i = 0; i < inDim; i++) out[i * outDim + o] = weight.data[o * inDim + i];
      return { name: spec.name, shape: spec.shape, data: out };
    }
    if (spec.name === 'bias') {
      if (bias!.shape.length !== 1 || bias!.shape[0] !== outDim) {
        fail(
          `'${fullName(module, 'bias')}' has shape ${formatShape(bias!.shape)} but the Dense needs [${outDim}]`,
        );
      }
      return { name: spec.name, shape: spec.shape, data: Float64Array.from(bias!.data) };
    }
    return fail(`seqcast's weight '${spec.name}' has no nn.Linear counterpart`);
  });
}
