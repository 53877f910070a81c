import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecurrentTrace } from '../src/index.js';
import {
  bidirectional,
  dense,
  gradientFlow,
  gru,
  lstm,
  adam,
  availableBackends,
  Bidirectional,
  Random,
  Recurrent,
  sequential,
  simpleRNN,
  trace,
} from '../src/index.js';
import { jsBackend } from '../src/entries/kernels.js';

describe("the gradient probe (dL/dh_t) is part of every backend's step", () => {
  const stacks = {
    simpleRNN: () => [simpleRNN({ units: 5, returnSequences: true }), simpleRNN({ units: 3 })],
    lstm: () => [lstm({ units: 6 })],
    'lstm(relu)': () => [lstm({ units: 4, activation: 'relu' })],
    gru: () => [bidirectional(gru({ units: 5 }))],
    'gru(resetAfter false)': () => [gru({ units: 4, resetAfter: false })],
  };
  const cases = availableBackends().flatMap((backend) =>
    Object.entries(stacks).map(([kind, make]) => ({ backend, kind, make })),
  );
  it.each(cases.map((c) => [`${c.kind} on ${c.backend}`, c] as const))(
    'training %s with the probe on gives bit-identical weights and losses to training without it',
    async (_title, { backend, make }) => {
      const rng = new Random(21);
      const [n, T, F] = [12, 7, 2];
      const x = { shape: [n, T, F], data: Float32Array.from({ length: n * T * F }, () => rng.normal()) };
      const y = { shape: [n, 1], data: Float32Array.from({ length: n }, () => rng.normal()) };
      const train = async (probe: boolean) => {
        const m = sequential([...make(), dense({ units: 1 })], { inputShape: [T, F], seed: 3, backend });
        const recurrent = m.layers.flatMap((l) =>
          l instanceof Bidirectional ? [l.forwardLayer, l.backwardLayer] : l instanceof Recurrent ? [l] : [],
        );
        for (const l of recurrent) l.probeGradients(probe);
        m.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'mse' });
        const h = await m.fit(x, y, { epochs: 2, batchSize: 4, seed: 1 });
        const probed = recurrent.map((l) => l.inspect().dh);
        return { loss: h.history.loss, weights: m.getWeights(), probed };
      };
      const on = await train(true);
      const off = await train(false);
      expect(on.loss).toEqual(off.loss);
      for (let i = 0; i < on.weights.length; i++) {
        const a = new Uint32Array(Float32Array.from(on.weights[i].data).buffer);
        const b = new Uint32Array(Float32Array.from(off.weights[i].data).buffer);
        expect(a, on.weights[i].name).toEqual(b);
      }
      // the probe did record: dL/dh_t of the last batch, finite and not all zero
      for (const dh of on.probed) {
        expect(dh).not.toBeNull();
        expect(dh!.every(Number.isFinite)).toBe(true);
        expect(dh!.some((v) => v !== 0)).toBe(true);
      }
      expect(off.probed.every((dh) => dh === null)).toBe(true);
    },
  );
});

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

