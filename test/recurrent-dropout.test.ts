// Recurrent dropout (issue 16), Keras 3's semantics (keras/src/layers/rnn/{simple_rnn,lstm,gru}.py): in training,
// gate block k's recurrent product reads h_{t−1} ⊙ m_k, one [B, U] mask per gate block (SimpleRNN 1, LSTM 4,
// GRU 3) drawn once per call and reused at every step, kept units scaled by 1/(1 − rate); with input dropout
// too, an LSTM's or GRU's inputs get one mask per gate block as well. The carried state (and GRU's z ⊙ h_{t−1})
// is the real one. Identity at inference; seeded.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend, DType, FloatArray, Recurrent, Tensor } from '../src/index.js';
import {
  adam,
  availableBackends,
  bidirectional,
  dense,
  fromArtifacts,
  gru,
  lstm,
  masking,
  Random,
  resolveBackend,
  sequential,
  simpleRNN,
  tensor,
  toArtifacts,
} from '../src/index.js';
import type { NamedArray } from './helpers/gradcheck.js';
import { buildStandalone, dot, gradientCheck, randomTensor, relativeError } from './helpers/gradcheck.js';

type Kind = 'SimpleRNN' | 'LSTM' | 'GRU resetAfter' | 'GRU reset before';
const KINDS: readonly Kind[] = ['SimpleRNN', 'LSTM', 'GRU resetAfter', 'GRU reset before'];
const BLOCKS: Readonly<Record<Kind, number>> = {
  SimpleRNN: 1,
  LSTM: 4,
  'GRU resetAfter': 3,
  'GRU reset before': 3,
};

interface Rates {
  readonly dropout?: number;
  readonly recurrentDropout?: number;
  readonly seed?: number;
  readonly units?: number;
  readonly returnSequences?: boolean;
  readonly activation?: 'tanh' | 'linear';
}

function make(kind: Kind, r: Rates): Recurrent {
  const o = {
    units: r.units ?? 3,
    dropout: r.dropout ?? 0,
    recurrentDropout: r.recurrentDropout ?? 0,
    seed: r.seed ?? 7,
    returnSequences: r.returnSequences ?? true,
    ...(r.activation === undefined ? {} : { activation: r.activation }),
  };
  switch (kind) {
    case 'SimpleRNN':
      return simpleRNN(o);
    case 'LSTM':
      return lstm(o);
    case 'GRU resetAfter':
      return gru({ ...o, resetAfter: true });
    case 'GRU reset before':
      return gru({ ...o, resetAfter: false });
  }
}

/** The masks of a layer's last training call: the layer's [B, I] input mask or the cell's per-gate ones. */
interface Drops {
  readonly input: Float64Array | null;
  readonly perGateInput: boolean;
  readonly recurrent: Float64Array | null;
}

