/**
 * `recurrentInitializer` (Keras `recurrent_initializer`) on SimpleRNN, LSTM and GRU: how the recurrent kernel's
 * first values are drawn, in the API, in camelCase configs and in Keras / TF.js topologies.
 */
import { describe, expect, it } from 'vitest';
import {
  bidirectional,
  dense,
  fromArtifacts,
  gru,
  layerFromConfig,
  lstm,
  Sequential,
  simpleRNN,
  toArtifacts,
} from '../src/index.js';
import type { Layer } from '../src/index.js';
import { thrown } from './helpers/errors.js';

const U = 4;
const MAKERS = [
  ['SimpleRNN', (o: object) => simpleRNN({ units: U, ...o }), 1],
  ['LSTM', (o: object) => lstm({ units: U, ...o }), 4],
  ['GRU', (o: object) => gru({ units: U, ...o }), 3],
] as const;

function recurrentKernel(layer: Layer, seed = 7): Float32Array {
  const model = new Sequential([layer, dense({ units: 1 })], { inputShape: [5, 3], seed });
  const w = model.getWeights().find((x) => x.name.endsWith('/recurrent_kernel'));
  return w!.data as Float32Array;
}

/** The model's topology JSON with the first layer's config handed to `edit`. */
function editedArtifacts(
  layers: Layer[],
  edit: (config: Record<string, unknown>) => void,
): ReturnType<typeof toArtifacts> {
  const { modelJson, weightData } = toArtifacts(new Sequential(layers, { inputShape: [5, 3], seed: 1 }));
  const json = structuredClone(modelJson) as unknown as {
    modelTopology: { config: { layers: { config: Record<string, unknown> }[] } };
  };
  edit(json.modelTopology.config.layers[0].config);
  return { modelJson: json as never, weightData };
}

describe('recurrentInitializer', () => {
  it.each(MAKERS)("%s({ recurrentInitializer: 'zeros' }) starts with a zero recurrent kernel", (_c, make) => {
    expect(recurrentKernel(make({ recurrentInitializer: 'zeros' })).every((v) => v === 0)).toBe(true);
  });

  it.each(MAKERS)(
    "%s({ recurrentInitializer: 'glorotUniform' }) draws U(-l, l), l = sqrt(6 / (U + G·U)), not orthogonal rows",
    (_c, make, G) => {
      const k = recurrentKernel(make({ recurrentInitializer: 'glorotUniform' }));
      const limit = Math.sqrt(6 / (U + G * U));
      expect(k.every((v) => Math.abs(v) <= limit)).toBe(true);
      expect(k).not.toEqual(recurrentKernel(make({})));
    },
  );

  it.each(MAKERS)(
    "%s's default is 'orthogonal': the same weights as before the option, rows orthonormal",
    (_c, make, G) => {
      const k = recurrentKernel(make({}));
      expect(k).toEqual(recurrentKernel(make({ recurrentInitializer: 'orthogonal' })));
      for (let i = 0; i < U; i++) {
        let dot = 0;
        for (let j = 0; j < G * U; j++) dot += k[i * G * U + j] * k[i * G * U + j];
        expect(dot).toBeCloseTo(1, 5);
      }
      expect(make({}).getConfig()).toMatchObject({ recurrentInitializer: 'orthogonal' });
    },
  );

  it('lstm({ recurrentInitializer }) rejects an initialiser seqcast does not draw, naming the ones it does', () => {
    expect(thrown(() => lstm({ units: 2, recurrentInitializer: 'identity' as never })).message).toBe(
      `LSTM: recurrentInitializer must be one of 'orthogonal', 'glorotUniform', 'zeros' (got "identity")`,
    );
  });

  it('layerFromConfig and Bidirectional carry recurrentInitializer to both directions', () => {
    const layer = layerFromConfig('GRU', { units: 2, recurrentInitializer: 'zeros' });
    expect(layer.getConfig()).toMatchObject({ recurrentInitializer: 'zeros' });
    const bi = bidirectional(simpleRNN({ units: 2, recurrentInitializer: 'zeros' }));
    const model = new Sequential([bi], { inputShape: [3, 1], seed: 2 });
    for (const w of model.getWeights().filter((x) => x.name.endsWith('recurrent_kernel')))
      expect(w.data.every((v) => v === 0)).toBe(true);
  });

  it.each([
    ['zeros', { class_name: 'Zeros', config: {} }],
    ['glorotUniform', { class_name: 'GlorotUniform', config: { seed: null } }],
    ['orthogonal', { class_name: 'Orthogonal', config: { gain: 1, seed: null } }],
  ] as const)(
    "toArtifacts writes recurrentInitializer '%s' as Keras recurrent_initializer %j, and fromArtifacts reads it back",
    (init, keras) => {
      const layers = [lstm({ units: 2, recurrentInitializer: init }), dense({ units: 1 })];
      let written: unknown;
      const artifacts = editedArtifacts(layers, (c) => (written = c.recurrent_initializer));
      expect(written).toEqual(keras);
      expect(fromArtifacts(artifacts).layers[0].getConfig()).toMatchObject({ recurrentInitializer: init });
    },
  );

  it.each([
    ['the string "glorot_uniform"', 'glorot_uniform', 'glorotUniform'],
    ['the string "zeros"', 'zeros', 'zeros'],
    [
      'Keras 3 Orthogonal with module and seed',
      {
        module: 'keras.initializers',
        class_name: 'Orthogonal',
        config: { gain: 1.0, seed: 42 },
        registered_name: null,
      },
      'orthogonal',
    ],
    [
      "TF.js's VarianceScaling(1, fan_avg, uniform)",
      {
        class_name: 'VarianceScaling',
        config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null },
      },
      'glorotUniform',
    ],
    ['no recurrent_initializer at all', undefined, 'orthogonal'],
  ] as const)('fromArtifacts reads recurrent_initializer as %s', (_t, value, expected) => {
    const artifacts = editedArtifacts([gru({ units: 2 })], (c) => {
      if (value === undefined) delete c.recurrent_initializer;
      else c.recurrent_initializer = value;
    });
    expect(fromArtifacts(artifacts).layers[0].getConfig()).toMatchObject({ recurrentInitializer: expected });
  });

  it.each([
    ['HeNormal', { class_name: 'HeNormal', config: { seed: null } }],
    ['Orthogonal with gain 2', { class_name: 'Orthogonal', config: { gain: 2, seed: null } }],
    ['the string "identity"', 'identity'],
  ] as const)('fromArtifacts refuses recurrent_initializer %s with the fix', (_t, value) => {
    const artifacts = editedArtifacts([simpleRNN({ units: 2 })], (c) => (c.recurrent_initializer = value));
    expect(() => fromArtifacts(artifacts)).toThrow(
      /layer 'simple_rnn' \(SimpleRNN\) has recurrent_initializer .*, which seqcast does not draw \(it draws Orthogonal with gain 1, GlorotUniform and Zeros: recurrentInitializer 'orthogonal', 'glorotUniform', 'zeros'\); .*set "recurrent_initializer": "orthogonal"/,
    );
  });
});
