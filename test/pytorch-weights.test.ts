// PyTorch-trained weights in (issue 19): each model of scripts/fixtures/pytorch_weights.py (PyTorch from
// Debian's python3-torch) is built in seqcast, its state dict read from the .safetensors file PyTorch's weights
// were written to, and seqcast's predictions compared with PyTorch's on every backend. No Python here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackendName, Layer, PyTorchTensor, Sequential } from '../src/index.js';
import {
  availableBackends,
  bidirectional,
  dense,
  embedding,
  fromPyTorch,
  gru,
  lstm,
  readSafetensors,
  SeqcastError,
  sequential,
  simpleRNN,
  tensor,
  timeDistributed,
} from '../src/index.js';

interface Json {
  readonly shape: number[];
  readonly data: number[];
}
interface Case {
  readonly name: string;
  readonly file: string;
  readonly keys: string[];
  readonly input: Json;
  readonly output: Json;
}
interface Rounded extends Case {
  readonly dtype: 'F16' | 'BF16';
  readonly tensors: Record<string, Json>;
}

const dir = join(import.meta.dirname, 'fixtures', 'pytorch');
const fixture = JSON.parse(readFileSync(join(dir, 'pytorch.json'), 'utf8')) as {
  generatedBy: string;
  cases: Case[];
  rounded: Rounded[];
};
const read = (file: string) =>
  readSafetensors(new Uint8Array(readFileSync(join(dir, file))), { source: file });

/** The seqcast twin of each PyTorch model of the generator. */
const ARCHITECTURES: Record<string, () => { layers: Layer[]; inputShape: (number | null)[] }> = {
  rnn_linear: () => ({ layers: [simpleRNN({ units: 5 }), dense({ units: 2 })], inputShape: [5, 3] }),
  lstm_2_layers: () => ({
    layers: [lstm({ units: 4, returnSequences: true }), lstm({ units: 4, returnSequences: true })],
    inputShape: [5, 3],
  }),
  gru_time_major: () => ({ layers: [gru({ units: 5 })], inputShape: [5, 3] }),
  bidirectional_lstm: () => ({
    layers: [bidirectional(lstm({ units: 4, returnSequences: true }))],
    inputShape: [5, 3],
  }),
  bidirectional_gru_2_layers: () => ({
    layers: [bidirectional(gru({ units: 4, returnSequences: true })), bidirectional(gru({ units: 4 }))],
    inputShape: [5, 3],
  }),
  embedding_lstm_linear: () => ({
    layers: [embedding({ inputDim: 20, outputDim: 6 }), lstm({ units: 5 }), dense({ units: 3 })],
    inputShape: [5],
  }),
};

function build(name: string, backend?: BackendName, dtype: 'float32' | 'float64' = 'float32'): Sequential {
  const { layers, inputShape } = ARCHITECTURES[name]();
  return sequential(layers, { inputShape, seed: 7, backend, dtype });
}

function maxAbsDiff(a: ArrayLike<number>, b: readonly number[]): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const RUNS: BackendName[] = availableBackends();

