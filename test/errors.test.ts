import { describe, expect, it } from 'vitest';
import { thrown } from './helpers/errors.js';
import {
  bidirectional,
  dense,
  gru,
  layerFromConfig,
  lstm,
  sequential,
  simpleRNN,
  tensor,
  zeros,
} from '../src/index.js';

describe('building a stack checks every shape and names the layer', () => {
  it('sequential() rejects a recurrent layer after one without returnSequences, naming it and the shapes', () => {
    const e = thrown(() => sequential([lstm({ units: 4 }), gru({ units: 3 })], { inputShape: [12, 1] }));
    expect(e.code).toBe('shape');
    expect(e.message).toMatch(
      /layer 'gru' \(GRU\) expects input of shape \[batch, timesteps, features\] but received \[None, 4\]/,
    );
    expect(e.message).toMatch(/returnSequences: true/);
  });

  it('sequential() rejects a recurrent layer given a 1-D sample shape', () => {
    const e = thrown(() => sequential([simpleRNN({ units: 2 })], { inputShape: [5] }));
    expect(e.message).toMatch(/layer 'simple_rnn' \(SimpleRNN\).*received \[None, 5\]/);
  });

  it('sequential() rejects a bad inputShape option and says what it must be', () => {
    expect(thrown(() => sequential([dense({ units: 1 })], { inputShape: [0] })).message).toMatch(
      /inputShape must be \[timesteps, features\] or \[features\]/,
    );
  });

  it('sequential() rejects a layer with returnState and says how to get the states', () => {
    expect(
      thrown(() => sequential([lstm({ units: 2, returnState: true })], { inputShape: [3, 1] })).message,
    ).toMatch(/returnState: true.*call\(\)/);
  });

  it('sequential() rejects two layers with the same name', () => {
    expect(
      thrown(() =>
        sequential([dense({ units: 2, name: 'a' }), dense({ units: 1, name: 'a' })], { inputShape: [3] }),
      ).message,
    ).toMatch(/two layers are named 'a'/);
  });
});

describe('forward() checks its input', () => {
  const model = sequential([lstm({ units: 3 }), dense({ units: 1 })], { inputShape: [4, 2], seed: 1 });

  it('forward() names the first layer, the received and the expected shape for a wrong feature count', () => {
    const e = thrown(() => model.forward(zeros([5, 4, 3])));
    expect(e.code).toBe('shape');
    expect(e.message).toBe(
      "layer 'lstm' (LSTM) received input of shape [5, 4, 3] but the model was built for [None, 4, 2] (None = any length)",
    );
  });

  it('forward() rejects a wrong rank', () => {
    expect(thrown(() => model.forward(zeros([5, 8]))).message).toMatch(/received input of shape \[5, 8\]/);
  });

  it('forward() rejects NaN in the input and says where', () => {
    const x = zeros([2, 4, 2]);
    x.data[11] = NaN;
    const e = thrown(() => model.forward(x));
    expect(e.code).toBe('non-finite');
    expect(e.message).toMatch(/input holds NaN at \[1, 1, 1\]/);
  });

  it('forward() reports the layer that first produced a non-finite value', () => {
    const m = sequential([simpleRNN({ units: 2, activation: 'relu' }), dense({ units: 1 })], {
      inputShape: [3, 1],
      seed: 2,
    });
    m.setWeight('simple_rnn/kernel', [1, 2], [1e38, 1e38]);
    m.setWeight('simple_rnn/recurrent_kernel', [2, 2], [1e38, 1e38, 1e38, 1e38]);
    const e = thrown(() => m.forward(tensor([1, 1, 1], [1, 3, 1])));
    expect(e.code).toBe('non-finite');
    expect(e.message).toMatch(/^layer 'simple_rnn' \(SimpleRNN\) produced Infinity/);
  });

  it('forward() accepts any number of timesteps when inputShape has null timesteps', () => {
    const m = sequential([gru({ units: 2 })], { inputShape: [null, 1], seed: 3 });
    expect(m.forward(zeros([2, 7, 1])).shape).toEqual([2, 2]);
    expect(m.forward(zeros([1, 2, 1])).shape).toEqual([1, 2]);
  });
});

