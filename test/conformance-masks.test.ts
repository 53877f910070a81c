/**
 * The conformance format's fields for issue 16 (FORMAT.md): inputMask, outputMask, the lossGrad kind and its
 * loss specs, the Masking / Embedding / Dropout layer types, and the strictness of the loader around them.
 * The cases themselves run in test/conformance.test.ts (and on every backend in test/backends.test.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCase } from '../src/entries/conformance.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'conformance');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function loadCase(name: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Json;
}

function unreadable(c: Json): string | undefined {
  const r = runCase(c, 'x');
  expect(r.status).toBe('unreadable');
  return r.message;
}

describe('the loader reads the issue 16 fields strictly', () => {
  it('runCase() rejects an inputMask whose shape is not [batch, timesteps] of the input', () => {
    const c = loadCase('inputmask_lstm_mid_seq');
    c.inputMask.shape = [5, 3];
    expect(unreadable(c)).toBe('"inputMask" has shape [5, 3]; it must be [batch, timesteps] = [3, 5]');
  });

  it('runCase() rejects an inputMask value that is not 0 or 1', () => {
    const c = loadCase('inputmask_lstm_mid_seq');
    c.inputMask.data[4] = 2;
    expect(unreadable(c)).toBe('"inputMask".data[4] must be 0 or 1 (got 2)');
  });

  it('runCase() rejects an inputMask on an input without a time axis', () => {
    const c = loadCase('dense_2d_linear');
    c.inputMask = { shape: [3, 2], data: [1, 1, 1, 1, 1, 1] };
    expect(unreadable(c)).toMatch(/^"inputMask" needs a sequence input \[batch, timesteps, features\]/);
  });

  it('runCase() rejects an outputMask on an output that is not a sequence', () => {
    const c = loadCase('masking_lstm_pre_last');
    c.outputMask = { shape: [3, 3], data: [1, 1, 1, 1, 1, 1, 1, 1, 1] };
    expect(unreadable(c)).toMatch(/^"outputMask" must be null: only a sequence output/);
  });

  it('runCase() rejects an unknown layer type and a Bidirectional wrapping anything but a recurrent layer', () => {
    const c = loadCase('dense_2d_linear');
    c.layers[0].type = 'TimeDistributed';
    expect(unreadable(c)).toMatch(
      /^layers\[0\]\.type must be one of "Dense", "SimpleRNN", .* \(got "TimeDistributed"\)$/,
    );
    const d = loadCase('bidir_lstm_masked_concat_seq');
    d.layers[1].config.layer.type = 'Dense';
    expect(unreadable(d)).toBe(
      'layers[1].config.layer.type must be one of "SimpleRNN", "LSTM", "GRU" (got "Dense")',
    );
  });

  it('runCase() rejects a missing or unknown key of the new layer types', () => {
    const c = loadCase('masking_lstm_post_seq');
    delete c.layers[0].config.maskValue;
    expect(unreadable(c)).toBe('layers[0].config lacks the field "maskValue"');
    const d = loadCase('embedding_maskzero_gru_last');
    d.layers[0].config.embeddingsInitializer = 'uniform';
    expect(unreadable(d)).toBe('layers[0].config has an unknown field "embeddingsInitializer"');
    const e = loadCase('dropout_lstm_dropout_lstm_dense');
    delete e.layers[1].config.noiseShape;
    expect(unreadable(e)).toBe('layers[1].config lacks the field "noiseShape"');
  });

  it('runCase() takes dropout and recurrentDropout as optional (default 0) and nothing else new', () => {
    const c = loadCase('lstm_seq');
    c.layers[0].config.dropout = 0.5;
    c.layers[0].config.recurrentDropout = 0.25;
    expect(runCase(c, 'x').status).toBe('passed'); // identity at inference
    c.layers[0].config.seed = 3;
    expect(unreadable(c)).toBe('layers[0].config has an unknown field "seed"');
  });

  it('runCase() requires grads.input to be null after an Embedding and a tensor otherwise', () => {
    const c = loadCase('embedding_dense_3d');
    c.grads.input = { shape: [2, 4], data: [0, 0, 0, 0, 0, 0, 0, 0] };
    expect(unreadable(c)).toMatch(/^grads\.input must be null: an Embedding first layer reads indices/);
    const d = loadCase('lstm_seq');
    d.grads.input = null;
    expect(unreadable(d)).toBe('grads.input must be an object');
  });

  it('runCase() rejects an index an Embedding cannot read', () => {
    const c = loadCase('embedding_maskzero_gru_last');
    c.input.data[3] = 1.5;
    expect(unreadable(c)).toBe(
      "input.data[3] is 1.5; an Embedding's indices are integers in [0, inputDim = 7)",
    );
    c.input.data[3] = 7;
    expect(unreadable(c)).toMatch(/^input\.data\[3\] is 7;/);
  });

  it('runCase() rejects a lossGrad loss spec with an unknown type, a missing option or an extra one', () => {
    const c = loadCase('loss_bce_logits_lstm');
    c.loss.type = 'hinge';
    expect(unreadable(c)).toMatch(/^"loss"\.type must be one of "meanSquaredError", "binaryCrossentropy", /);
    const d = loadCase('loss_bce_logits_lstm');
    delete d.loss.fromLogits;
    expect(unreadable(d)).toBe('"loss" lacks the field "fromLogits"');
    const e = loadCase('loss_sparse_cce_logits_bidir');
    e.loss.labelSmoothing = 0;
    expect(unreadable(e)).toBe('"loss" has an unknown field "labelSmoothing"');
  });

  it('runCase() rejects a target of the wrong shape and a class label outside [0, C)', () => {
    const c = loadCase('loss_cce_logits_dense');
    c.target.shape = [4, 2, 2];
    expect(unreadable(c)).toBe(
      '"target" has shape [4, 2, 2]; categoricalCrossentropy needs [4, 4] for the output [4, 4]',
    );
    const d = loadCase('loss_sparse_cce_softmax_masking_lstm');
    d.target.data[1] = 3;
    expect(unreadable(d)).toBe('target.data[1] is 3; a class label is an integer in [0, 3)');
  });

  it("runCase() requires lossGrad fields and keeps trainStep's loss name to meanSquaredError", () => {
    const c = loadCase('loss_cce_softmax_gru');
    delete c.outputMask;
    expect(unreadable(c)).toBe('the case lacks the field "outputMask"');
    const d = loadCase('train_lstm2_dense1_adam');
    d.loss = 'binaryCrossentropy';
    expect(unreadable(d)).toMatch(/^"loss" must be "meanSquaredError" or a loss object/);
  });
});

describe('the issue 16 cases test what they say', () => {
  it('runCase() passes an inputMask case whatever the input holds at masked steps, and fails it without its mask', () => {
    const c = loadCase('inputmask_lstm_mid_seq');
    const masked = c.inputMask.data.flatMap((m: number, r: number) => (m === 0 ? [r] : []));
    for (const r of masked) c.input.data[r * 2] = 123.456;
    expect(runCase(c, 'x').status).toBe('passed');
    delete c.inputMask;
    expect(runCase(c, 'x')).toMatchObject({ status: 'failed', message: expect.stringMatching(/output/) });
  });

  it('runCase() fails a Masking case whose expected output mask is wrong', () => {
    const c = loadCase('masking_dropout_gru_dense_seq');
    c.outputMask.data[4] = 1 - c.outputMask.data[4];
    expect(runCase(c, 'x').message).toMatch(/outputMask/);
    const d = loadCase('masking_dropout_gru_dense_seq');
    d.outputMask = null;
    expect(runCase(d, 'x').message).toBe('outputMask: the output carries a mask, expected none');
  });

  it('runCase() fails an Embedding case when maskZero is switched off', () => {
    const c = loadCase('embedding_maskzero_gru_last');
    c.layers[0].config.maskZero = false;
    expect(runCase(c, 'x').status).toBe('failed');
  });

  it('runCase() fails a hard sigmoid case given the other hard sigmoid (Keras 3 vs TF.js)', () => {
    const c = loadCase('lstm_hardsigmoid_keras3_seq');
    c.layers[0].config.recurrentActivation = 'hardSigmoidTfjs';
    expect(runCase(c, 'x').status).toBe('failed');
    const d = loadCase('lstm_hardsigmoidtfjs_last');
    d.layers[0].config.recurrentActivation = 'hardSigmoid';
    expect(runCase(d, 'x').status).toBe('failed');
  });

  it("runCase() checks a lossGrad case's loss through evaluate() too", () => {
    const r = runCase(loadCase('loss_masked_seq_sparse_cce_embedding_gru'), 'x');
    expect(r.status).toBe('passed');
    expect(r.checks.map((ch) => ch.what)).toEqual(
      expect.arrayContaining(['lossValue', 'lossValue (evaluate)', 'grads.output', 'outputMask']),
    );
  });

  it("runCase() ignores the targets of masked steps and fails when a real step's target changes", () => {
    const c = loadCase('loss_masked_seq_sparse_cce_embedding_gru');
    const mask: number[] = c.outputMask.data;
    const padded = mask.indexOf(0);
    const real = mask.indexOf(1);
    c.target.data[padded] = (c.target.data[padded] + 1) % 4;
    expect(runCase(c, 'x').status).toBe('passed');
    c.target.data[real] = (c.target.data[real] + 1) % 4;
    expect(runCase(c, 'x').message).toMatch(/lossValue/);
  });

  it('runCase() fails a crossentropy case whose fromLogits is flipped', () => {
    const c = loadCase('loss_cce_logits_dense');
    c.loss.fromLogits = false;
    expect(runCase(c, 'x').message).toMatch(/lossValue/);
  });

  it('runCase() runs a Dropout case at inference: any rate gives the same outputs', () => {
    const c = loadCase('dropout_lstm_dropout_lstm_dense');
    c.layers[1].config.rate = 0.9;
    expect(runCase(c, 'x').status).toBe('passed');
  });
});
