// Masking (issue 16): a padded batch gives, for every sequence, what the sequence gives alone, unpadded —
// outputs and gradients — on every layer kind and backend, for pre- and post-padding; Keras's output rule at
// masked steps; the Masking layer itself.
import { describe, expect, it } from 'vitest';
import type { BackendName, DType, Layer, Sequential } from '../src/index.js';
import {
  adam,
  availableBackends,
  bidirectional,
  dense,
  gru,
  lstm,
  masking,
  Random,
  sequential,
  simpleRNN,
  tensor,
  toArtifacts,
  fromArtifacts,
} from '../src/index.js';

const F = 2;
const LENGTHS = [5, 2, 4, 1];
const T = 6;

type Stack = (rs: boolean) => Layer[];
const STACKS: Record<string, Stack> = {
  SimpleRNN: (rs) => [simpleRNN({ units: 3, returnSequences: rs })],
  LSTM: (rs) => [lstm({ units: 3, returnSequences: rs })],
  GRU: (rs) => [gru({ units: 3, returnSequences: rs })],
  'GRU (resetAfter false)': (rs) => [gru({ units: 3, resetAfter: false, returnSequences: rs })],
  'LSTM (goBackwards)': (rs) => [lstm({ units: 3, goBackwards: true, returnSequences: rs })],
  'Bidirectional(LSTM)': (rs) => [bidirectional(lstm({ units: 3, returnSequences: rs }))],
  'Bidirectional(GRU, sum)': (rs) => [
    bidirectional(gru({ units: 2, returnSequences: rs }), { mergeMode: 'sum' }),
  ],
  'LSTM → GRU': (rs) => [lstm({ units: 3, returnSequences: true }), gru({ units: 2, returnSequences: rs })],
  'LSTM → Dense on sequences → SimpleRNN': (rs) => [
    lstm({ units: 3, returnSequences: true }),
    dense({ units: 2, activation: 'tanh' }),
    simpleRNN({ units: 2, returnSequences: rs }),
  ],
};

/** N sequences of the given lengths, values never 0 (so no real step looks like padding). */
function sequences(rng: Random): number[][][] {
  return LENGTHS.map((L) =>
    Array.from({ length: L }, () =>
      Array.from({ length: F }, () => 0.2 + rng.uniform() * (rng.uniform() < 0.5 ? -1 : 1)),
    ),
  );
}

function padded(seqs: number[][][], padding: 'pre' | 'post', dtype: DType) {
  const data =
    dtype === 'float64' ? new Float64Array(seqs.length * T * F) : new Float32Array(seqs.length * T * F);
  seqs.forEach((s, i) => {
    const offset = padding === 'pre' ? T - s.length : 0;
    s.forEach((step, t) => step.forEach((v, f) => (data[(i * T + offset + t) * F + f] = v)));
  });
  return tensor(data, [seqs.length, T, F]);
}

function alone(s: number[][], dtype: DType) {
  const data = dtype === 'float64' ? Float64Array.from(s.flat()) : Float32Array.from(s.flat());
  return tensor(data, [1, s.length, F]);
}

/** The same stack with and without a Masking layer in front, sharing weights. */
function pair(stack: Stack, rs: boolean, backend: BackendName, dtype: DType): [Sequential, Sequential] {
  const withMask = sequential([masking(), ...stack(rs)], { inputShape: [null, F], seed: 7, backend, dtype });
  const plain = sequential(stack(rs), { inputShape: [null, F], seed: 1, backend, dtype });
  plain.setWeights(withMask.getWeights());
  return [withMask, plain];
}

