import { describe, expect, it } from 'vitest';
import type { Tensor } from '../src/index.js';
import {
  adam,
  dense,
  earlyStopping,
  gru,
  lstm,
  reduceLROnPlateau,
  SeqcastError,
  sequential,
  sgd,
  simpleRNN,
} from '../src/index.js';

/** The sine task: 500 points over two periods, windows of 20, next value as target. */
function sine(): { x: Tensor; y: Tensor } {
  const N = 500;
  const W = 20;
  const s = Array.from({ length: N }, (_, i) => Math.sin((4 * Math.PI * i) / (N - 1)));
  const n = N - W;
  return {
    x: {
      shape: [n, W, 1],
      data: Float32Array.from({ length: n * W }, (_, k) => s[Math.floor(k / W) + (k % W)]),
    },
    y: { shape: [n, 1], data: Float32Array.from({ length: n }, (_, i) => s[i + W]) },
  };
}

describe('training end to end on the sine task', () => {
  const { x, y } = sine();
  it.each([
    ['SimpleRNN', simpleRNN],
    ['LSTM', lstm],
    ['GRU', gru],
  ] as const)(
    'fit() with %s(32) → Dense(1), Adam 0.01, full batch: the loss falls, < 0.1 after 10 epochs, < 0.005 after 50',
    async (_name, make) => {
      const model = sequential([make({ units: 32 }), dense({ units: 1 })], { inputShape: [20, 1], seed: 1 });
      model.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'meanSquaredError' });
      const h = await model.fit(x, y, { epochs: 50, batchSize: 480 });
      const loss = h.history.loss;
      expect(loss).toHaveLength(50);
      expect(loss[9]).toBeLessThan(loss[0]);
      expect(loss[49]).toBeLessThan(loss[9]);
      expect(loss[9]).toBeLessThan(0.1);
      expect(loss[49]).toBeLessThan(0.005);
      expect(model.evaluate(x, y).loss).toBeLessThan(0.005);
      expect(h.stop).toBeNull();
    },
  );
});