describe(`PyTorch weights (${fixture.generatedBy})`, () => {
  it('the fixtures were generated (the test reads every case)', () => {
    expect(fixture.cases.map((c) => c.name).sort()).toEqual(Object.keys(ARCHITECTURES).sort());
    expect(RUNS).toContain('js');
  });

  describe.each(RUNS)('backend %s', (backend) => {
    it.each(fixture.cases.map((c) => [c.name, c] as const))(
      'fromPyTorch(model, readSafetensors(%s)) predicts what PyTorch predicts within 2e-5',
      (_, c) => {
        const model = build(c.name, backend);
        expect(model.backendName).toBe(backend);
        const tensors = read(c.file);
        expect([...tensors.keys()].sort()).toEqual([...c.keys].sort());
        fromPyTorch(model, tensors);
        const y = model.predict(tensor(Float32Array.from(c.input.data), c.input.shape));
        expect(y.shape).toEqual(c.output.shape);
        expect(maxAbsDiff(y.data, c.output.data)).toBeLessThan(2e-5);
      },
    );

    it.each(fixture.rounded.map((c) => [c.name, c] as const))(
      'fromPyTorch reads the %s file and predicts what PyTorch predicts with those weights',
      (_, c) => {
        const model = build('rnn_linear', backend);
        const tensors = read(c.file);
        for (const [name, t] of tensors) {
          expect(t.dtype).toBe(c.dtype);
          expect(t.data).toBeInstanceOf(Float32Array);
          expect(Array.from(t.data)).toEqual(c.tensors[name].data);
        }
        fromPyTorch(model, tensors);
        const y = model.predict(tensor(Float32Array.from(c.input.data), c.input.shape));
        expect(maxAbsDiff(y.data, c.output.data)).toBeLessThan(2e-5);
      },
    );
  });

  it("a layer with recurrentBias (PyTorch's parametrisation) holds b_ih and b_hh apart, and predicts the same", () => {
    for (const [name, layers, inputShape] of [
      ['rnn_linear', [simpleRNN({ units: 5, recurrentBias: true }), dense({ units: 2 })], [5, 3]],
      [
        'lstm_2_layers',
        [
          lstm({ units: 4, returnSequences: true, recurrentBias: true }),
          lstm({ units: 4, returnSequences: true, recurrentBias: true }),
        ],
        [5, 3],
      ],
    ] as const) {
      const c = caseNamed(name);
      const model = sequential([...layers], { inputShape: [...inputShape], seed: 7 });
      const tensors = read(c.file);
      fromPyTorch(model, tensors);
      const prefix = name === 'rnn_linear' ? 'rnn' : 'lstm';
      const first = model.getWeights().slice(0, 4);
      expect(first.map((x) => x.name.split('/').at(-1))).toEqual([
        'kernel',
        'recurrent_kernel',
        'bias',
        'recurrent_bias',
      ]);
      // gate order: nn.RNN has one gate, and LSTM's i, f, g, o is Keras's i, f, c, o: the biases as PyTorch's
      expect(Array.from(first[2].data)).toEqual(Array.from(tensors.get(`${prefix}.bias_ih_l0`)!.data));
      expect(Array.from(first[3].data)).toEqual(Array.from(tensors.get(`${prefix}.bias_hh_l0`)!.data));
      const y = model.predict(tensor(Float32Array.from(c.input.data), c.input.shape));
      expect(maxAbsDiff(y.data, c.output.data), name).toBeLessThan(2e-5);
    }
  });

  it('a float64 model holds the float32 weights exactly and predicts within 2e-5', () => {
    for (const c of fixture.cases) {
      const model = build(c.name, 'js', 'float64');
      const tensors = read(c.file);
      fromPyTorch(model, tensors);
      const y = model.predict(tensor(Float64Array.from(c.input.data), c.input.shape));
      expect(maxAbsDiff(y.data, c.output.data), c.name).toBeLessThan(2e-5);
    }
  });
});

/** A state dict in the order PyTorch lists it (module order), from a fixture file. */
function inModuleOrder(c: Case): Map<string, PyTorchTensor> {
  const tensors = read(c.file);
  return new Map(c.keys.map((k) => [k, tensors.get(k)!]));
}

const caseNamed = (name: string) => fixture.cases.find((c) => c.name === name)!;