const tolerance = (dtype: DType): number => (dtype === 'float64' ? 1e-12 : 2e-6);
function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  expect(a.length, what).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    expect(Math.abs(a[i] - b[i]), `${what} [${i}]: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(
      tol * (1 + Math.abs(b[i])),
    );
  }
}

const CASES: [BackendName, DType][] = [
  ...availableBackends().map((b): [BackendName, DType] => [b, 'float32']),
  ['js', 'float64'],
];

describe.each(CASES)('padded = unpadded, backend %s, %s', (backend, dtype) => {
  describe.each(Object.keys(STACKS))('%s', (name) => {
    it.each(['pre', 'post'] as const)(
      '%s-padding: the last output and every real step of the sequence output',
      (padding) => {
        const seqs = sequences(new Random(3));
        for (const rs of [false, true]) {
          const [withMask, plain] = pair(STACKS[name], rs, backend, dtype);
          const out = withMask.forward(padded(seqs, padding, dtype));
          const per = out.shape[out.shape.length - 1];
          seqs.forEach((s, i) => {
            const ref = plain.forward(alone(s, dtype)).data;
            if (!rs) {
              close(
                out.data.subarray(i * per, (i + 1) * per),
                ref,
                tolerance(dtype),
                `${name} ${padding} sample ${i}`,
              );
              return;
            }
            // outputs come in processing order: reversed in time for a layer that goes backwards
            const reversed = name.includes('goBackwards');
            const offset = (padding === 'pre') !== reversed ? T - s.length : 0;
            const real = out.data.subarray((i * T + offset) * per, (i * T + offset + s.length) * per);
            close(real, ref, tolerance(dtype), `${name} ${padding} sample ${i}, real steps`);
          });
        }
      },
    );
  });
});

describe.each(CASES)('gradients with a mask, backend %s, %s', (backend, dtype) => {
  it.each(Object.keys(STACKS))(
    "%s: the padded batch's weight gradients are the sum of each sequence's alone",
    (name) => {
      const seqs = sequences(new Random(5));
      for (const padding of ['pre', 'post'] as const) {
        const [withMask, plain] = pair(STACKS[name], false, backend, dtype);
        const rng = new Random(9);
        const out = withMask.forward(padded(seqs, padding, dtype));
        const per = out.shape[1];
        const r = Array.from({ length: seqs.length * per }, () => rng.uniform() - 0.5);
        withMask.zeroGrad();
        withMask.backward(
          tensor(dtype === 'float64' ? Float64Array.from(r) : Float32Array.from(r), [seqs.length, per]),
        );
        plain.zeroGrad();
        seqs.forEach((s, i) => {
          plain.forward(alone(s, dtype));
          const ri = r.slice(i * per, (i + 1) * per);
          plain.backward(
            tensor(dtype === 'float64' ? Float64Array.from(ri) : Float32Array.from(ri), [1, per]),
          );
        });
        close(
          withMask.grads,
          plain.grads,
          dtype === 'float64' ? 1e-11 : 2e-5,
          `${name} ${padding} gradients`,
        );
      }
    },
  );
});

describe('masked gradients against finite differences (float64)', () => {
  it.each(['LSTM', 'GRU', 'Bidirectional(LSTM)', 'LSTM → GRU'])(
    '%s, many-to-one and input gradient',
    (name) => {
      const seqs = sequences(new Random(11));
      const model = sequential([masking(), ...STACKS[name](false)], {
        inputShape: [T, F],
        seed: 4,
        dtype: 'float64',
      });
      const x = padded(seqs, 'post', 'float64');
      const rng = new Random(2);
      const per = model.forward(x).shape[1];
      const r = Float64Array.from({ length: seqs.length * per }, () => rng.uniform() - 0.5);
      const loss = (): number => {
        const out = model.forward(x).data;
        let sum = 0;
        for (let i = 0; i < out.length; i++) sum += out[i] * r[i];
        return sum;
      };
      model.forward(x);
      model.zeroGrad();
      model.backward(tensor(r, [seqs.length, per]));
      const analytic = Float64Array.from(model.grads);
      const p = model.params;
      for (let k = 0; k < p.length; k += Math.max(1, Math.floor(p.length / 25))) {
        const keep = p[k];
        p[k] = keep + 1e-6;
        const up = loss();
        p[k] = keep - 1e-6;
        const down = loss();
        p[k] = keep;
        const numeric = (up - down) / 2e-6;
        expect(Math.abs(numeric - analytic[k]), `${name} param ${k}`).toBeLessThan(
          1e-7 * (1 + Math.abs(numeric)),
        );
      }
    },
  );
});

describe("Keras's rule at masked steps", () => {
  it('a recurrent layer carries h through masked steps: post-padding repeats the last real output, pre-padding starts at 0', () => {
    const seqs = [
      [
        [0.5, -0.3],
        [0.1, 0.9],
      ],
    ];
    const model = sequential([masking(), lstm({ units: 2, returnSequences: true })], {
      inputShape: [4, F],
      seed: 1,
    });
    const post = Float32Array.from(model.forward(postPad(seqs[0])).data);
    expect(Array.from(post.subarray(4, 6))).toEqual(Array.from(post.subarray(2, 4)));
    expect(Array.from(post.subarray(6, 8))).toEqual(Array.from(post.subarray(2, 4)));
    const pre = model.forward(prePad(seqs[0]));
    expect(Array.from(pre.data.subarray(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(pre.data.subarray(6, 8))).toEqual(Array.from(post.subarray(2, 4)));
  });

  it('Bidirectional returning sequences outputs 0 at masked steps (Keras forces zero_output_for_mask)', () => {
    const model = sequential([masking(), bidirectional(gru({ units: 2, returnSequences: true }))], {
      inputShape: [4, F],
      seed: 1,
    });
    const out = model.forward(
      postPad([
        [0.5, -0.3],
        [0.1, 0.9],
      ]),
    );
    expect(Array.from(out.data.subarray(8, 16))).toEqual(new Array(8).fill(0));
    expect(out.data.subarray(0, 8).some((v) => v !== 0)).toBe(true);
  });
});

function postPad(s: number[][]) {
  const data = new Float32Array(4 * F);
  s.forEach((step, t) => step.forEach((v, f) => (data[t * F + f] = v)));
  return tensor(data, [1, 4, F]);
}
function prePad(s: number[][]) {
  const data = new Float32Array(4 * F);
  s.forEach((step, t) => step.forEach((v, f) => (data[(4 - s.length + t) * F + f] = v)));
  return tensor(data, [1, 4, F]);
}

describe('the Masking layer', () => {
  it('zeroes the masked steps, passes the mask on, and masks only steps whose every feature is maskValue', () => {
    const m = sequential([masking({ maskValue: -1 })], { inputShape: [3, 2], seed: 1 });
    const out = m.forward(tensor(new Float32Array([1, 2, -1, -1, -1, 5]), [1, 3, 2]));
    expect(Array.from(out.data)).toEqual([1, 2, 0, 0, -1, 5]);
    expect(Array.from(m.outputMask?.data ?? [])).toEqual([1, 0, 1]);
    const back = m.backward(tensor(new Float32Array([1, 1, 1, 1, 1, 1]), [1, 3, 2]));
    expect(Array.from(back.data)).toEqual([1, 1, 0, 0, 1, 1]);
    expect(() => masking({ maskValue: Number.NaN })).toThrow(/maskValue must be a finite number/);
    expect(() => masking({ mask: 0 } as never)).toThrow(/unknown option 'mask'/);
    expect(() => sequential([masking()], { inputShape: [3] })).toThrow(
      /Masking\) expects input of shape \[batch, timesteps, features\]/,
    );
  });

  it('round-trips through the Keras/TF.js topology', () => {
    const model = sequential([masking({ maskValue: 0.5 }), lstm({ units: 2 }), dense({ units: 1 })], {
      inputShape: [4, 2],
      seed: 1,
    });
    const artifacts = toArtifacts(model);
    const topology = artifacts.modelJson.modelTopology as { config: { layers: unknown[] } };
    expect(topology.config.layers[0]).toMatchObject({ class_name: 'Masking', config: { mask_value: 0.5 } });
    const back = fromArtifacts(artifacts);
    expect(back.layers[0].getConfig()).toMatchObject({ maskValue: 0.5 });
    const x = postPad([
      [0.5, -0.3],
      [0.1, 0.9],
    ]);
    expect(Array.from(back.forward(x).data)).toEqual(Array.from(model.forward(x).data));
  });

  it("a loss over masked sequence outputs is the mean over the real steps (Keras's apply_mask)", async () => {
    const model = sequential([masking(), lstm({ units: 2, returnSequences: true }), dense({ units: 1 })], {
      inputShape: [4, F],
      seed: 1,
    });
    model.compile({ optimizer: adam(), loss: 'mse' });
    const x = postPad([
      [0.5, -0.3],
      [0.2, 0.4],
      [-0.6, 0.1],
    ]); // 3 real steps, 1 padded
    const y = tensor(Float32Array.from([0.1, -0.2, 0.3, 99]), [1, 4, 1]); // the padded step's target must not count
    const out = model.predict(x).data;
    let sum = 0;
    for (let t = 0; t < 3; t++) sum += (out[t] - y.data[t]) ** 2;
    expect(model.evaluate(x, y).loss).toBeCloseTo(sum / 3, 6);
    // training moves only with the real steps: a target of 99 at the padded step changes nothing
    const twin = sequential([masking(), lstm({ units: 2, returnSequences: true }), dense({ units: 1 })], {
      inputShape: [4, F],
      seed: 1,
    });
    twin.compile({ optimizer: adam(), loss: 'mse' });
    await model.fit(x, y, { epochs: 2 });
    await twin.fit(x, tensor(Float32Array.from([0.1, -0.2, 0.3, -5]), [1, 4, 1]), { epochs: 2 });
    expect(Array.from(model.params)).toEqual(Array.from(twin.params));
    // the metrics weigh each step by the mask (Keras's MeanMetricWrapper): the padded step counts nothing
    const withMetric = sequential(
      [masking(), lstm({ units: 2, returnSequences: true }), dense({ units: 1 })],
      { inputShape: [4, F], seed: 1 },
    );
    withMetric.compile({ optimizer: adam(), loss: 'mse', metrics: ['mse', 'mae'] });
    const o = withMetric.predict(x).data;
    const r = withMetric.evaluate(x, y);
    let sq = 0;
    let abs = 0;
    for (let t = 0; t < 3; t++) {
      sq += (o[t] - y.data[t]) ** 2;
      abs += Math.abs(o[t] - y.data[t]);
    }
    expect(r.mse).toBe(sq / 3);
    expect(r.mae).toBe(abs / 3);
    expect(r.loss).toBeCloseTo(r.mse, 6);
  });
});
