/**
 * A model from a Keras file's bytes (browser-safe), behind `fromKerasFile` (load.ts). The steps, each checked before
 * the next, and nothing allocated for weights until the file's shapes have been matched to the model's:
 *
 *   container.ts       zip or HDF5, by content; config, Keras version, compile settings, weight groups
 *   keras-topology.ts  the config as a Sequential topology (version differences settled)
 *   topology.ts        the layers, through their descriptors (every Keras option read or refused by name)
 *   keras-weights.ts   each weight's dataset, by the writer's naming scheme; shapes checked
 *   then               the values read (as float32), set, and the compile settings applied where they map
 *   keras-optimizer.ts the optimizer's state (iterations, moments), when it matches the compiled optimizer
 */
import { SeqcastError } from '../../errors.js';
import { checkLimits } from '../artifacts.js';
import type { Sequential } from '../sequential.js';
import { modelForWeights } from '../sequential.js';
import { parseTopology } from '../topology.js';
import { openKerasFile } from './container.js';
import type { KerasLoadOptions } from './load.js';
import { maxKerasFileBytes } from './load.js';
import { kerasCompile } from './keras-compile.js';
import { restoreOptimizerState } from './keras-optimizer.js';
import { kerasMajorVersion, kerasTopology } from './keras-topology.js';
import type { PlannedWeight } from './keras-weights.js';
import { planWeights } from './keras-weights.js';

/** `fromKerasFile` with `src` naming the file in every message. */
export function modelFromKerasBytes(bytes: Uint8Array, src: string, options: KerasLoadOptions): Sequential {
  const { onSkip, ...limits } = options;
  const { maxLayers, maxParams } = checkLimits(limits);
  const skip = onSkip ?? ((m: string) => console.warn(`seqcast: ${m}`));
  const parts = openKerasFile(bytes, src, maxKerasFileBytes(limits));
  const major = kerasMajorVersion(parts.kerasVersion, parts.format === 'keras3-zip');
  const { topology } = kerasTopology(parts.config, major, src);
  const declared = (topology.config as { layers: unknown[] }).layers.length;
  if (declared > maxLayers) {
    throw new SeqcastError(
      'config',
      `${src}: the model has ${declared} layers, more than the limit of ${maxLayers}; if it is really that deep, raise it with { maxLayers }`,
    );
  }
  const { layers, inputShape, batchSize } = parseTopology(topology, src);
  let plan: PlannedWeight[] = [];
  let model: Sequential;
  try {
    model = modelForWeights(
      layers,
      { inputShape, ...(batchSize === null ? {} : { batchSize }), seed: 0 },
      (weights) => {
        const total = weights.reduce((n, w) => n + w.shape.reduce((p, d) => p * d, 1), 0);
        if (total > maxParams) {
          throw new SeqcastError(
            'config',
            `the model has ${total.toLocaleString('en-US')} parameters, more than the limit of ${maxParams.toLocaleString('en-US')}; ` +
              `if it is really that large, raise it with { maxParams }`,
          );
        }
        plan = planWeights(parts, layers, weights, src);
      },
    );
  } catch (e) {
    if (e instanceof SeqcastError && !e.message.startsWith(src))
      throw new SeqcastError(e.code, `${src}: ${e.message}`);
    throw e;
  }
  let budget = maxParams;
  const values = plan.map(({ name, shape, dataset }) => {
    const data = dataset.readFloat32(budget, `weight '${name}'`);
    budget -= data.length;
    return { name, shape, data };
  });
  try {
    model.setWeights(values);
  } catch (e) {
    if (e instanceof SeqcastError) throw new SeqcastError(e.code, `${src}: ${e.message}`);
    throw e;
  }
  if (parts.training !== null) {
    const compile = kerasCompile(parts.training, (m) => skip(`${src}: not carried over: ${m}`));
    if (compile !== null) {
      try {
        model.compile(compile);
      } catch (e) {
        if (!(e instanceof SeqcastError)) throw e;
        skip(`${src}: not carried over: the compile settings (${e.message}); the model is left uncompiled`);
      }
    }
  }
  if (parts.optimizer !== null && parts.optimizer.keys().length > 0) {
    const why =
      model.compiled === null
        ? 'the model is left uncompiled'
        : restoreOptimizerState(parts, model, maxParams * 3);
    if (why !== null) {
      skip(
        `${src}: not carried over: the optimizer's state (iterations and moments), since ${why}; fit() starts from a fresh optimizer`,
      );
    }
  }
  return model;
}
