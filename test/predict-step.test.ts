// predictStep (issue 16): a model advanced one time step at a time gives at step t what predict gives at
// step t of the whole sequence (models that return sequences), and after the last step what predict gives
// (models that return their last output) — every layer kind, every backend, float32 and float64; a batch of B
// streams = B streams of batch 1; models loaded from a folder and from a model.json stream the same;
// predict stays stateless; a stateful model's states advance with it; bad calls get one clear line.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { BackendName, DType, Layer, Sequential, Tensor } from '../src/index.js';
import {
  availableBackends,
  bidirectional,
  dense,
  dropout,
  embedding,
  fromArtifacts,
  gru,
  lstm,
  masking,
  Random,
  sequential,
  simpleRNN,
  toArtifacts,
} from '../src/index.js';
import { loadModel, saveModel } from '../src/node.js';
import { expectSeqcastError } from './helpers/errors.js';
import { randomTensor } from './helpers/gradcheck.js';

const B = 3;
const F = 2;
const T = 5;

interface StreamCase {
  readonly layers: (rs: boolean) => Layer[];
  /** Integer indices for an Embedding instead of feature vectors. */
  readonly indices?: boolean;
  /** Zero steps in the input (padding after a sequence's end, read by Masking or maskZero). */
  readonly padded?: boolean;
}

const STACKS: Record<string, StreamCase> = {
  SimpleRNN: { layers: (rs) => [simpleRNN({ units: 3, returnSequences: rs })] },
  LSTM: { layers: (rs) => [lstm({ units: 3, returnSequences: rs })] },
  GRU: { layers: (rs) => [gru({ units: 3, returnSequences: rs })] },
  'GRU (resetAfter false) → Dense': {
    layers: (rs) => [gru({ units: 3, resetAfter: false, returnSequences: rs }), dense({ units: 2 })],
  },
  'LSTM → Dropout → Dense on sequences → GRU → Dense': {
    layers: (rs) => [
      lstm({ units: 3, returnSequences: true }),
      dropout({ rate: 0.3 }),
      dense({ units: 2, activation: 'tanh' }),
      gru({ units: 2, returnSequences: rs }),
      dense({ units: 1 }),
    ],
  },
  'Masking → LSTM → SimpleRNN (padded)': {
    layers: (rs) => [
      masking({ maskValue: 0 }),
      lstm({ units: 3, returnSequences: true }),
      simpleRNN({ units: 2, returnSequences: rs }),
    ],
    padded: true,
  },
  'Embedding (maskZero) → GRU → Dense (padded)': {
    layers: (rs) => [
      embedding({ inputDim: 6, outputDim: 3, maskZero: true }),
      gru({ units: 3, returnSequences: rs }),
      dense({ units: 2, activation: 'softmax' }),
    ],
    indices: true,
    padded: true,
  },
};

const CASES: [BackendName, DType][] = [
  ...availableBackends().map((b): [BackendName, DType] => [b, 'float32']),
  ['js', 'float64'],
];

function input(c: StreamCase, dtype: DType, batch = B): Tensor {
  const rng = new Random(13);
  if (c.indices) {
    const data = dtype === 'float64' ? new Float64Array(batch * T) : new Float32Array(batch * T);
    for (let i = 0; i < data.length; i++) data[i] = 1 + rng.int(5);
    if (c.padded) data.fill(0, 1 * T + 3, 2 * T); // sample 1 ends after step 3
    return { shape: [batch, T], data };
  }
  const x = randomTensor(rng, [batch, T, F], dtype, 0.2, 1);
  if (c.padded) x.data.fill(0, (1 * T + 3) * F, 2 * T * F);
  return x;
}

/** Step t of every sequence: [B, F] (or [B] of indices), or with the time axis [B, 1, F] ([B, 1]). */
function stepOf(x: Tensor, t: number, withTime: boolean): Tensor {
  const [n, len] = x.shape;
  const f = x.shape.length === 3 ? x.shape[2] : 1;
  const data = x.data instanceof Float64Array ? new Float64Array(n * f) : new Float32Array(n * f);
  for (let b = 0; b < n; b++) data.set(x.data.subarray((b * len + t) * f, (b * len + t + 1) * f), b * f);
  const rest = x.shape.length === 3 ? [f] : [];
  return { shape: withTime ? [n, 1, ...rest] : [n, ...rest], data };
}