describe('trace(model, x)', () => {
  it('trace of SimpleRNN(2) → Dense(1) equals the recurrence computed by hand, step by step', () => {
    const m = sequential([simpleRNN({ units: 2 }), dense({ units: 1 })], {
      inputShape: [3, 1],
      seed: 4,
      dtype: 'float64',
    });
    m.setWeight('simple_rnn/bias', [2], [0.1, -0.2]);
    const w = Object.fromEntries(m.getWeights().map((v) => [v.name, Array.from(v.data)]));
    const x = [0.5, -1, 2];
    const tr = trace(m, [[0.5], [-1], [2]]);
    const rnn = tr.layers[0] as RecurrentTrace;
    let h = [0, 0];
    x.forEach((xt, t) => {
      const next = [0, 1].map((j) =>
        Math.tanh(
          xt * w['simple_rnn/kernel'][j] +
            h[0] * w['simple_rnn/recurrent_kernel'][j] +
            h[1] * w['simple_rnn/recurrent_kernel'][2 + j] +
            w['simple_rnn/bias'][j],
        ),
      );
      expect(rnn.steps[t].x).toEqual([xt]);
      rnn.steps[t].values.h.forEach((v, j) => expect(v).toBeCloseTo(next[j], 12));
      h = next;
    });
    const o = h[0] * w['dense/kernel'][0] + h[1] * w['dense/kernel'][1] + w['dense/bias'][0];
    expect(tr.output[0]).toBeCloseTo(o, 12);
    expect(tr.layers[1]).toEqual({ kind: 'dense', layer: 'dense', output: tr.output });
  });

  it('trace of an LSTM shows c_t = f ⊙ c_{t-1} + i ⊙ g and h_t = o ⊙ tanh(c_t); of a GRU h_t = z ⊙ h_{t-1} + (1 − z) ⊙ candidate', () => {
    const x = [[0.3], [-0.7], [0.9], [0.1]];
    const l = trace(sequential([lstm({ units: 3 })], { inputShape: [4, 1], seed: 2, dtype: 'float64' }), x)
      .layers[0] as RecurrentTrace;
    let c = [0, 0, 0];
    for (const s of l.steps) {
      const { i, f, g, o, h } = s.values;
      c = c.map((cp, j) => f[j] * cp + i[j] * g[j]);
      c.forEach((v, j) => expect(s.values.c[j]).toBeCloseTo(v, 12));
      h.forEach((v, j) => expect(v).toBeCloseTo(o[j] * Math.tanh(c[j]), 12));
    }
    const g = trace(sequential([gru({ units: 3 })], { inputShape: [4, 1], seed: 2, dtype: 'float64' }), x)
      .layers[0] as RecurrentTrace;
    let hp = [0, 0, 0];
    for (const s of g.steps) {
      const { z, candidate, h } = s.values;
      h.forEach((v, j) => expect(v).toBeCloseTo(z[j] * hp[j] + (1 - z[j]) * candidate[j], 12));
      hp = [...h];
    }
  });

  it('trace of a Bidirectional layer labels its halves, the backward one reading the window from its end', () => {
    const tr = trace(sequential([bidirectional(gru({ units: 2 }))], { inputShape: [3, 1], seed: 1 }), [
      [1],
      [2],
      [3],
    ]);
    const [f, b] = tr.layers as RecurrentTrace[];
    expect([f.layer, f.direction, b.layer, b.direction]).toEqual([
      'bidirectional/forward',
      'forward',
      'bidirectional/backward',
      'backward',
    ]);
    expect(b.steps.map((s) => s.x[0])).toEqual([3, 2, 1]);
  });

  it('trace rejects more than one window', () => {
    const m = sequential([simpleRNN({ units: 2 })], { inputShape: [3, 1], seed: 1 });
    expect(() => trace(m, { shape: [2, 3, 1], data: new Float32Array(6) })).toThrow(/give one window/);
  });
});

describe('gradientFlow(model, x, y)', () => {
  it('gradientFlow agrees with central differences of the loss with respect to each h_t', () => {
    for (const make of [simpleRNN, lstm, gru]) {
      const T = 6;
      const U = 3;
      const rng = new Random(9);
      const xs = Float64Array.from({ length: T }, () => rng.uniformRange(-1, 1));
      const m = sequential([make({ units: U }), dense({ units: 1 })], {
        inputShape: [T, 1],
        seed: 3,
        dtype: 'float64',
      });
      const flow = gradientFlow(m, { shape: [1, T, 1], data: xs }, { shape: [1, 1], data: [0.25] });
      const weights = Object.fromEntries(m.getWeights().map((w) => [w.name, w.data]));
      const layer = m.layers[0] as unknown as {
        inspect(): { internals: Record<string, Float64Array> };
        name: string;
      };
      m.forward({ shape: [1, T, 1], data: xs });
      const internals = layer.inspect().internals;
      // L as a function of h_t: rerun steps t+1..T from (h_t, c_t) with a copy of the layer, then Dense, then MSE
      const lossFrom = (t: number, h: Float64Array): number => {
        let last = h;
        if (t < T) {
          const sub = make({ units: U });
          sub.build([null, 1], { dtype: 'float64', backend: jsBackend });
          const specs = sub.weightSpecs();
          sub.attach(
            specs.map((s) => Float64Array.from(weights[`${layer.name}/${s.name}`])),
            specs.map((s) => new Float64Array(weights[`${layer.name}/${s.name}`].length)),
          );
          const init = [{ shape: [1, U], data: h }];
          if ('c' in internals)
            init.push({ shape: [1, U], data: Float64Array.from(internals.c.subarray((t - 1) * U, t * U)) });
          last = Float64Array.from(sub.call({ shape: [1, T - t, 1], data: xs.slice(t) }, init).output.data);
        }
        let out = weights['dense/bias'][0];
        for (let j = 0; j < U; j++) out += last[j] * weights['dense/kernel'][j];
        return (out - 0.25) ** 2;
      };
      for (let t = 1; t <= T; t++) {
        const h = Float64Array.from(internals.h.subarray((t - 1) * U, t * U));
        let sq = 0;
        for (let j = 0; j < U; j++) {
          const up = Float64Array.from(h);
          const dn = Float64Array.from(h);
          up[j] += 1e-6;
          dn[j] -= 1e-6;
          sq += ((lossFrom(t, up) - lossFrom(t, dn)) / 2e-6) ** 2;
        }
        expect(Math.abs(flow.layers[0].gradH[t - 1] / Math.sqrt(sq) - 1), `${make.name} t=${t}`).toBeLessThan(
          1e-6,
        );
      }
      expect(flow.layers[0].gradX).toHaveLength(T);
      expect(m.grads.every((g) => g === 0)).toBe(true); // leaves no gradient behind
    }
  });
});