describe('fit() is reproducible and honest about its data', () => {
  const { x, y } = sine();

  it('fit() with the same seed and data gives bit-identical weights', async () => {
    const train = async (): Promise<Float32Array | Float64Array> => {
      const m = sequential([lstm({ units: 6 }), dense({ units: 1 })], { inputShape: [20, 1], seed: 7 });
      m.compile({ optimizer: 'adam', loss: 'mse' });
      await m.fit(x, y, { epochs: 3, batchSize: 64, shuffle: true });
      return m.params;
    };
    const a = await train();
    const b = await train();
    expect(a).toEqual(b);
    const m = sequential([lstm({ units: 6 }), dense({ units: 1 })], { inputShape: [20, 1], seed: 7 });
    m.compile({ optimizer: 'adam', loss: 'mse' });
    await m.fit(x, y, { epochs: 3, batchSize: 64, shuffle: true, seed: 99 });
    expect(m.params).not.toEqual(a); // another shuffle seed, another result
  });

  it('fit({ validationSplit }) never trains on the held-out last fraction', async () => {
    // The last quarter has absurd targets: training on any of them would blow the loss up.
    const n = 40;
    const xs = Float32Array.from({ length: n * 3 }, (_, i) => Math.sin(i));
    const ys = Float32Array.from({ length: n }, (_, i) => (i < 30 ? 0.1 : 1e6));
    const m = sequential([simpleRNN({ units: 3 }), dense({ units: 1 })], { inputShape: [3, 1], seed: 1 });
    m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
    const h = await m.fit(
      { shape: [n, 3, 1], data: xs },
      { shape: [n, 1], data: ys },
      { epochs: 5, batchSize: 4, validationSplit: 0.25 },
    );
    expect(Math.max(...h.history.loss)).toBeLessThan(1);
    expect(Math.min(...h.history.val_loss)).toBeGreaterThan(1e11);
    expect(Object.keys(h.history).sort()).toEqual(['loss', 'lr', 'mae', 'val_loss', 'val_mae']);
  });

  it('fit() reports the epoch loss as the batch-size-weighted mean of the batch losses before each update', async () => {
    const m = sequential([dense({ units: 1 })], { inputShape: [2], seed: 3 });
    m.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'mse' });
    const x = [
      [1, 2],
      [3, 4],
      [5, 6],
    ];
    const y = [[1], [0], [2]];
    const w = m.getWeights();
    const seen: number[] = [];
    const h = await m.fit(x, y, {
      epochs: 1,
      batchSize: 2,
      shuffle: false,
      callbacks: [{ onBatchEnd: (_e, _b, logs) => void seen.push(logs.loss * logs.size) }],
    });
    expect(h.history.loss[0]).toBeCloseTo((seen[0] + seen[1]) / 3, 6);
    // the first batch's loss is the loss of the initial weights on samples 0 and 1
    const k = w[0].data;
    const b = w[1].data[0];
    const p0 = k[0] * 1 + k[1] * 2 + b;
    const p1 = k[0] * 3 + k[1] * 4 + b;
    expect(seen[0] / 2).toBeCloseTo(((p0 - 1) ** 2 + (p1 - 0) ** 2) / 2, 5);
  });

  it('fit() records the gradient norm and how often clipping engaged', async () => {
    const m = sequential([gru({ units: 4 }), dense({ units: 1 })], { inputShape: [20, 1], seed: 2 });
    m.compile({ optimizer: adam({ clipnorm: 1e-6 }), loss: 'mse' });
    const h = await m.fit(x, y, { epochs: 2, batchSize: 240 });
    expect(h.clippedFraction).toEqual([1, 1]);
    for (const g of h.gradientNorm) {
      expect(g.min).toBeGreaterThan(0);
      expect(g.min).toBeLessThanOrEqual(g.median);
      expect(g.median).toBeLessThanOrEqual(g.max);
    }
  });

  it('fit() rejects a NaN target, naming the sample', async () => {
    const m = sequential([dense({ units: 1 })], { inputShape: [1], seed: 1 });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(m.fit([[1], [2], [3]], [[1], [NaN], [3]])).rejects.toThrow(
      /fit\(\): y holds NaN at sample 1 \(index \[1, 0\]\)/,
    );
  });

  it('fit() before compile() says to compile, and a y of the wrong shape names both shapes', async () => {
    const m = sequential([lstm({ units: 2 }), dense({ units: 3 })], { inputShape: [4, 1], seed: 1 });
    await expect(m.fit(x, y)).rejects.toThrow(/compile\(\) the model first/);
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const xs = { shape: [5, 4, 1], data: new Float32Array(20) };
    await expect(m.fit(xs, { shape: [5, 1], data: new Float32Array(5) })).rejects.toThrow(
      /y has shape \[5, 1\] but the model outputs \[None, 3\] for each sample/,
    );
    await expect(m.fit(x, y)).rejects.toThrow(
      /x has shape \[480, 20, 1\] but the model takes \[None, 4, 1\]/,
    );
  });
});

