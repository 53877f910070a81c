/**
 * `toOnnx(model)`: every layer kind and option, run by onnxruntime (onnxruntime-node), gives seqcast's
 * predictions to float32 precision, at batch 3 × time 7 and, from the same file, batch 1 × time 11 (the batch
 * and time axes are symbolic). The files are the ones scripts/fixtures/onnx_check.py passed through ONNX's
 * checker and shape inference (test/fixtures/onnx/checker.json, compared by sha256).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import type { Sequential } from '../src/node.js';
import * as seqcast from '../src/node.js';
import { bidirectional, gru, lstm, sequential, SeqcastError, toOnnx } from '../src/node.js';
import { caseInput, onnxCases, seededModel } from '../scripts/fixtures/onnx_models.mjs';

const ONNX_CASES = onnxCases(seqcast);

async function runOnnx(
  bytes: Uint8Array,
  input: { shape: number[]; data: Float32Array },
): Promise<{ dims: readonly number[]; data: Float32Array }> {
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ input: new ort.Tensor('float32', input.data, input.shape) });
  const y = out.output;
  return { dims: y.dims, data: y.data as Float32Array };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i];
    const err = Math.abs(actual[i] - e) / Math.max(1, Math.abs(e));
    expect(Number.isFinite(actual[i])).toBe(true);
    worst = Math.max(worst, err);
  }
  expect(worst).toBeLessThanOrEqual(1e-5);
}

function predicted(model: Sequential, input: { shape: number[]; data: Float32Array }) {
  return model.predict({ shape: input.shape, data: input.data });
}

describe('toOnnx(model) run by onnxruntime', () => {
  for (const c of ONNX_CASES) {
    it(`toOnnx(model) gives seqcast's predictions for ${c.name}, at any batch and length`, async () => {
      const model = c.model();
      const bytes = toOnnx(model);
      for (const [batch, time, seed] of [
        [3, 7, 1],
        [1, 11, 2],
        [4, 5, 3],
        [2, 1, 4],
      ]) {
        const input = caseInput(seqcast, c, batch, time, seed, model);
        const expected = predicted(model, input);
        const got = await runOnnx(bytes, input);
        expect([...got.dims]).toEqual(expected.shape);
        expectClose(got.data, expected.data);
      }
    });
  }
});

describe('toOnnx(model) files', () => {
  it('toOnnx(model) gives the same bytes for the same model (so the checked files are the shipped ones)', () => {
    const checked = JSON.parse(readFileSync(join(__dirname, 'fixtures/onnx/checker.json'), 'utf8')) as {
      onnx: string;
      files: { name: string; sha256: string; checker: string; shapeInference: string }[];
    };
    expect(checked.files.length).toBe(ONNX_CASES.length);
    for (const c of ONNX_CASES) {
      const entry = checked.files.find((f) => f.name === c.name);
      expect(entry, c.name).toBeDefined();
      expect(entry!.checker).toBe('ok');
      expect(entry!.shapeInference).toBe('ok');
      const sha = createHash('sha256').update(toOnnx(c.model())).digest('hex');
      expect(sha, c.name).toBe(entry!.sha256);
    }
  });

  it('toOnnx(model) gives 0 for a row without a real step, as seqcast does', async () => {
    const layers = () => [
      seqcast.masking({ maskValue: 0 }),
      bidirectional(lstm({ units: 2, returnSequences: true }), { mergeMode: 'sum' }),
      gru({ units: 3, goBackwards: true, returnSequences: true }),
      lstm({ units: 2 }),
    ];
    const model = seededModel(seqcast, layers(), 9);
    const data = new Float32Array(2 * 5 * 3);
    for (let i = 0; i < 15; i++) data[i] = Math.sin(i); // row 0 real, row 1 all masked
    const input = { shape: [2, 5, 3], data };
    const expected = predicted(model, input);
    expect(Array.from(expected.data.slice(2))).toEqual([0, 0]);
    expectClose((await runOnnx(toOnnx(model), input)).data, expected.data);
  });

  it('toOnnx(model) writes a float64 model with its weights rounded to float32', async () => {
    const model = sequential([lstm({ units: 4, returnSequences: true }), gru({ units: 2 })], {
      inputShape: [null, 3],
      seed: 12,
      dtype: 'float64',
    });
    const data = Float32Array.from({ length: 2 * 6 * 3 }, (_, i) => Math.cos(i));
    const expected = model.predict({ shape: [2, 6, 3], data: Float64Array.from(data) });
    expectClose((await runOnnx(toOnnx(model), { shape: [2, 6, 3], data })).data, expected.data);
  });

  it('toOnnx(model) refuses a stateful layer, naming it and the fix', () => {
    const model = sequential([gru({ units: 2, stateful: true, name: 'carry' })], {
      inputShape: [4, 1],
      batchSize: 2,
      seed: 1,
    });
    expect(() => toOnnx(model)).toThrow(SeqcastError);
    expect(() => toOnnx(model)).toThrow(/layer 'carry' \(GRU\) is stateful.*stateful: false/);
  });

  it('toOnnx(model) refuses a Bidirectional over a goBackwards layer', () => {
    const model = seededModel(
      seqcast,
      [bidirectional(lstm({ units: 2, goBackwards: true }), { name: 'bi' })],
      5,
    );
    expect(() => toOnnx(model)).toThrow(/layer 'bi' \(Bidirectional\) wraps a layer with goBackwards: true/);
  });
});