/** predict's output at step t of a sequence output [N, T, W], as [N, W]. */
function outputAt(y: Tensor, t: number): Float64Array {
  const [n, len, w] = y.shape;
  const out = new Float64Array(n * w);
  for (let b = 0; b < n; b++) for (let j = 0; j < w; j++) out[b * w + j] = y.data[(b * len + t) * w + j];
  return out;
}

/**
 * Bit for bit: the same equations on the same weights, and one step's rows of every product computed as in
 * the whole sequence's (on every backend).
 */
function same(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  expect(Array.from(a), what).toEqual(Array.from(b));
}

function model(c: StreamCase, rs: boolean, backend: BackendName, dtype: DType): Sequential {
  return sequential(c.layers(rs), { inputShape: c.indices ? [null] : [null, F], seed: 3, backend, dtype });
}

/** Streams x through `m` step by step (from a reset) and compares with predict. */
function expectStreamsLikePredict(m: Sequential, x: Tensor, rs: boolean, dtype: DType, what: string): void {
  const whole = m.predict(x);
  m.resetStates();
  for (let t = 0; t < T; t++) {
    const withTime = t % 2 === 1; // both forms of a step
    const y = m.predictStep(stepOf(x, t, withTime));
    if (rs) {
      expect(y.shape, what).toEqual(
        withTime ? [x.shape[0], 1, whole.shape[2]] : [x.shape[0], whole.shape[2]],
      );
      same(y.data, outputAt(whole, t), `${what}, step ${t + 1}`);
    } else if (t === T - 1) {
      expect(y.shape, what).toEqual(whole.shape);
      same(y.data, whole.data, `${what}, after the last step`);
    }
  }
}

describe.each(CASES)('predictStep = predict, backend %s, %s', (backend, dtype) => {
  it.each(Object.keys(STACKS))('%s: every step of a sequence output, and the last output', (name) => {
    const c = STACKS[name];
    for (const rs of [true, false])
      expectStreamsLikePredict(model(c, rs, backend, dtype), input(c, dtype), rs, dtype, name);
  });

  it('a batch of B streams gives what B streams of batch 1 give, and resetStates() starts over', () => {
    const c = STACKS['LSTM → Dropout → Dense on sequences → GRU → Dense'];
    const m = model(c, true, backend, dtype);
    const x = input(c, dtype);
    const batched = Array.from({ length: T }, (_, t) => m.predictStep(stepOf(x, t, false)).data);
    for (let b = 0; b < B; b++) {
      m.resetStates();
      const one = { shape: [1, T, F], data: x.data.slice(b * T * F, (b + 1) * T * F) };
      for (let t = 0; t < T; t++) {
        const y = m.predictStep(stepOf(one, t, false)).data;
        same(y, batched[t].subarray(b, b + 1), `sample ${b}, step ${t + 1}`);
      }
    }
  });
});