function dropsOf(layer: Recurrent): Drops {
  const single = (layer as unknown as { dropMask: FloatArray | null }).dropMask;
  const cell = layer.cell.dropout;
  const copy = (a: FloatArray | null): Float64Array | null => (a === null ? null : Float64Array.from(a));
  return {
    input: cell.input !== null ? copy(cell.input) : copy(single),
    perGateInput: cell.input !== null,
    recurrent: copy(cell.recurrent),
  };
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * Keras's cell equations with the given masks, written out from the Keras 3 `call()`s in plain loops: x
 * batch-major [B, T, F]; every step's output (returnSequences), [B, T, U]; a masked step (stepMask 0) carries
 * h and c unchanged, its output the carried h.
 */
function reference(
  kind: Kind,
  w: Readonly<Record<string, ArrayLike<number>>>,
  x: ArrayLike<number>,
  dims: { B: number; T: number; F: number; U: number },
  drops: Drops,
  stepMask: Uint8Array | null = null,
  act: (v: number) => number = Math.tanh,
): Float64Array {
  const { B, T, F, U } = dims;
  const n = BLOCKS[kind];
  const G = n * U;
  const W = w.kernel;
  const R = w.recurrent_kernel;
  const bias = w.bias;
  const out = new Float64Array(B * T * U);
  for (let b = 0; b < B; b++) {
    let h = new Float64Array(U);
    let c = new Float64Array(U);
    for (let t = 0; t < T; t++) {
      const xk = (k: number, i: number): number => {
        const v = x[(b * T + t) * F + i];
        if (drops.input === null) return v;
        return v * (drops.perGateInput ? drops.input[b * n * F + k * F + i] : drops.input[b * F + i]);
      };
      const hk = (k: number, j: number): number =>
        drops.recurrent === null ? h[j] : h[j] * drops.recurrent[b * n * U + k * U + j];
      const inProd = (k: number, col: number): number => {
        let s = 0;
        for (let i = 0; i < F; i++) s += xk(k, i) * W[i * G + k * U + col];
        return s;
      };
      const recProd = (k: number, col: number, v: (j: number) => number): number => {
        let s = 0;
        for (let j = 0; j < U; j++) s += v(j) * R[j * G + k * U + col];
        return s;
      };
      const hNew = new Float64Array(U);
      const cNew = new Float64Array(U);
      for (let j = 0; j < U; j++) {
        if (kind === 'SimpleRNN') {
          hNew[j] = act(inProd(0, j) + bias[j] + recProd(0, j, (q) => hk(0, q)));
        } else if (kind === 'LSTM') {
          const z = [0, 1, 2, 3].map((k) => inProd(k, j) + bias[k * U + j] + recProd(k, j, (q) => hk(k, q)));
          const i = sigmoid(z[0]);
          const f = sigmoid(z[1]);
          const g = Math.tanh(z[2]);
          const o = sigmoid(z[3]);
          cNew[j] = f * c[j] + i * g;
          hNew[j] = o * Math.tanh(cNew[j]);
        } else if (kind === 'GRU resetAfter') {
          const rec = (k: number): number => recProd(k, j, (q) => hk(k, q)) + bias[G + k * U + j];
          const z = sigmoid(inProd(0, j) + bias[j] + rec(0));
          const r = sigmoid(inProd(1, j) + bias[U + j] + rec(1));
          const hh = Math.tanh(inProd(2, j) + bias[2 * U + j] + r * rec(2));
          hNew[j] = z * h[j] + (1 - z) * hh; // the real h_{t−1}
        } else {
          const rAll = (q: number): number =>
            sigmoid(inProd(1, q) + bias[U + q] + recProd(1, q, (p) => hk(1, p)));
          const z = sigmoid(inProd(0, j) + bias[j] + recProd(0, j, (q) => hk(0, q)));
          const hh = Math.tanh(inProd(2, j) + bias[2 * U + j] + recProd(2, j, (q) => rAll(q) * hk(2, q)));
          hNew[j] = z * h[j] + (1 - z) * hh;
        }
      }
      if (stepMask === null || stepMask[b * T + t] !== 0) {
        h = hNew;
        c = cNew;
      }
      out.set(h, (b * T + t) * U);
    }
  }
  return out;
}

const byName = (ws: readonly NamedArray[]): Record<string, FloatArray> =>
  Object.fromEntries(ws.map((w) => [w.name, w.data]));

/** A standalone layer with random weights, trained-mode call and backward: outputs, gradients, masks. */
function standalone(
  kind: Kind,
  rates: Rates,
  dims: { B: number; T: number; F: number; U: number },
  dtype: DType,
  backend: Backend,
  stepMask: Uint8Array | null = null,
): {
  layer: Recurrent;
  weights: readonly NamedArray[];
  grads: readonly NamedArray[];
  x: Tensor;
  dy: Float64Array;
  y: Float64Array;
  dx: Float64Array;
  drops: Drops;
} {
  const { B, T, F, U } = dims;
  const layer = make(kind, { units: U, ...rates });
  const { weights, grads } = buildStandalone(layer, [T, F], new Random(11), dtype, backend);
  const x = randomTensor(new Random(12), [B, T, F], dtype);
  const dy = Float64Array.from(randomTensor(new Random(13), [B, T, U]).data);
  layer.setInputMask(stepMask === null ? null : { batch: B, steps: T, data: stepMask });
  const y = Float64Array.from(layer.call(x, undefined, true).output.data);
  const d = dtype === 'float64' ? dy : Float32Array.from(dy);
  const dx = Float64Array.from(layer.backwardCall({ shape: [B, T, U], data: d }).dx.data);
  return { layer, weights, grads, x, dy, y, dx, drops: dropsOf(layer) };
}

const DIMS = { B: 3, T: 4, F: 2, U: 3 };
const RATES: Rates = { dropout: 0.3, recurrentDropout: 0.4 };
/** A [B, T] step mask with padding at the end of row 0 and at the start of row 2. */
const STEP_MASK = Uint8Array.from([1, 1, 0, 0, 1, 1, 1, 1, 0, 1, 1, 1]);

describe('recurrent dropout, forward: Keras 3 equations', () => {
  it.each(KINDS)(
    '%s: a training call equals the Keras cell equations with its masks (per gate block, reused at every step)',
    (kind) => {
      for (const stepMask of [null, STEP_MASK]) {
        const s = standalone(kind, RATES, DIMS, 'float64', resolveBackend('js', 'float64'), stepMask);
        expect(s.drops.recurrent).not.toBeNull();
        expect(s.drops.recurrent!.length).toBeGreaterThanOrEqual(DIMS.B * BLOCKS[kind] * DIMS.U);
        expect(s.drops.recurrent!.some((v) => v === 0)).toBe(true);
        expect(s.drops.perGateInput).toBe(kind !== 'SimpleRNN');
        const ref = reference(kind, byName(s.weights), s.x.data, DIMS, s.drops, stepMask);
        expect(relativeError(s.y, ref)).toBeLessThan(1e-12);
        // and not the equations without the recurrent masks
        const plain = reference(kind, byName(s.weights), s.x.data, DIMS, { ...s.drops, recurrent: null });
        expect(relativeError(s.y, plain)).toBeGreaterThan(1e-3);
      }
    },
  );

  it('recurrentDropout alone leaves the inputs undropped; dropout alone keeps one [B, I] input mask', () => {
    for (const kind of KINDS) {
      const r = standalone(kind, { recurrentDropout: 0.5 }, DIMS, 'float64', resolveBackend('js', 'float64'));
      expect(r.drops.input).toBeNull();
      expect(relativeError(r.y, reference(kind, byName(r.weights), r.x.data, DIMS, r.drops))).toBeLessThan(
        1e-12,
      );
      const d = standalone(kind, { dropout: 0.5 }, DIMS, 'float64', resolveBackend('js', 'float64'));
      expect(d.drops.recurrent).toBeNull();
      expect(d.drops.perGateInput).toBe(false);
      expect(relativeError(d.y, reference(kind, byName(d.weights), d.x.data, DIMS, d.drops))).toBeLessThan(
        1e-12,
      );
    }
  });
});

describe('recurrent dropout, backward: float64 finite differences with the masks fixed', () => {
  it.each(KINDS.flatMap((k) => [[k, 'no step mask'] as const, [k, 'a step mask'] as const]))(
    '%s (%s): every weight gradient and dx match central differences of the Keras equations',
    (kind, masked) => {
      const stepMask = masked === 'a step mask' ? STEP_MASK : null;
      const s = standalone(kind, RATES, DIMS, 'float64', resolveBackend('js', 'float64'), stepMask);
      const w = byName(s.weights);
      const loss = (): number => dot(reference(kind, w, s.x.data, DIMS, s.drops, stepMask), s.dy);
      const checks = gradientCheck(
        [...s.weights.map((v) => ({ name: v.name, value: v.data })), { name: 'x', value: s.x.data }],
        loss,
        () => [...s.grads.map((g) => g.data), s.dx],
      );
      for (const c of checks) {
        expect(c.scale, c.name).toBeGreaterThan(1e-3);
        expect(c.error, c.name).toBeLessThan(1e-7);
      }
    },
  );

  it('two backward passes give twice the gradient (backward accumulates)', () => {
    const s = standalone('LSTM', RATES, DIMS, 'float64', resolveBackend('js', 'float64'));
    const once = s.grads.map((g) => Float64Array.from(g.data));
    s.layer.backwardCall({ shape: [DIMS.B, DIMS.T, DIMS.U], data: s.dy });
    s.grads.forEach((g, k) => {
      for (let i = 0; i < g.data.length; i++) expect(g.data[i]).toBeCloseTo(2 * once[k][i], 12);
    });
  });
});

describe('recurrent dropout on every backend', () => {
  const SHAPES = [
    { B: 1, T: 1, F: 1, U: 1 },
    { B: 5, T: 6, F: 3, U: 7 },
    { B: 4, T: 3, F: 5, U: 17 },
  ];
  it.each(KINDS)(
    '%s: float32 outputs and gradients on every backend agree with js, on the same masks; float64 bit-identical',
    (kind) => {
      for (const dims of SHAPES) {
        const js = standalone(kind, RATES, dims, 'float32', resolveBackend('js', 'float32'));
        for (const name of availableBackends()) {
          const be = resolveBackend(name, 'float32');
          const other = standalone(kind, RATES, dims, 'float32', be);
          expect(other.drops).toEqual(js.drops);
          expect(relativeError(other.y, js.y), `${name} y`).toBeLessThan(2e-6);
          expect(relativeError(other.dx, js.dx), `${name} dx`).toBeLessThan(1e-5);
          other.grads.forEach((g, k) =>
            expect(relativeError(g.data, js.grads[k].data), `${name} ${g.name}`).toBeLessThan(1e-5),
          );
          // float64 computes in JavaScript on every backend: bit-identical
          const a = standalone(kind, RATES, dims, 'float64', resolveBackend('js', 'float64'));
          const b = standalone(kind, RATES, dims, 'float64', be);
          expect(b.y).toEqual(a.y);
          expect(b.dx).toEqual(a.dx);
        }
      }
    },
  );
});

describe('the recurrent dropout masks', () => {
  it.each(KINDS)(
    '%s: about 1 − rate of the units kept, each scaled by 1/(1 − rate), mean ≈ 1; new masks every call',
    (kind) => {
      const dims = { B: 40, T: 2, F: 30, U: 50 };
      const rate = 0.3;
      const s = standalone(
        kind,
        { dropout: rate, recurrentDropout: rate },
        dims,
        'float32',
        resolveBackend('js', 'float32'),
      );
      const n = BLOCKS[kind];
      const check = (m: Float64Array, size: number): void => {
        const v = m.subarray(0, size);
        const kept = v.filter((e) => e !== 0);
        expect(kept.every((e) => e === Math.fround(1 / (1 - rate)))).toBe(true);
        const sd = Math.sqrt((rate * (1 - rate)) / size);
        expect(Math.abs(kept.length / size - (1 - rate))).toBeLessThan(4 * sd);
        let sum = 0;
        for (const e of v) sum += e;
        expect(Math.abs(sum / size - 1)).toBeLessThan((4 * sd) / (1 - rate));
      };
      check(s.drops.recurrent!, dims.B * n * dims.U);
      check(s.drops.input!, dims.B * (kind === 'SimpleRNN' ? 1 : n) * dims.F);
      if (n > 1) {
        // one mask per gate block: the blocks of a row differ
        const m = s.drops.recurrent!;
        const block = (k: number): number[] => Array.from(m.subarray(k * dims.U, (k + 1) * dims.U));
        expect(block(1)).not.toEqual(block(0));
      }
      s.layer.call(s.x, undefined, true);
      expect(dropsOf(s.layer).recurrent).not.toEqual(s.drops.recurrent);
    },
  );

  it('the scaled expectation: a linear SimpleRNN averaged over many training calls gives its inference output', () => {
    const B = 2;
    const layer = simpleRNN({ units: 4, activation: 'linear', recurrentDropout: 0.5, seed: 3 });
    buildStandalone(layer, [2, 3], new Random(5), 'float64');
    const x = randomTensor(new Random(6), [B, 2, 3], 'float64');
    const expected = Float64Array.from(layer.call(x).output.data); // h_2 = x_2 W + b + (h_1 ⊙ m) U, linear in m
    const N = 4000;
    const sum = new Float64Array(expected.length);
    const sq = new Float64Array(expected.length);
    for (let k = 0; k < N; k++) {
      const y = layer.call(x, undefined, true).output.data;
      for (let i = 0; i < y.length; i++) {
        sum[i] += y[i];
        sq[i] += y[i] * y[i];
      }
    }
    for (let i = 0; i < expected.length; i++) {
      const mean = sum[i] / N;
      const sd = Math.sqrt(sq[i] / N - mean * mean);
      expect(sd).toBeGreaterThan(1e-3); // the masks do vary the output
      expect(Math.abs(mean - expected[i])).toBeLessThan((5 * sd) / Math.sqrt(N));
    }
  });
});

describe('recurrent dropout at inference', () => {
  it.each(KINDS)('%s: exactly the layer without dropout, before and after a training call', (kind) => {
    const withDrop = sequential([make(kind, RATES)], { inputShape: [5, 3], seed: 2 });
    const plain = sequential([make(kind, {})], { inputShape: [5, 3], seed: 2 });
    plain.setWeights(withDrop.getWeights());
    const x = tensor(Float32Array.from(randomTensor(new Random(1), [4, 5, 3]).data), [4, 5, 3]);
    const expected = Array.from(plain.predict(x).data);
    expect(Array.from(withDrop.predict(x).data)).toEqual(expected);
    expect(Array.from(withDrop.forward(x, true).data)).not.toEqual(expected);
    expect(Array.from(withDrop.forward(x).data)).toEqual(expected);
  });
});

const X = (n: number, seed: number): Float32Array => {
  const r = new Random(seed);
  return Float32Array.from({ length: n }, () => r.uniformRange(-1, 1));
};

describe('training with recurrent dropout', () => {
  it.each(KINDS)(
    '%s: the same seeds train to the same weights; another layer seed to others',
    async (kind) => {
      const train = async (seed: number): Promise<number[]> => {
        const m = sequential([make(kind, { ...RATES, seed, returnSequences: false }), dense({ units: 1 })], {
          inputShape: [6, 2],
          seed: 11,
        });
        m.compile({ optimizer: adam(), loss: 'mse' });
        await m.fit(tensor(X(24 * 12, 1), [24, 6, 2]), tensor(X(24, 3), [24, 1]), {
          epochs: 2,
          batchSize: 8,
          seed: 1,
        });
        return Array.from(m.params);
      };
      const a = await train(4);
      expect(await train(4)).toEqual(a);
      expect(await train(5)).not.toEqual(a);
    },
  );

  it('LSTM and GRU with dropout and recurrentDropout (and a Bidirectional GRU) learn a small task: the loss falls', async () => {
    // y = the mean of the sequence, from 10 steps of one feature
    const N = 96;
    const T = 10;
    const xs = X(N * T, 21);
    const ys = Float32Array.from({ length: N }, (_, b) => {
      let s = 0;
      for (let t = 0; t < T; t++) s += xs[b * T + t];
      return s / T;
    });
    const x = tensor(xs, [N, T, 1]);
    const y = tensor(ys, [N, 1]);
    for (const layer of [
      lstm({ units: 12, dropout: 0.1, recurrentDropout: 0.2 }),
      gru({ units: 12, dropout: 0.1, recurrentDropout: 0.2, resetAfter: false }),
      bidirectional(gru({ units: 6, recurrentDropout: 0.2 })),
    ]) {
      const m = sequential([layer, dense({ units: 1 })], { inputShape: [T, 1], seed: 3 });
      m.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'mse' });
      const before = m.evaluate(x, y).loss;
      const history = await m.fit(x, y, { epochs: 30, batchSize: 16, seed: 2 });
      const losses = history.history.loss;
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[losses.length - 1]).toBeLessThan(0.5 * losses[0]);
      expect(m.evaluate(x, y).loss).toBeLessThan(0.3 * before);
    }
  });

  it('with masking: padded steps change nothing, forward or backward, and a masked model trains', async () => {
    const { B, T, F, U } = DIMS;
    const js = resolveBackend('js', 'float64');
    for (const kind of KINDS) {
      const a = standalone(kind, RATES, DIMS, 'float64', js, STEP_MASK);
      // the same call with other values at the padded steps: the same masks, outputs at real steps, gradients
      const layer = make(kind, { units: U, ...RATES });
      const { grads } = buildStandalone(layer, [T, F], new Random(11), 'float64', js);
      const x = Float64Array.from(a.x.data);
      for (let i = 0; i < B * T; i++) if (STEP_MASK[i] === 0) x.fill(9, i * F, (i + 1) * F);
      layer.setInputMask({ batch: B, steps: T, data: STEP_MASK });
      const y = layer.call({ shape: [B, T, F], data: x }, undefined, true).output.data;
      expect(dropsOf(layer)).toEqual(a.drops);
      expect(Array.from(y)).toEqual(Array.from(a.y));
      const dx = layer.backwardCall({ shape: [B, T, U], data: a.dy }).dx.data;
      grads.forEach((g, k) => expect(Array.from(g.data)).toEqual(Array.from(a.grads[k].data)));
      for (let i = 0; i < B * T; i++) {
        if (STEP_MASK[i] === 0) for (let f = 0; f < F; f++) expect(dx[i * F + f]).toBe(0);
      }
    }
    const xs = X(32 * 8 * 2, 5);
    for (let b = 0; b < 32; b++) xs.fill(0, (b * 8 + 8 - (b % 4)) * 2, (b + 1) * 8 * 2);
    const m = sequential(
      [masking({ maskValue: 0 }), lstm({ units: 6, recurrentDropout: 0.3 }), dense({ units: 1 })],
      {
        inputShape: [8, 2],
        seed: 4,
      },
    );
    m.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'mse' });
    const history = await m.fit(tensor(xs, [32, 8, 2]), tensor(X(32, 6), [32, 1]), {
      epochs: 15,
      batchSize: 8,
    });
    const losses = history.history.loss;
    expect(losses[losses.length - 1]).toBeLessThan(losses[0]);
  });
});