describe('weights are checked by name, shape and value', () => {
  const model = sequential([bidirectional(simpleRNN({ units: 2 })), dense({ units: 1 })], {
    inputShape: [3, 1],
    seed: 1,
  });

  it('setWeight() rejects a wrong shape, naming the weight and both shapes', () => {
    expect(thrown(() => model.setWeight('dense/kernel', [2, 1], [1, 2])).message).toBe(
      "weight 'dense/kernel' has shape [4, 1] but the value given has shape [2, 1]",
    );
  });

  it('setWeight() rejects an unknown name and lists the real ones', () => {
    const e = thrown(() => model.setWeight('dense/kernal', [4, 1], [1, 2, 3, 4]));
    expect(e.code).toBe('weights');
    expect(e.message).toMatch(/no weight 'dense\/kernal'; its weights are 'bidirectional\/forward\/kernel'/);
  });

  it('setWeights() names what is missing and changes nothing', () => {
    const before = model.getWeights();
    const e = thrown(() => model.setWeights([{ name: 'dense/bias', shape: [1], data: [5] }]));
    expect(e.message).toMatch(/no value given for 'bidirectional\/forward\/kernel'/);
    expect(model.getWeights()).toEqual(before);
  });

  it('setWeights() rejects a non-finite value with its position', () => {
    const ws = model.getWeights().map((w) => ({ ...w, data: Array.from(w.data) }));
    ws[1].data[3] = Infinity; // bidirectional/forward/recurrent_kernel [2, 2]
    expect(thrown(() => model.setWeights(ws)).message).toMatch(
      /weight 'bidirectional\/forward\/recurrent_kernel' holds Infinity at \[1, 1\]/,
    );
  });
});

describe('layer options are validated', () => {
  it('lstm() rejects an option it does not implement instead of ignoring it', () => {
    expect(thrown(() => lstm({ units: 3, unroll: true } as never)).message).toMatch(
      /LSTM: unknown option 'unroll'/,
    );
  });

  it('gru() rejects units that are not a positive integer', () => {
    expect(thrown(() => gru({ units: 0 })).message).toBe('GRU: units must be an integer ≥ 1 (got 0)');
  });

  it('simpleRNN() rejects an unknown activation and lists the known ones', () => {
    // 'hard_sigmoid' is a model.json name; the camelCase API says which one: 'hardSigmoid' or 'hardSigmoidTfjs'
    expect(thrown(() => simpleRNN({ units: 3, activation: 'hard_sigmoid' as never })).message).toMatch(
      /activation must be one of 'linear', 'tanh', 'sigmoid', 'relu', 'hardSigmoid', 'hardSigmoidTfjs' \(got "hard_sigmoid"\)/,
    );
  });

  it('bidirectional() rejects an unknown merge mode', () => {
    expect(thrown(() => bidirectional(lstm({ units: 2 }), { mergeMode: 'max' as never })).message).toMatch(
      /mergeMode must be one of 'concat', 'sum', 'mul', 'ave'/,
    );
  });

  it('layerFromConfig() rejects an unknown layer class', () => {
    expect(thrown(() => layerFromConfig('Conv1D', {})).message).toMatch(/unknown layer class 'Conv1D'/);
  });
});

describe('backward() checks what it is given', () => {
  it('backward() before forward() says so', () => {
    const m = sequential([dense({ units: 1 })], { inputShape: [2] });
    expect(thrown(() => m.backward(zeros([1, 1]))).code).toBe('state');
  });

  it('backward() rejects a gradient of the wrong shape', () => {
    const m = sequential([lstm({ units: 2, returnSequences: true })], { inputShape: [3, 1], seed: 1 });
    m.forward(zeros([2, 3, 1]));
    expect(thrown(() => m.backward(zeros([2, 2]))).message).toMatch(
      /gradient has shape \[2, 2\], expected .* \[2, 3, 2\]/,
    );
  });
});

describe('dtype conversion at the model boundary', () => {
  it('backward() with float64 data on a float32 model gives the same gradients as float32 data', () => {
    const run = (x: Float32Array | Float64Array, dy: Float32Array | Float64Array): number[] => {
      const m = sequential([dense({ units: 2, useBias: false })], { inputShape: [2], seed: 1 });
      m.forward({ shape: [1, 2], data: x });
      m.backward({ shape: [1, 2], data: dy });
      return Array.from(m.gradients()[0].data);
    };
    // dKernel = xᵀ · dy = [[1·10, 1·20], [2·10, 2·20]]
    expect(run(Float32Array.of(1, 2), Float32Array.of(10, 20))).toEqual([10, 20, 20, 40]);
    expect(run(Float64Array.of(1, 2), Float64Array.of(10, 20))).toEqual([10, 20, 20, 40]);
  });
});