describe('predictStep on loaded and stateful models', () => {
  const c = STACKS['GRU (resetAfter false) → Dense'];

  it('a model loaded from a saved folder and from a model.json streams as predict', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seqcast-stream-'));
    try {
      const original = model(c, true, 'js', 'float32');
      await saveModel(original, join(dir, 'm'));
      const x = input(c, 'float32');
      expectStreamsLikePredict(await loadModel(join(dir, 'm')), x, true, 'float32', 'from a folder');
      const fromJson = fromArtifacts(toArtifacts(model(c, false, 'js', 'float32')));
      expectStreamsLikePredict(fromJson, x, false, 'float32', 'from a model.json');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a model with a fixed number of timesteps streams past them', () => {
    const m = sequential([lstm({ units: 2, returnSequences: true })], { inputShape: [T, F], seed: 2 });
    const x = input(STACKS.LSTM, 'float32');
    expectStreamsLikePredict(m, x, true, 'float32', 'inputShape [T, F]');
    expect(m.predictStep(stepOf(x, 0, false)).shape).toEqual([B, 2]); // step T + 1
  });

  it("a stateful model's predictStep continues its states where predict left them, and resetStates() resets both", () => {
    const layers = (stateful: boolean): Layer[] => [
      gru({ units: 3, returnSequences: true, stateful }),
      dense({ units: 2 }),
    ];
    const plain = sequential(layers(false), { inputShape: [null, F], seed: 4 });
    const stateful = sequential(layers(true), { inputShape: [null, F], batchSize: B, seed: 1 });
    stateful.setWeights(plain.getWeights());
    const x = input(c, 'float32');
    const whole = plain.predict(x);
    const head = { shape: [B, 2, F], data: new Float32Array(B * 2 * F) };
    for (let b = 0; b < B; b++) head.data.set(x.data.subarray(b * T * F, (b * T + 2) * F), b * 2 * F);
    stateful.predict(head);
    for (let t = 2; t < T; t++) {
      same(stateful.predictStep(stepOf(x, t, false)).data, outputAt(whole, t), `step ${t + 1}`);
    }
    stateful.resetStates();
    same(stateful.predictStep(stepOf(x, 0, false)).data, outputAt(whole, 0), 'step 1 after resetStates()');
    expectSeqcastError(
      () => stateful.predictStep({ shape: [1, F], data: new Float32Array(F) }),
      'shape',
      /predictStep\(\): the stream holds 3 sequences since the last resetStates\(\), but x holds 1/,
    );
    stateful.resetStates();
    expectSeqcastError(
      () => stateful.predictStep({ shape: [1, F], data: new Float32Array(F) }),
      'shape',
      /predictStep\(\): the model is stateful with batchSize 3 but x holds 1 sequences/,
    );
  });
});

describe('predictStep refuses what it cannot do, in one line', () => {
  const x = { shape: [2, F], data: new Float32Array(2 * F) };

  it('predictStep on a Bidirectional model or a goBackwards layer: they read sequences from their end', () => {
    const bi = sequential([bidirectional(lstm({ units: 2 }))], { inputShape: [null, F], seed: 1 });
    expectSeqcastError(
      () => bi.predictStep(x),
      'config',
      /^predictStep\(\): layer 'bidirectional' \(Bidirectional\) reads each sequence from its last step, .*use predict\(\) on whole sequences$/,
    );
    const back = sequential([gru({ units: 2, goBackwards: true })], { inputShape: [null, F], seed: 1 });
    expectSeqcastError(
      () => back.predictStep(x),
      'config',
      /layer 'gru' \(GRU, goBackwards\) reads each sequence/,
    );
  });

  it('predictStep on a model of vectors, or with a step of the wrong shape or non-finite values', () => {
    const vectors = sequential([dense({ units: 1 })], { inputShape: [F], seed: 1 });
    expectSeqcastError(
      () => vectors.predictStep(x),
      'shape',
      /predictStep\(\): the model takes \[None, 2\] vectors, not sequences, so there is no time step to advance/,
    );
    const m = sequential([lstm({ units: 2 })], { inputShape: [null, F], seed: 1 });
    expectSeqcastError(
      () => m.predictStep({ shape: [2, 3], data: new Float32Array(6) }),
      'shape',
      /predictStep\(\): x has shape \[2, 3\], but one step of the model's input \[None, None, 2\] is \[None, 1, 2\] or \[None, 2\]/,
    );
    expectSeqcastError(
      () => m.predictStep({ shape: [2, 2, F], data: new Float32Array(8) }),
      'shape',
      /x has shape \[2, 2, 2\], but one step/,
    );
    expectSeqcastError(
      () => m.predictStep({ shape: [1, F], data: Float32Array.of(0, NaN) }),
      'non-finite',
      /predictStep\(\): x holds NaN at \[0, 1\]/,
    );
  });
});

describe('the README', () => {
  it("the README's streaming and stateful example runs against the built package and prints what it says", () => {
    const root = join(import.meta.dirname, '..');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
      .map((m) => m[1])
      .filter((b) => b.includes('predictStep('));
    expect(blocks).toHaveLength(1);
    const code = blocks[0].replace(
      /from 'seqcast'/g,
      `from '${pathToFileURL(join(root, 'dist', 'index.js')).href}'`,
    );
    const r = spawnSync('node', ['--input-type=module', '-e', code], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['true', '[ 2, 1 ] [ 2, 1 ]']);
  });
});