describe('seqcast explain vanishing', () => {
  it('seqcast explain vanishing --json gives ‖∂L/∂h_t‖ per step that agrees with gradientFlow for the same seed', () => {
    const r = spawnSync('node', [CLI, 'explain', 'vanishing', '--steps', '30', '--seed', '7', '--json'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { steps: number; models: { layer: string; gradNorm: number[] }[] };
    expect(doc.steps).toBe(30);
    expect(doc.models.map((mm) => mm.layer)).toEqual(['SimpleRNN', 'LSTM', 'GRU']);
    const rng = new Random(7);
    const x = { shape: [1, 30, 1], data: Float64Array.from({ length: 30 }, () => rng.uniformRange(-1, 1)) };
    [simpleRNN, lstm, gru].forEach((make, k) => {
      const m = sequential([make({ units: 32 }), dense({ units: 1 })], {
        inputShape: [30, 1],
        seed: 7,
        dtype: 'float64',
      });
      const g = gradientFlow(m, x, { shape: [1, 1], data: [0] }).layers[0].gradH;
      g.forEach((v, t) => expect(doc.models[k].gradNorm[t] / v).toBeCloseTo(1, 12));
      expect(g[29]).toBeGreaterThan(g[0]); // the gradient fades going back in time
    });
    const text = spawnSync('node', [CLI, 'explain', 'vanishing', '--steps', '30'], {
      encoding: 'utf8',
    }).stdout;
    expect(text).toMatch(
      /SimpleRNN .* the gradient falls [\d.]+ orders of magnitude from the last step to the first/s,
    );
  });
});

describe('seqcast explain vanishing --trained', () => {
  it('seqcast explain vanishing --trained --json adds the curves after training, which differ from the untrained ones', () => {
    const r = spawnSync('node', [CLI, 'explain', 'vanishing', '--steps', '20', '--trained', '--json'], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      models: { gradNorm: number[] }[];
      trainedModels: { layer: string; gradNorm: number[] }[];
    };
    expect(doc.trainedModels.map((m) => m.layer)).toEqual(['SimpleRNN', 'LSTM', 'GRU']);
    doc.trainedModels.forEach((m, k) => {
      expect(m.gradNorm).toHaveLength(20);
      expect(m.gradNorm).not.toEqual(doc.models[k].gradNorm);
    });
  });
});

describe('seqcast trace', () => {
  it('seqcast trace prints every step of a window and, for a small SimpleRNN, arithmetic that checks out', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const out = join(mkdtempSync(join(tmpdir(), 'seqcast-trace-')), 'air');
    expect(
      spawnSync(
        'node',
        [
          CLI,
          'train',
          'air-passengers',
          '--units',
          '2',
          '--epochs',
          '1',
          '--no-search',
          '--out',
          out,
          '--quiet',
        ],
        { encoding: 'utf8' },
      ).status,
    ).toBe(0);
    const r = spawnSync('node', [CLI, 'trace', join(out, 'model'), 'air-passengers'], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^window -1 of air-passengers: 1960-01-01 \.\. 1960-12-01 \(12 steps\)/);
    expect(r.stdout).toMatch(/^ {2}t=12 {2}1960-12-01 {2}x \[/m);
    const lines = r.stdout.split('\n').filter((l) => /^ {4}h\d+\[\d\] = tanh\(/.test(l));
    expect(lines).toHaveLength(24); // 12 steps × 2 units
    for (const l of lines) {
      const [, z, h] = /= tanh\((-?[\d.]+)\) = (-?[\d.]+)$/.exec(l)!;
      expect(Math.tanh(Number(z))).toBeCloseTo(Number(h), 3);
    }
    const json = JSON.parse(
      spawnSync('node', [CLI, 'trace', join(out, 'model'), 'air-passengers', '--window', '0', '--json'], {
        encoding: 'utf8',
      }).stdout,
    ) as {
      labels: string[];
      layers: { kind: string; steps?: unknown[] }[];
    };
    expect(json.labels[0]).toBe('1949-02-01'); // log-differences start one month in
    expect(json.layers.map((l) => l.kind)).toEqual(['recurrent', 'dense']);
    const bad = spawnSync('node', [CLI, 'trace', join(out, 'model'), 'air-passengers', '--window', '500'], {
      encoding: 'utf8',
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^seqcast: window 500 does not exist: the data holds windows 0 \.\. 131/);
    const input = spawnSync(
      'node',
      [CLI, 'trace', join(out, 'model'), '--input', '340,318,362,348,363,435,491,505,404,359,310,337,360'],
      { encoding: 'utf8' },
    );
    expect(input.status).toBe(0);
    expect(input.stdout).toMatch(/^window -1 of --input: 1 \.\. 12 \(12 steps\)/);
    const short = spawnSync('node', [CLI, 'trace', join(out, 'model'), '--input', '1,2,3'], {
      encoding: 'utf8',
    });
    expect(short.stderr.trim()).toBe(
      'seqcast: the data has 3 rows, but a window of 12 needs at least 13 (transform logDiff)',
    );
  });
});