describe('terminateOnNaN', () => {
  const data = { x: [[1], [2], [3], [4]], y: [[1], [2], [3], [4]] };

  it('fit() stops at the first non-finite update, keeps the last finite weights and says where', async () => {
    const m = sequential([dense({ units: 1 })], { inputShape: [1], seed: 1 });
    m.compile({ optimizer: sgd({ learningRate: 1e38 }), loss: 'mse' });
    const h = await m.fit(data.x, data.y, { epochs: 5, batchSize: 2, shuffle: false });
    expect(h.stop?.reason).toBe('nonFinite');
    expect(h.stop?.message).toMatch(/^epoch \d+, batch \d+: /);
    expect(m.params.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('fit({ terminateOnNaN: false }) throws instead of continuing with NaN', async () => {
    const m = sequential([dense({ units: 1 })], { inputShape: [1], seed: 1 });
    m.compile({ optimizer: sgd({ learningRate: 1e38 }), loss: 'mse' });
    await expect(m.fit(data.x, data.y, { epochs: 5, batchSize: 2, terminateOnNaN: false })).rejects.toThrow(
      SeqcastError,
    );
  });
});

describe('callbacks', () => {
  function fakeTraining(
    values: number[],
    cb: ReturnType<typeof earlyStopping>,
  ): { restored: number; stopped: boolean } {
    const m = sequential([dense({ units: 1, useBias: false })], { inputShape: [1], seed: 1 });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    cb.onTrainBegin({
      model: m,
      epochs: values.length,
      initialEpoch: 0,
      stepsPerEpoch: 1,
      samples: 1,
      validationSamples: 1,
    });
    let stopped = false;
    values.forEach((v, epoch) => {
      if (stopped) return;
      m.params[0] = 100 + epoch; // the "weights" after this epoch
      cb.onEpochEnd(epoch, { loss: 1, val_loss: v });
      stopped = m.stopTraining;
    });
    cb.onTrainEnd();
    return { restored: m.params[0], stopped };
  }

  it('earlyStopping({ patience: 2, restoreBestWeights }) stops after two epochs without improvement and restores the best', () => {
    const es = earlyStopping({ patience: 2, restoreBestWeights: true });
    const r = fakeTraining([1, 0.5, 0.6, 0.7, 0.8, 0.1], es);
    expect(r.stopped).toBe(true);
    expect(es.stoppedEpoch).toBe(3);
    expect(es.bestEpoch).toBe(1);
    expect(r.restored).toBe(101);
  });

  it('earlyStopping({ minDelta }) counts an improvement smaller than minDelta as none', () => {
    const es = earlyStopping({ patience: 1, minDelta: 0.1 });
    fakeTraining([1, 0.95, 0.9], es);
    expect(es.stoppedEpoch).toBe(1);
  });

  it('earlyStopping on val_loss without validation data names the fix', async () => {
    const m = sequential([dense({ units: 1 })], { inputShape: [1], seed: 1 });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(m.fit([[1], [2]], [[1], [2]], { epochs: 2, callbacks: [earlyStopping()] })).rejects.toThrow(
      /'val_loss' is not among the epoch's figures \(loss, lr\); give fit\(\) validationSplit or validationData/,
    );
  });

  it('fit() with earlyStopping ends early and says so in History.stop', async () => {
    const { x, y } = sine();
    const m = sequential([simpleRNN({ units: 4 }), dense({ units: 1 })], { inputShape: [20, 1], seed: 1 });
    m.compile({ optimizer: adam({ learningRate: 0.5 }), loss: 'mse' }); // far too high: validation loss stalls
    const h = await m.fit(x, y, {
      epochs: 40,
      batchSize: 480,
      validationSplit: 0.2,
      callbacks: [earlyStopping({ patience: 1 })],
    });
    expect(h.epoch.length).toBeLessThan(40);
    expect(h.stop?.reason).toBe('earlyStopping');
  });

  it('reduceLROnPlateau({ patience: 2, factor: 0.5 }) halves the learning rate after two flat epochs, then cools down', () => {
    const m = sequential([dense({ units: 1 })], { inputShape: [1], seed: 1 });
    const opt = sgd({ learningRate: 0.1 });
    m.compile({ optimizer: opt, loss: 'mse' });
    const cb = reduceLROnPlateau({ patience: 2, factor: 0.5, cooldown: 1 });
    cb.onTrainBegin({
      model: m,
      epochs: 8,
      initialEpoch: 0,
      stepsPerEpoch: 1,
      samples: 1,
      validationSamples: 1,
    });
    const lrs: number[] = [];
    [1, 1, 1, 1, 1, 1, 1].forEach((v, e) => {
      cb.onEpochEnd(e, { val_loss: v });
      lrs.push(opt.learningRate as number);
    });
    // Keras 3: the epoch that ends a cooldown already counts towards patience
    expect(lrs).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125]);
  });
});

describe('predict, evaluate, summary, add', () => {
  it('predict() on a million windows works in bounded memory and equals forward on the same rows', () => {
    const m = sequential([simpleRNN({ units: 4 }), dense({ units: 1 })], { inputShape: [12, 1], seed: 5 });
    const n = 1_000_000;
    const data = new Float32Array(n * 12);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.01);
    const before = process.memoryUsage().arrayBuffers;
    const out = m.predict({ shape: [n, 12, 1], data }, { batchSize: 1024 });
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(out.shape).toEqual([n, 1]);
    expect(grown).toBeLessThan(4 * n + 8 * 1024 * 1024); // the result (4 MB) plus batch buffers, not a copy of x
    const row = 777_777;
    const single = m.forward({ shape: [1, 12, 1], data: data.subarray(row * 12, row * 12 + 12) });
    expect(out.data[row]).toBe(single.data[0]);
  });

  it('predict() accepts nested arrays and rejects a ragged one with its position', () => {
    const m = sequential([gru({ units: 2 }), dense({ units: 1 })], { inputShape: [2, 1], seed: 5 });
    expect(
      m.predict([
        [[0.1], [0.2]],
        [[0.3], [0.4]],
      ]).shape,
    ).toEqual([2, 1]);
    expect(() => m.predict([[[0.1], [0.2]], [[0.3]]])).toThrow(
      /predict\(\): x is not rectangular: predict\(\): x\[1\] has length 1, expected length 2/,
    );
    expect(() => m.predict('abc' as never)).toThrow(
      /must be a tensor \{ shape, data \}, or nested arrays of numbers/,
    );
  });

  it('summary() of SimpleRNN(32) on 1 feature → Dense(1) shows 1,088 + 33 = 1,121 parameters', () => {
    const m = sequential([simpleRNN({ units: 32 }), dense({ units: 1 })], { inputShape: [12, 1], seed: 1 });
    const printed: string[] = [];
    const text = m.summary((t) => printed.push(t));
    expect(printed).toEqual([text]);
    expect(text).toMatch(/│ simple_rnn \(SimpleRNN\) │ \(None, 32\)\s+│\s+1,088 │/);
    expect(text).toMatch(/│ dense \(Dense\)\s+│ \(None, 1\)\s+│\s+33 │/);
    expect(text).toMatch(/Total params: 1,121/);
    expect(m.countParams()).toBe(1121);
  });

  it('add() layer by layer gives the same weights as building the stack at once', () => {
    const a = sequential(
      [lstm({ units: 3, returnSequences: true }), gru({ units: 2 }), dense({ units: 1 })],
      {
        inputShape: [5, 2],
        seed: 4,
      },
    );
    const b = sequential([], { inputShape: [5, 2], seed: 4 });
    b.add(lstm({ units: 3, returnSequences: true })).add(gru({ units: 2 }));
    b.add(dense({ units: 1 }));
    expect(b.getWeights()).toEqual(a.getWeights());
    b.compile({ optimizer: 'adam', loss: 'mse' });
    expect(() => b.add(dense({ units: 1 }))).toThrow(/add every layer before compile\(\)/);
  });

  it('evaluate() returns the loss and every compiled metric, with rmse = sqrt(mse)', () => {
    const m = sequential([dense({ units: 1 })], { inputShape: [1], seed: 1 });
    m.setWeights([
      { name: 'dense/kernel', shape: [1, 1], data: [2] },
      { name: 'dense/bias', shape: [1], data: [0] },
    ]);
    m.compile({ optimizer: 'sgd', loss: 'mae', metrics: ['mse', 'rmse', 'mae'] });
    // predictions 2, 4, 6 against 1, 4, 8: errors 1, 0, −2
    const r = m.evaluate([[1], [2], [3]], [1, 4, 8], { batchSize: 2 });
    expect(r.loss).toBeCloseTo(1, 12);
    expect(r.mse).toBeCloseTo(5 / 3, 12);
    expect(r.rmse).toBeCloseTo(Math.sqrt(5 / 3), 12);
  });
});
