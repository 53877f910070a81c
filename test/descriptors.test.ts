/**
 * The layer descriptors (src/layers/descriptor.ts) are the one description of each layer's options: these
 * tests hold that every option of every descriptor reaches getConfig, the camelCase registry and the Keras
 * topology, both ways, so an option added to a descriptor is serialised without touching other files.
 */
import { describe, expect, it } from 'vitest';
import type { Layer } from '../src/index.js';
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
import { BIDIRECTIONAL_LAYER } from '../src/layers/bidirectional.js';
import { DENSE_LAYER } from '../src/layers/dense.js';
import type { DescribedLayer, OptionSpec } from '../src/layers/descriptor.js';
import { GRU_LAYER } from '../src/layers/gru.js';
import { LSTM_LAYER } from '../src/layers/lstm.js';
import { SIMPLE_RNN_LAYER } from '../src/layers/simple-rnn.js';
import { jsBackend } from '../src/entries/kernels.js';
import { layerToKeras } from '../src/model/topology.js';
import { thrown } from './helpers/errors.js';

type AnyDescribed = DescribedLayer<Record<string, OptionSpec<unknown>>, Layer>;
const DESCRIBED = [DENSE_LAYER, SIMPLE_RNN_LAYER, LSTM_LAYER, GRU_LAYER] as unknown as AnyDescribed[];

/**
 * A value for every option that differs from its default, so a dropped option shows. Two options need
 * another's default: recurrentBias needs useBias, initialization 'pytorch' draws the recurrent kernel itself;
 * they are checked in the second set (`pytorch`), with useBias and recurrentInitializer at their defaults.
 */
function nonDefault(spec: OptionSpec<unknown>, key: string, pytorch: boolean): unknown {
  if (key === 'recurrentBias') return pytorch;
  if (key === 'initialization') return pytorch ? 'pytorch' : 'keras';
  if (pytorch && (key === 'useBias' || key === 'recurrentInitializer')) return spec.default;
  if (key === 'units') return 3;
  if (typeof spec.default === 'boolean') return !spec.default;
  if (key === 'activation' || key === 'recurrentActivation') return spec.default === 'relu' ? 'tanh' : 'relu';
  if (key === 'recurrentInitializer') return 'glorotUniform';
  if (key === 'dropout' || key === 'recurrentDropout') return 0.25;
  if (key === 'seed') return 7;
  throw new Error(`no non-default value for ${key}: extend nonDefault() in test/descriptors.test.ts`);
}

function nonDefaults(d: AnyDescribed, pytorch: boolean): Record<string, unknown> {
  return Object.fromEntries(Object.entries(d.options).map(([k, s]) => [k, nonDefault(s, k, pytorch)]));
}

const SETS = DESCRIBED.flatMap((d) => [
  [`${d.className}`, d, false] as const,
  [`${d.className} (PyTorch's flavour)`, d, true] as const,
]);

describe('layer descriptors', () => {
  it.each(SETS)(
    '%s: every option of the descriptor survives getConfig → layerFromConfig',
    (_cls, d, pytorch) => {
      const options = { ...nonDefaults(d, pytorch), name: 'x' };
      const layer = d.create(d.resolve(options));
      expect(layer.getConfig()).toEqual(options);
      expect(layerFromConfig(d.className, layer.getConfig()).getConfig()).toEqual(options);
    },
  );

  it.each(SETS)(
    '%s: every option of the descriptor is written under its Keras name and read back',
    (_cls, d, pytorch) => {
      const options = { ...nonDefaults(d, pytorch), name: 'x' };
      const layer = d.create(d.resolve(options));
      layer.build([4, 2], { dtype: 'float32', backend: jsBackend, batchSize: 2 });
      const { config } = layerToKeras(layer, [null, 4, 2]);
      for (const [key, spec] of Object.entries(d.options)) {
        const written = config[spec.keras];
        const value = options[key as keyof typeof options];
        if (spec.toKeras === undefined && spec.toKerasKeys === undefined) expect(written).toEqual(value);
        else if (value !== spec.default) expect(written).toBeDefined(); // an off-by-default option is omitted
      }
      const back = d.fromKeras(config, 'here', () => {
        throw new Error('not nested');
      });
      expect(back.getConfig()).toEqual(options);
    },
  );

  it('a model saved with every option changed from its default loads with the same configs', () => {
    const model = new Sequential(
      [
        bidirectional(simpleRNN({ units: 2, activation: 'relu', useBias: false, returnSequences: true }), {
          mergeMode: 'sum',
        }),
        lstm({
          units: 2,
          recurrentActivation: 'tanh',
          unitForgetBias: false,
          goBackwards: true,
          returnSequences: true,
        }),
        gru({ units: 2, resetAfter: false, activation: 'relu' }),
        dense({ units: 1, activation: 'sigmoid', useBias: false }),
      ],
      { inputShape: [4, 2], seed: 1 },
    );
    const loaded = fromArtifacts(toArtifacts(model));
    expect(loaded.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
  });

  it('resolve(options) fills in the defaults and rejects a name that is not a string', () => {
    expect(LSTM_LAYER.resolve({ units: 2 })).toEqual({
      name: '',
      units: 2,
      activation: 'tanh',
      recurrentActivation: 'sigmoid',
      useBias: true,
      unitForgetBias: true,
      returnSequences: false,
      returnState: false,
      goBackwards: false,
      stateful: false,
      recurrentInitializer: 'orthogonal',
      initialization: 'keras',
      recurrentBias: false,
      dropout: 0,
      recurrentDropout: 0,
      seed: null,
    });
    expect(thrown(() => lstm({ units: 2, name: 3 as never })).message).toBe(
      'LSTM: name must be a string (got 3)',
    );
  });
});

describe("Bidirectional mergeMode null (Keras's two outputs) is refused, never read as 'concat'", () => {
  const NULL_MODE =
    /mergeMode null \(Keras's two separate outputs\) is not supported, because a Sequential model passes one output from layer to layer; use one of 'concat', 'sum', 'mul', 'ave'/;

  it('bidirectional(layer, { mergeMode: null }) throws, naming the valid modes', () => {
    expect(thrown(() => bidirectional(lstm({ units: 2 }), { mergeMode: null as never })).message).toMatch(
      NULL_MODE,
    );
  });

  it("layerFromConfig('Bidirectional', { mergeMode: null, … }) throws, naming the valid modes", () => {
    const config = { mergeMode: null, layer: { className: 'LSTM', config: { units: 2 } } };
    expect(thrown(() => layerFromConfig('Bidirectional', config)).message).toMatch(NULL_MODE);
    expect(BIDIRECTIONAL_LAYER.className).toBe('Bidirectional');
  });

  it('fromArtifacts refuses a TF.js / Keras topology with merge_mode null, naming the valid modes', () => {
    const model = new Sequential([bidirectional(lstm({ units: 2 }))], { inputShape: [3, 1], seed: 1 });
    const { modelJson, weightData } = toArtifacts(model);
    const json = structuredClone(modelJson) as unknown as {
      modelTopology: { config: { layers: { config: Record<string, unknown> }[] } };
    };
    json.modelTopology.config.layers[0].config.merge_mode = null;
    expect(() => fromArtifacts({ modelJson: json as never, weightData })).toThrow(
      /layer 'bidirectional' \(Bidirectional\) has merge_mode null; seqcast merges with 'concat', 'sum', 'mul', 'ave' \(null would make two outputs, which a sequential stack cannot pass on\)/,
    );
  });
});
