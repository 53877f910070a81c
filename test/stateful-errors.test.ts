// What a stateful model refuses, each in one line naming the problem and the fix: a stateful layer without a
// batch size, a batch of another size (forward, predict, evaluate, fit), a sample count that is not a multiple
// of it, shuffling, state values of the wrong count, shape or value, resetStates on a layer without states.
import { describe, expect, it } from 'vitest';
import type { Sequential, Tensor } from '../src/index.js';
import {
  bidirectional,
  dense,
  fromArtifacts,
  gru,
  lstm,
  sequential,
  simpleRNN,
  toArtifacts,
} from '../src/index.js';
import type { Bidirectional } from '../src/layers/bidirectional.js';
import type { Recurrent } from '../src/layers/recurrent.js';
import { expectSeqcastError, thrown } from './helpers/errors.js';

const F = 2;
const zeros = (...shape: number[]): Tensor => ({
  shape,
  data: new Float32Array(shape.reduce((a, b) => a * b, 1)),
});

function statefulModel(): Sequential {
  const model = sequential([lstm({ units: 3, stateful: true }), dense({ units: 1 })], {
    inputShape: [4, F],
    batchSize: 2,
    seed: 1,
  });
  model.compile({ optimizer: 'sgd', loss: 'mse' });
  return model;
}

describe('a stateful layer needs a fixed batch size', () => {
  it('sequential() without batchSize names the layer and the option', () => {
    expectSeqcastError(
      () => sequential([simpleRNN({ units: 2, stateful: true })], { inputShape: [4, F] }),
      'config',
      /^layer 'simple_rnn' \(SimpleRNN\) is stateful, which needs a fixed batch size .*: give it with sequential\(layers, \{ inputShape, batchSize \}\)/,
    );
    expectSeqcastError(
      () => sequential([bidirectional(gru({ units: 2, stateful: true }))], { inputShape: [4, F] }),
      'config',
      /layer 'bidirectional' \(Bidirectional\): layer 'forward_gru' \(GRU\) is stateful, which needs a fixed batch size/,
    );
  });

  it('a model.json with stateful true and batch_input_shape [null, …] names the file', () => {
    const { modelJson, weightData } = toArtifacts(statefulModel());
    const layers = (modelJson.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } })
      .config.layers;
    layers[0].config.batch_input_shape = [null, 4, F];
    expectSeqcastError(
      () => fromArtifacts({ modelJson, weightData }),
      'config',
      /^model\.json: layer 'lstm' \(LSTM\) is stateful, which needs a fixed batch size/,
    );
  });

  it('sequential() refuses a batchSize that is not an integer ≥ 1', () => {
    for (const bad of [0, 2.5, '4']) {
      expectSeqcastError(
        () => sequential([lstm({ units: 2 })], { inputShape: [4, F], batchSize: bad as number }),
        'config',
        /^sequential\(\): batchSize must be an integer ≥ 1, the number of sequences in every batch \(got (0|2\.5|"4")\)$/,
      );
    }
  });
});

describe('a stateful model takes batches of its batch size only', () => {
  it('forward, predict and evaluate with another batch size', () => {
    const model = statefulModel();
    expectSeqcastError(
      () => model.forward(zeros(3, 4, F)),
      'shape',
      /^forward\(\): the model is stateful with batchSize 2 but x holds 3 sequences; every batch must hold exactly 2/,
    );
    expectSeqcastError(
      () => model.predict(zeros(4, 4, F), { batchSize: 4 }),
      'config',
      /^predict\(\): the model is stateful with batchSize 2 .*so batchSize must be 2 too \(got 4\); leave it out to use the model's$/,
    );
    expectSeqcastError(
      () => model.predict(zeros(3, 4, F)),
      'shape',
      /^predict\(\): the model is stateful with batchSize 2, so every batch must hold 2 sequences, but there are 3 samples \(1 left over\); use a multiple of 2$/,
    );
    expectSeqcastError(
      () => model.evaluate(zeros(5, 4, F), zeros(5, 1)),
      'shape',
      /^evaluate\(\): the model is stateful with batchSize 2, .*5 samples \(1 left over\)/,
    );
    expect(model.predict(zeros(4, 4, F)).shape).toEqual([4, 1]); // batchSize defaults to the model's
  });

  it('a stateful layer called directly with another batch size', () => {
    const layer = statefulModel().layers[0] as Recurrent;
    expectSeqcastError(
      () => layer.call(zeros(1, 4, F)),
      'shape',
      /^layer 'lstm' \(LSTM\) is stateful with batch size 2 but received 1 sequences; every batch must hold exactly 2/,
    );
  });

  it('fit refuses shuffle: true, another batchSize, and sample counts that are not multiples', async () => {
    const model = statefulModel();
    const x = zeros(4, 4, F);
    const y = zeros(4, 1);
    await expect(model.fit(x, y, { shuffle: true })).rejects.toThrow(
      /^fit\(\): the model is stateful, so sample i of each batch must continue sample i of the batch before, which shuffling breaks; pass shuffle: false/,
    );
    await expect(model.fit(x, y, { batchSize: 1 })).rejects.toThrow(
      /^fit\(\): .*so batchSize must be 2 too \(got 1\)/,
    );
    await expect(model.fit(zeros(5, 4, F), zeros(5, 1))).rejects.toThrow(
      /^fit\(\): the model is stateful with batchSize 2, .*5 samples \(1 left over\)/,
    );
    await expect(model.fit(x, y, { validationData: [zeros(3, 4, F), zeros(3, 1)] })).rejects.toThrow(
      /^fit\(\): validation: the model is stateful with batchSize 2, .*3 samples \(1 left over\)/,
    );
    const h = await model.fit(x, y, { epochs: 2, shuffle: false });
    expect(h.epoch).toEqual([0, 1]);
  });
});

