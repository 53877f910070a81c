/**
 * A model as a Keras 3 `.keras` file, in memory (browser-safe), behind `toKerasFile` (load.ts): the zip
 * Keras 3's `saving_lib` writes, its entries stored uncompressed as Keras stores them:
 *
 *   metadata.json      { keras_version, date_saved } — 3.4.0: Keras 3.4's own files have every config key
 *                      written here (loss_scale_factor, gradient_accumulation_steps included)
 *   config.json        the model (keras3-config.ts)
 *   model.weights.h5   H5IOStore's layout (hdf5-write.ts): `vars` of the model; `layers/<snake_case class>`
 *                      (`_1`, `_2`, … for later layers of a class) with `vars/<i>`, a recurrent layer's under
 *                      `cell/vars/<i>`, a Bidirectional's under `forward_layer/cell/vars` and
 *                      `backward_layer/cell/vars`, a TimeDistributed's under `layer/vars`; every `vars` group
 *                      has the `name` attribute Keras gives it. When the model is compiled, `optimizer/vars`:
 *                      0 `iterations` (int64), 1 `learning_rate` (float32), then the optimizer's slots per
 *                      trainable variable (keras-optimizer.ts), zeros when it has not made an update yet, as a
 *                      built Keras optimizer holds.
 */
import { zipSync } from 'fflate';
import type { Layer } from '../../layers/layer.js';
import type { Sequential } from '../sequential.js';
import { writeHdf5, H5GroupSpec } from './hdf5-write.js';
import { keras3Config } from './keras3-config.js';
import { keras3VarGroups, snakeCase } from './keras-weights.js';
import { writeOptimizerVars } from './keras-optimizer.js';

/** The Keras version written in metadata.json (see the module comment). */
export const WRITTEN_KERAS_VERSION = '3.4.0';

/** The bytes of a Keras 3 `.keras` file holding `model` (weights as float32). */
export function kerasFileBytes(model: Sequential, date: Date = new Date()): Uint8Array {
  const config = keras3Config(model);
  const weights = weightsFile(model);
  const stamp = date
    .toISOString()
    .replace('T', '@')
    .replace(/\.\d+Z$/, '');
  const encoder = new TextEncoder();
  return zipSync(
    {
      'metadata.json': encoder.encode(
        JSON.stringify({ keras_version: WRITTEN_KERAS_VERSION, date_saved: stamp }),
      ),
      'config.json': encoder.encode(JSON.stringify(config)),
      'model.weights.h5': weights,
    },
    { level: 0, mtime: date },
  );
}

/** model.weights.h5 of `model`, as Keras 3's H5IOStore lays it out (see the module comment). */
export function weightsFile(model: Sequential): Uint8Array {
  const root = new H5GroupSpec();
  const layers = root.group('layers');
  const used = new Map<string, number>();
  const weights = model.weights();
  let k = 0;
  for (const layer of model.layers) {
    const snake = snakeCase(layer.className);
    const count = used.get(snake);
    used.set(snake, count === undefined ? 0 : count + 1);
    const group = layers.group(count === undefined ? snake : `${snake}_${count + 1}`);
    const own = weights.slice(k, k + layer.weightSpecs().length);
    k += own.length;
    group.group('vars').attrs.set('name', layer.name);
    const varGroups = keras3VarGroups(layer);
    const per = own.length / varGroups.length;
    varGroups.forEach((rel, g) => {
      nameParents(group, rel, layer);
      const vars = group.group(rel);
      own.slice(g * per, (g + 1) * per).forEach((w, j) => {
        vars.dataset(String(j), { dtype: 'float32', shape: w.shape, data: w.data });
      });
    });
  }
  const compiled = model.compiled;
  if (compiled !== null) writeOptimizerVars(root.group('optimizer/vars'), compiled.optimizer, model);
  root.group('vars').attrs.set('name', 'sequential');
  return writeHdf5(root);
}

/** The `vars` groups on the way to a nested variable group, with the names Keras gives them. */
function nameParents(group: H5GroupSpec, rel: string, layer: Layer): void {
  const parts = rel.split('/'); // 'cell/vars', 'forward_layer/cell/vars', 'layer/vars', 'vars'
  const inner = snakeCase(innerClass(layer));
  if (parts[0] === 'forward_layer' || parts[0] === 'backward_layer') {
    const direction = parts[0].replace('_layer', '');
    group.group(`${parts[0]}/vars`).attrs.set('name', `${direction}_${inner}`);
    group.group(`${parts[0]}/cell/vars`).attrs.set('name', `${inner}_cell`);
  } else if (parts[0] === 'cell') {
    group.group('cell/vars').attrs.set('name', `${inner}_cell`);
  } else if (parts[0] === 'layer') {
    group.group('layer/vars').attrs.set('name', `${layer.name}_${inner}`);
  }
}

/** The class of the layer a wrapper holds (Bidirectional's LSTM, TimeDistributed's Dense), else its own. */
function innerClass(layer: Layer): string {
  const config = layer.getConfig() as { layer?: { className?: string } };
  return config.layer?.className ?? layer.className;
}
