import { describe, expect, it } from 'vitest';
import { adam, dense, earlyStopping, exponentialDecay, lstm, readCsv, Sequential } from '../src/index.js';
import { checkOptions, unknownKey } from '../src/options.js';

describe('the one option checker', () => {
  it('checkOptions(where, options, known) names the unknown key and lists every valid one', () => {
    expect(() => checkOptions('f()', { a: 1, c: 2 }, ['a', 'b'])).toThrow(
      /^f\(\): unknown option 'c'; the options are 'a', 'b'$/,
    );
    expect(() => checkOptions('f()', { a: 1 }, ['a', 'b'])).not.toThrow();
  });

  it('checkOptions(where, options, known) refuses a value that is not an object', () => {
    expect(() => checkOptions('f()', null, ['a'])).toThrow(
      /^f\(\): options must be an object such as \{ a: … \} \(got null\)$/,
    );
    expect(() => checkOptions('f()', [1], ['a'])).toThrow(/got an array/);
  });

  it('unknownKey(obj, known) returns the first key outside known, or undefined', () => {
    expect(unknownKey({ a: 1, z: 2 }, ['a'])).toBe('z');
    expect(unknownKey({ a: 1 }, ['a'])).toBeUndefined();
  });

  it.each([
    [
      'lstm()',
      () => lstm({ units: 2, dropoutRate: 0.1 } as never),
      /^LSTM: unknown option 'dropoutRate'; the options are 'units', /,
    ],
    [
      'dense()',
      () => dense({ units: 2, kernel: 1 } as never),
      /^Dense: unknown option 'kernel'; the options are 'units', /,
    ],
    [
      'adam()',
      () => adam({ beta: 0.9 } as never),
      /^adam\(\): unknown option 'beta'; the options are 'learningRate', /,
    ],
    [
      'earlyStopping()',
      () => earlyStopping({ wait: 2 } as never),
      /^earlyStopping\(\): unknown option 'wait'; the options are 'monitor', /,
    ],
    [
      'exponentialDecay()',
      () => exponentialDecay({ initialLearningRate: 1, decaySteps: 1, decayRate: 0.5, rate: 1 } as never),
      /^exponentialDecay\(\): unknown option 'rate'; the options are 'initialLearningRate', /,
    ],
    [
      'readCsv()',
      () => readCsv('date,x\n2020-01-01,1\n', { sep: ';' } as never),
      /^readCsv\(\): unknown option 'sep'; the options are 'source', /,
    ],
    [
      'sequential()',
      () => new Sequential([dense({ units: 1 })], { inputShape: [2], sead: 1 } as never),
      /^sequential\(\): unknown option 'sead'; the options are 'inputShape', 'batchSize', 'seed', 'dtype', 'backend'$/,
    ],
  ])('%s rejects an unknown option through checkOptions', (_title, call, error) => {
    expect(call).toThrow(error);
  });

  it('compile(), fit(), evaluate() and predict() reject unknown options, listing the valid ones', async () => {
    const m = new Sequential([dense({ units: 1 })], { inputShape: [2], seed: 1 });
    expect(() => m.compile({ optimizer: 'adam', loss: 'mse', lr: 1 } as never)).toThrow(
      /^compile\(\): unknown option 'lr'; the options are 'optimizer', 'loss', 'metrics'$/,
    );
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const x = { shape: [2, 2], data: new Float32Array(4) };
    const y = { shape: [2, 1], data: new Float32Array(2) };
    await expect(m.fit(x, y, { epoch: 1 } as never)).rejects.toThrow(
      /^fit\(\): unknown option 'epoch'; the options are 'epochs', /,
    );
    expect(() => m.evaluate(x, y, { batch: 1 } as never)).toThrow(
      /^evaluate\(\): unknown option 'batch'; the options are 'batchSize', 'sampleWeight'$/,
    );
    expect(() => m.predict(x, { batch: 1 } as never)).toThrow(
      /^predict\(\): unknown option 'batch'; the options are 'batchSize'$/,
    );
  });
});