describe('models from other libraries with recurrent dropout', () => {
  beforeAll(async () => {
    tf.enableProdMode();
    await tf.setBackend('cpu');
  });

  it('a TF.js LSTM and GRU with dropout and recurrentDropout load, predict as TF.js does, and train', async () => {
    const theirs = tf.sequential();
    theirs.add(
      tf.layers.lstm({
        units: 4,
        recurrentActivation: 'sigmoid',
        dropout: 0.2,
        recurrentDropout: 0.3,
        returnSequences: true,
        inputShape: [5, 2],
      }),
    );
    theirs.add(tf.layers.gru({ units: 3, recurrentActivation: 'sigmoid', recurrentDropout: 0.25 }));
    theirs.add(tf.layers.dense({ units: 1 }));
    let artifacts: tf.io.ModelArtifacts | null = null;
    await theirs.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const a = artifacts! as tf.io.ModelArtifacts;
    const ours = fromArtifacts({
      modelJson: {
        format: a.format,
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: ['w.bin'], weights: a.weightSpecs! }],
      },
      weightData: a.weightData as ArrayBuffer,
    });
    expect(ours.layers[0].getConfig()).toMatchObject({ dropout: 0.2, recurrentDropout: 0.3 });
    expect(ours.layers[1].getConfig()).toMatchObject({ recurrentDropout: 0.25, resetAfter: false });
    const x = X(6 * 10, 9);
    const expected = tf.tidy(
      () => (theirs.predict(tf.tensor(x, [6, 5, 2])) as tf.Tensor).dataSync() as Float32Array,
    );
    const got = ours.predict(tensor(x, [6, 5, 2])).data;
    for (let i = 0; i < expected.length; i++) expect(Math.abs(got[i] - expected[i])).toBeLessThan(1e-5);
    await trains(ours);
    theirs.dispose();
  });

  it('a Keras config with recurrent_dropout 0.25, dropout 0.1, implementation 1 and a seed loads and trains', async () => {
    const model = sequential([lstm({ units: 3 }), dense({ units: 1 })], { inputShape: [5, 2], seed: 1 });
    const { modelJson, weightData } = toArtifacts(model);
    const json = structuredClone(modelJson) as unknown as {
      modelTopology: { config: { layers: { config: Record<string, unknown> }[] } };
    };
    Object.assign(json.modelTopology.config.layers[0].config, {
      recurrent_dropout: 0.25,
      dropout: 0.1,
      implementation: 1, // what Keras 2 writes when recurrent_dropout forces it
      seed: 42,
    });
    const loaded = fromArtifacts({ modelJson: json as never, weightData });
    expect(loaded.layers[0].getConfig()).toMatchObject({ recurrentDropout: 0.25, dropout: 0.1, seed: 42 });
    await trains(loaded);
    // and written back with its rates
    const back = toArtifacts(loaded).modelJson as unknown as typeof json;
    expect(back.modelTopology.config.layers[0].config).toMatchObject({
      recurrent_dropout: 0.25,
      dropout: 0.1,
    });
  });
});

/** fit() runs with the model's dropout, changes the weights and keeps every loss finite. */
async function trains(m: ReturnType<typeof sequential>): Promise<void> {
  const before = Float64Array.from(m.params);
  m.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'mse' });
  const history = await m.fit(tensor(X(16 * 10, 2), [16, 5, 2]), tensor(X(16, 3), [16, 1]), {
    epochs: 3,
    batchSize: 4,
  });
  expect(history.history.loss.every(Number.isFinite)).toBe(true);
  expect(Array.from(m.params)).not.toEqual(Array.from(before));
}
