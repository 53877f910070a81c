// Masked sequences against PyTorch's packed sequences (issue 16): the final states of a PackedSequence through
// torch.nn.{RNN, LSTM, GRU} (one layer, optionally bidirectional) equal seqcast's output for the same sequences
// post-padded and masked, and so do the gradients of sum(h_n · w) with respect to the weights and the input.
// The fixture is written by scripts/fixtures/torch_packed.py (PyTorch from Debian's python3-torch); this test
// needs no Python.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackendName, DType, Layer } from '../src/index.js';
import {
  availableBackends,
  bidirectional,
  gru,
  lstm,
  masking,
  sequential,
  simpleRNN,
  tensor,
} from '../src/index.js';

interface Tensor {
  readonly shape: number[];
  readonly data: number[];
}
interface Case {
  readonly name: string;
  readonly kind: 'SimpleRNN' | 'LSTM' | 'GRU';
  readonly bidirectional: boolean;
  readonly units: number;
  readonly lengths: number[];
  readonly input: Tensor;
  readonly weights: (Tensor & { name: string })[];
  readonly hN: Tensor;
  readonly lossWeights: Tensor;
  readonly loss: number;
  readonly grads: { input: Tensor; weights: (Tensor & { name: string })[] };
}

const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'torch', 'packed.json'), 'utf8'),
) as { generatedBy: string; cases: Case[] };

function layerOf(c: Case): Layer {
  const make = { SimpleRNN: simpleRNN, LSTM: lstm, GRU: gru }[c.kind];
  const inner = make({ units: c.units });
  return c.bidirectional ? bidirectional(inner) : inner;
}

function relErr(a: ArrayLike<number>, e: readonly number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < e.length; i++) {
    num = Math.max(num, Math.abs(a[i] - e[i]));
    den = Math.max(den, Math.abs(e[i]));
  }
  return num / (den + 1e-12);
}

const RUNS: [BackendName, DType][] = [
  ...availableBackends().map((b): [BackendName, DType] => [b, 'float32']),
  ['js', 'float64'],
];

describe(`masked = packed (${fixture.generatedBy})`, () => {
  describe.each(RUNS)('backend %s, %s', (backend, dtype) => {
    const tol = dtype === 'float64' ? 1e-12 : 1e-5;
    it.each(fixture.cases.map((c) => [c.name, c] as const))('%s: final states and gradients', (_, c) => {
      const [B, T, F] = c.input.shape;
      const model = sequential([masking(), layerOf(c)], { inputShape: [T, F], seed: 1, backend, dtype });
      const layer = model.layers[1].name;
      model.setWeights(c.weights.map((w) => ({ name: `${layer}/${w.name}`, shape: w.shape, data: w.data })));
      const Float = dtype === 'float64' ? Float64Array : Float32Array;
      const out = model.forward(tensor(Float.from(c.input.data), [B, T, F]));
      expect(out.shape).toEqual(c.hN.shape);
      expect(relErr(out.data, c.hN.data), 'h_n').toBeLessThan(tol);
      model.zeroGrad();
      const dx = model.backward(tensor(Float.from(c.lossWeights.data), c.hN.shape));
      expect(relErr(dx.data, c.grads.input.data), 'dL/dx').toBeLessThan(tol);
      const grads = new Map(model.gradients().map((g) => [g.name, g.data]));
      for (const w of c.grads.weights) {
        expect(relErr(grads.get(`${layer}/${w.name}`)!, w.data), `dL/d ${w.name}`).toBeLessThan(tol);
      }
    });
  });
});