describe('fromPyTorch: which module fills which layer', () => {
  it('fromPyTorch(model, tensors) maps modules in the order of the state dict, and returns the mapping', () => {
    const c = caseNamed('embedding_lstm_linear');
    const model = build(c.name);
    const mapping = fromPyTorch(model, inModuleOrder(c));
    expect(mapping).toEqual([
      { index: 0, layer: 'embedding', module: 'embedding', moduleLayer: null },
      { index: 1, layer: 'lstm', module: 'lstm', moduleLayer: 0 },
      { index: 2, layer: 'dense', module: 'head', moduleLayer: null },
    ]);
    const y = model.predict(tensor(Float32Array.from(c.input.data), c.input.shape));
    expect(maxAbsDiff(y.data, c.output.data)).toBeLessThan(2e-5);
  });

  it('fromPyTorch(model, tensors) finds the one order that fits when the file lists modules by name', () => {
    // the file lists embedding, head, lstm: only embedding, lstm, head fits the model
    const c = caseNamed('embedding_lstm_linear');
    const tensors = read(c.file);
    expect([...new Set([...tensors.keys()].map((k) => k.split('.')[0]))]).toEqual([
      'embedding',
      'head',
      'lstm',
    ]);
    const mapping = fromPyTorch(build(c.name), tensors);
    expect(mapping.map((m) => m.module)).toEqual(['embedding', 'lstm', 'head']);
  });

  it('fromPyTorch(model, tensors, { names }) maps layer indices to module prefixes; a 2-layer module fills two layers', () => {
    const c = caseNamed('lstm_2_layers');
    const model = build(c.name);
    const mapping = fromPyTorch(model, read(c.file), { names: { 0: 'lstm', 1: 'lstm' } });
    expect(mapping.map((m) => m.moduleLayer)).toEqual([0, 1]);
    const y = model.predict(tensor(Float32Array.from(c.input.data), c.input.shape));
    expect(maxAbsDiff(y.data, c.output.data)).toBeLessThan(2e-5);
  });

  it('fromPyTorch reads a bare module (no prefix) and fills TimeDistributed(Dense) from an nn.Linear', () => {
    const c = caseNamed('bidirectional_lstm');
    const t = read(c.file);
    const bare = new Map<string, PyTorchTensor>([...t].map(([k, v]) => [k.replace(/^encoder\./, ''), v]));
    const w = Float32Array.from({ length: 16 }, (_, i) => (i - 8) / 10);
    bare.set('fc.weight', { shape: [2, 8], data: w });
    bare.set('fc.bias', { shape: [2], data: new Float32Array([0.5, -0.25]) });
    const model = sequential(
      [bidirectional(lstm({ units: 4, returnSequences: true })), timeDistributed(dense({ units: 2 }))],
      { inputShape: [5, 3], seed: 1 },
    );
    fromPyTorch(model, bare, { names: { 0: '', 1: 'fc' } });
    const kernel = model.getWeights().find((x) => x.name.endsWith('/kernel') && x.shape[1] === 2)!;
    expect(kernel.shape).toEqual([8, 2]);
    expect(kernel.data[1 * 2 + 0]).toBeCloseTo(w[0 * 8 + 1], 7); // kernel[1, 0] = weight[0, 1]
  });
});