describe('state values are checked', () => {
  it('resetStates(values) with the wrong count, shape or a non-finite value', () => {
    const layer = statefulModel().layers[0] as Recurrent;
    expectSeqcastError(
      () => layer.resetStates([zeros(2, 3)]),
      'shape',
      /^layer 'lstm' \(LSTM\): resetStates\(\) must hold 2 tensors \(\[h, c\]\) of shape \[2, 3\] but 1 were given$/,
    );
    expectSeqcastError(
      () => layer.resetStates([zeros(2, 3), zeros(1, 3)]),
      'shape',
      /^layer 'lstm' \(LSTM\): resetStates\(\): state 1 has shape \[1, 3\], expected \[2, 3\]$/,
    );
    const nan = zeros(2, 3);
    nan.data[4] = NaN;
    expectSeqcastError(
      () => layer.resetStates([zeros(2, 3), nan]),
      'non-finite',
      /^layer 'lstm' \(LSTM\): resetStates\(\) 1 holds NaN at index 4; states must be finite$/,
    );
    const before = layer.states!.map((s) => Array.from(s.data));
    layer.resetStates([{ shape: [2, 3], data: Float32Array.of(1, 2, 3, 4, 5, 6) }, zeros(2, 3)]);
    expect(Array.from(layer.states![0].data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(before[0]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('call(x, initialState) with a wrong shape; Bidirectional with a list that does not split in half', () => {
    const model = sequential([bidirectional(lstm({ units: 2 }))], { inputShape: [4, F], seed: 1 });
    const bi = model.layers[0] as Bidirectional;
    expectSeqcastError(
      () => bi.call(zeros(2, 4, F), [zeros(2, 2), zeros(2, 2), zeros(2, 2)]),
      'shape',
      /^layer 'bidirectional' \(Bidirectional\): initialState must hold 4 tensors \(\[h, c\] of the forward layer, then \[h, c\] of the backward layer\) but 3 were given$/,
    );
    expectSeqcastError(
      () => bi.call(zeros(2, 4, F), [zeros(2, 2), zeros(2, 2), zeros(2, 2), zeros(2, 3)]),
      'shape',
      /^layer 'backward_lstm' \(LSTM\): initial state 1 has shape \[2, 3\], expected \[2, 2\]$/,
    );
  });

  it('resetStates on a layer that keeps no states, and on a model without stateful layers (nothing to reset)', () => {
    const model = sequential([gru({ units: 2 })], { inputShape: [4, F], seed: 1 });
    expectSeqcastError(
      () => (model.layers[0] as Recurrent).resetStates(),
      'state',
      /^layer 'gru' \(GRU\): resetStates\(\) needs a stateful layer; this one keeps no states between calls .* build it with stateful: true$/,
    );
    const bi = sequential([bidirectional(lstm({ units: 2 }))], { inputShape: [4, F], seed: 1 });
    expect(thrown(() => (bi.layers[0] as Bidirectional).resetState()).message).toMatch(
      /^layer 'bidirectional' \(Bidirectional\): resetStates\(\) needs a stateful wrapped layer/,
    );
    expect(() => model.resetStates()).not.toThrow();
    expect((model.layers[0] as Recurrent).states).toBeNull();
  });

  it('a stateful layer with returnState is still refused by Sequential (several outputs), Bidirectional too', () => {
    expectSeqcastError(
      () =>
        sequential([bidirectional(lstm({ units: 2, returnState: true }))], { inputShape: [4, F], seed: 1 }),
      'config',
      /^layer 'Bidirectional' has returnState: true, which makes several outputs; .*call the layer's call\(\) directly/,
    );
  });
});