describe('fromPyTorch: every mismatch is one clear error and changes nothing', () => {
  const c = caseNamed('rnn_linear');
  const attempt = (
    model: Sequential,
    tensors: Map<string, PyTorchTensor>,
    names?: Record<number, string>,
  ) => {
    const before = model.getWeights();
    let error: unknown;
    try {
      fromPyTorch(model, tensors, names === undefined ? {} : { names });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SeqcastError);
    expect(model.getWeights()).toEqual(before);
    return (error as SeqcastError).message;
  };
  const rnnModel = () => build('rnn_linear');

  it('a missing tensor names the module and the tensor', () => {
    const t = inModuleOrder(c);
    t.delete('rnn.weight_hh_l0');
    expect(attempt(rnnModel(), t)).toMatch(
      /layer 0 'simple_rnn' \(SimpleRNN\): module 'rnn' has no tensor 'rnn\.weight_hh_l0'/,
    );
  });

  it('an extra tensor the model has no place for is named', () => {
    const t = inModuleOrder(c);
    t.set('extra.weight', { shape: [2, 2], data: new Float32Array(4) });
    expect(attempt(rnnModel(), t)).toMatch(
      /module 'extra' has no seqcast layer left to fill.*no order of the state dict's modules fits/,
    );
  });

  it('a tensor that is no parameter of a mapped module is named', () => {
    const t = inModuleOrder(c);
    t.set('bn.running_mean', { shape: [5], data: new Float32Array(5) });
    expect(attempt(rnnModel(), t)).toMatch(
      /tensor 'bn\.running_mean' is not a parameter of nn\.RNN, nn\.LSTM, nn\.GRU, nn\.Linear or nn\.Embedding/,
    );
  });

  it('a wrong shape gives the expected and the received shape', () => {
    const model = sequential([simpleRNN({ units: 6 }), dense({ units: 2 })], { inputShape: [5, 3], seed: 1 });
    expect(attempt(model, inModuleOrder(c))).toMatch(
      /'rnn\.weight_hh_l0' has shape \[5, 5\] but a SimpleRNN with 6 units on 3 input features needs \[6, 6\]/,
    );
  });

  it('an LSTM state dict on a GRU layer says which module kind the tensors are', () => {
    const l = caseNamed('lstm_2_layers');
    const model = sequential(
      [gru({ units: 4, returnSequences: true }), gru({ units: 4, returnSequences: true })],
      {
        inputShape: [5, 3],
        seed: 1,
      },
    );
    expect(attempt(model, inModuleOrder(l))).toMatch(/needs \[12, 4\].*an nn\.LSTM with hidden_size 4/);
  });

  it('a GRU built with resetAfter false cannot hold PyTorch GRU weights: build it with resetAfter true', () => {
    const g = caseNamed('gru_time_major');
    const model = sequential([gru({ units: 5, resetAfter: false })], { inputShape: [5, 3], seed: 1 });
    expect(attempt(model, inModuleOrder(g))).toMatch(
      /resetAfter: false cannot hold PyTorch's GRU exactly.*build the GRU with resetAfter: true/,
    );
  });

  it('a bidirectional module needs a Bidirectional layer, and the other way round', () => {
    const bi = caseNamed('bidirectional_lstm');
    const plain = sequential([lstm({ units: 4, returnSequences: true })], { inputShape: [5, 3], seed: 1 });
    expect(attempt(plain, inModuleOrder(bi))).toMatch(
      /is bidirectional.*wrap the layer in bidirectional\(\)/,
    );
    const l = caseNamed('lstm_2_layers');
    const wrapped = sequential(
      [bidirectional(lstm({ units: 4, returnSequences: true })), lstm({ units: 4 })],
      {
        inputShape: [5, 3],
        seed: 1,
      },
    );
    expect(attempt(wrapped, inModuleOrder(l))).toMatch(/has no '_reverse' tensors/);
  });

  it('more layers than the module has, and fewer, are errors naming the layer or the module', () => {
    const l = caseNamed('lstm_2_layers');
    const three = sequential(
      [0, 1, 2].map(() => lstm({ units: 4, returnSequences: true })),
      { inputShape: [5, 3], seed: 1 },
    );
    expect(attempt(three, inModuleOrder(l))).toMatch(/layer 2 'lstm_2' \(LSTM\) has no PyTorch module/);
    const one = sequential([lstm({ units: 4, returnSequences: true })], { inputShape: [5, 3], seed: 1 });
    expect(attempt(one, inModuleOrder(l))).toMatch(
      /module 'lstm' \(layer l1\) has no seqcast layer left to fill/,
    );
  });

  it('layer options PyTorch has no counterpart for are refused (activations, goBackwards, useBias)', () => {
    const hard = sequential([simpleRNN({ units: 5, activation: 'sigmoid' }), dense({ units: 2 })], {
      inputShape: [5, 3],
      seed: 1,
    });
    expect(attempt(hard, inModuleOrder(c))).toMatch(
      /activation 'sigmoid' is not one of nn\.RNN's nonlinearities/,
    );
    const back = sequential([simpleRNN({ units: 5, goBackwards: true }), dense({ units: 2 })], {
      inputShape: [5, 3],
      seed: 1,
    });
    expect(attempt(back, inModuleOrder(c))).toMatch(/goBackwards: true has no nn\.RNN counterpart/);
    const noBias = sequential([simpleRNN({ units: 5, useBias: false }), dense({ units: 2 })], {
      inputShape: [5, 3],
      seed: 1,
    });
    expect(attempt(noBias, inModuleOrder(c))).toMatch(
      /module 'rnn' has biases but the layer has useBias: false/,
    );
    const l = caseNamed('lstm_2_layers');
    const hardLstm = sequential(
      [lstm({ units: 4, returnSequences: true, recurrentActivation: 'hardSigmoid' }), lstm({ units: 4 })],
      { inputShape: [5, 3], seed: 1 },
    );
    expect(attempt(hardLstm, inModuleOrder(l))).toMatch(
      /nn\.LSTM uses tanh and sigmoid.*recurrentActivation: 'sigmoid'/,
    );
  });

  it('an ambiguous order asks for names, and bad names are named', () => {
    // two nn.Linear of the same shape listed in the other order cannot be told apart by shape... but they fit
    // in the given order; a state dict whose order does not fit and fits two ways asks for { names }
    const a = { shape: [3, 3], data: new Float32Array(9) };
    const bias = { shape: [3], data: new Float32Array(3) };
    const model = sequential([dense({ units: 3 }), simpleRNN({ units: 3 }), dense({ units: 3 })], {
      inputShape: [4, 3],
      seed: 1,
    });
    const rnn = {
      'rnn.weight_ih_l0': { shape: [3, 3], data: new Float32Array(9) },
      'rnn.weight_hh_l0': { shape: [3, 3], data: new Float32Array(9) },
      'rnn.bias_ih_l0': bias,
      'rnn.bias_hh_l0': bias,
    };
    const t = new Map<string, PyTorchTensor>(
      Object.entries({ ...rnn, 'a.weight': a, 'a.bias': bias, 'b.weight': a, 'b.bias': bias }),
    );
    expect(attempt(model, t)).toMatch(/2 orders of the state dict's modules fit the model: pass \{ names/);
    expect(attempt(model, t, { 0: 'a', 1: 'nope', 2: 'b' })).toMatch(
      /names\[1\] is "nope", which is no module of the state dict/,
    );
    expect(attempt(model, t, { 0: 'a', 2: 'b' })).toMatch(/names gives no module for layer 1 'simple_rnn'/);
    expect(attempt(model, t, { 0: 'a', 1: 'rnn', 2: 'a' })).toMatch(/more than one layer/);
    fromPyTorch(model, t, { names: { 0: 'a', 1: 'rnn', 2: 'b' } });
  });

  it('an nn.Linear weight of the wrong layout says the weight is [out, in]', () => {
    const t = inModuleOrder(c);
    t.set('fc.weight', { shape: [5, 2], data: new Float32Array(10) });
    expect(attempt(rnnModel(), t)).toMatch(
      /'fc\.weight' has shape \[5, 2\] but a Dense of 2 units on 5 features needs \[2, 5\].*\[out, in\]/,
    );
  });
});

describe('fromPyTorch: modules without biases, projections, and layers PyTorch has no counterpart for', () => {
  const zeros = (shape: number[]) => ({ shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });

  it('an nn.LSTM(bias=False) fills an LSTM built with useBias false, and is refused by one with useBias true', () => {
    const t = new Map<string, PyTorchTensor>([
      ['lstm.weight_ih_l0', { shape: [8, 3], data: Float32Array.from({ length: 24 }, (_, i) => i / 24) }],
      ['lstm.weight_hh_l0', zeros([8, 2])],
    ]);
    const model = sequential([lstm({ units: 2, useBias: false })], { inputShape: [4, 3], seed: 1 });
    fromPyTorch(model, t);
    const kernel = model.getWeights().find((w) => w.name === 'lstm/kernel')!;
    expect(kernel.shape).toEqual([3, 8]);
    expect(kernel.data[2 * 8 + 5]).toBeCloseTo((5 * 3 + 2) / 24, 7); // kernel[i=2, col 5] = W_ih[5, 2]
    const biased = sequential([lstm({ units: 2 })], { inputShape: [4, 3], seed: 1 });
    expect(() => fromPyTorch(biased, t)).toThrow(
      /module 'lstm' has no bias tensors \(bias=False\) but the layer has useBias: true; build it with useBias: false/,
    );
  });

  it('an nn.LSTM with proj_size > 0 is refused by name', () => {
    const t = new Map<string, PyTorchTensor>([
      ['lstm.weight_ih_l0', zeros([8, 3])],
      ['lstm.weight_hh_l0', zeros([8, 1])],
      ['lstm.weight_hr_l0', zeros([1, 2])],
    ]);
    const model = sequential([lstm({ units: 2, useBias: false })], { inputShape: [4, 3], seed: 1 });
    expect(() => fromPyTorch(model, t)).toThrow(/'lstm\.weight_hr_l0': an nn\.LSTM with proj_size > 0/);
  });

  it('a layer with weights that has no PyTorch counterpart is named', () => {
    // a custom layer (any object implementing Layer) with one weight
    const custom = {
      name: 'scale',
      className: 'Masking' as const,
      build: (shape: (number | null)[]) => shape,
      weightSpecs: () => [{ name: 'gamma', shape: [3], init: { kind: 'zeros' as const } }],
      attach: () => undefined,
      forward: (x: never) => x,
      backward: (d: never) => d,
      getConfig: () => ({ name: 'scale' }),
    };
    const model = sequential([custom as unknown as Layer], { inputShape: [4, 3], seed: 1 });
    expect(() => fromPyTorch(model, new Map([['s.weight', zeros([3])]]))).toThrow(
      /layer 0 'scale' \(Masking\) has weights but no PyTorch counterpart/,
    );
  });
});

describe('fromPyTorch: a sorted state dict says nothing of the order of its modules', () => {
  const linear = (v: number) => ({
    weight: { shape: [2, 2], data: new Float32Array([v, 0, 0, v]) },
    bias: { shape: [2], data: new Float32Array([v, v]) },
  });
  const model = () => sequential([dense({ units: 2 }), dense({ units: 2 })], { inputShape: [2], seed: 1 });
  const dict = (order: string[]) => {
    const m = new Map<string, PyTorchTensor>();
    order.forEach((prefix, i) => {
      const l = linear(i + 1);
      m.set(`${prefix}.bias`, l.bias);
      m.set(`${prefix}.weight`, l.weight);
    });
    return m;
  };

  it('fromPyTorch refuses to guess between modules of the same shapes when the tensors are sorted by name', () => {
    expect(() => fromPyTorch(model(), dict(['hidden', 'out']))).toThrow(
      /sorted by name \(as safetensors files do\), which says nothing of the order of its modules \('hidden', 'out'\), and 2 orders of them fit the model; pass \{ names/,
    );
  });

  it('fromPyTorch keeps the order of a state dict that is not sorted, and names settle a sorted one', () => {
    const m = model();
    expect(fromPyTorch(m, dict(['out', 'hidden'])).map((x) => x.module)).toEqual(['out', 'hidden']);
    const sorted = model();
    expect(
      fromPyTorch(sorted, dict(['hidden', 'out']), { names: { 0: 'out', 1: 'hidden' } }).map((x) => x.module),
    ).toEqual(['out', 'hidden']);
    expect(sorted.getWeights().find((w) => w.name === 'dense/bias')!.data).toEqual(new Float32Array([2, 2]));
  });
});
