/**
 * The optimizer's state in Keras files, read so that training resumes where Keras left it, and written by
 * `toKerasFile`. A model's trainable variables are seqcast's weights in order (layer order, then kernel,
 * recurrent_kernel, bias; a Bidirectional's forward half first), so each slot is one value per entry of
 * `model.params`, cut at the weights' boundaries.
 *
 *   Keras 3 (.keras)            `optimizer/vars/0` iterations (int64), `1` learning_rate (float32), then
 *                               Adam's momentum and velocity per variable, interleaved (m₀ v₀ m₁ v₁ …:
 *                               `add_optimizer_variables(vars, ["momentum", "velocity"])`); RMSprop's
 *                               velocities, then momentums, then average gradients, each for all variables;
 *                               SGD's momentums
 *   Keras 3 legacy (.h5)        `optimizer_weights`, the same variables listed by `weight_names`
 *                               (`adam/iteration`, `adam/learning_rate`, `adam/<var>_momentum`, …)
 *   Keras 2 / tf.keras (.h5)    `optimizer_weights`: `Adam/iter:0`, then every variable's `…/m:0`, then every
 *                               `…/v:0` (optimizer_v2's slots, slot by slot); RMSprop `…/rms:0` (and
 *                               `…/momentum:0`, `…/mg:0`); no learning rate
 *
 * Nothing is guessed: a state whose variables do not match the optimizer the compile settings built (count,
 * names, shapes) is reported through `onSkip` and training starts fresh.
 */
import type { Optimizer } from '../../optim/optimizers.js';
import type { FloatArray } from '../../tensor.js';
import type { Sequential } from '../sequential.js';
import type { KerasParts } from './container.js';
import type { H5GroupSpec } from './hdf5-write.js';
import type { H5Group } from './hdf5.js';
import { H5Dataset } from './hdf5.js';

/** Keras 3's slot order: Adam's two slots per variable, the others' one slot for all variables at a time. */
function interleaved(optimizer: Optimizer): boolean {
  return optimizer.name === 'adam';
}

/** Writes `optimizer/vars` of a Keras 3 weights file (see the module comment). */
export function writeOptimizerVars(vars: H5GroupSpec, optimizer: Optimizer, model: Sequential): void {
  vars.attrs.set('name', optimizer.name);
  vars.dataset('0', { dtype: 'int64', shape: [], data: [optimizer.iterations] });
  vars.dataset('1', { dtype: 'float32', shape: [], data: [optimizer.currentLearningRate()] });
  const live = optimizer.slots();
  const names = slotNames(optimizer);
  const weights = model.weights();
  let index = 2;
  const put = (slot: string, w: number): void => {
    const { shape, data } = weights[w];
    const offset = weights.slice(0, w).reduce((n, x) => n + x.data.length, 0);
    const values =
      live === null ? new Float32Array(data.length) : live[slot].subarray(offset, offset + data.length);
    vars.dataset(String(index++), { dtype: 'float32', shape, data: values });
  };
  if (interleaved(optimizer)) {
    for (let w = 0; w < weights.length; w++) for (const slot of names) put(slot, w);
  } else {
    for (const slot of names) for (let w = 0; w < weights.length; w++) put(slot, w);
  }
}

/** The slot names an optimizer keeps, in Keras's order (whether or not it has made an update). */
function slotNames(optimizer: Optimizer): string[] {
  const live = optimizer.slots();
  if (live !== null) return Object.keys(live);
  const cfg = optimizer.getConfig() as { momentum?: number; centered?: boolean };
  if (optimizer.name === 'adam') return ['momentum', 'velocity'];
  if (optimizer.name === 'sgd') return (cfg.momentum ?? 0) > 0 ? ['momentum'] : [];
  return [
    'velocity',
    ...((cfg.momentum ?? 0) > 0 ? ['momentum'] : []),
    ...(cfg.centered === true ? ['average_gradient'] : []),
  ];
}

interface Variable {
  readonly name: string;
  readonly dataset: H5Dataset;
}

/**
 * Restores the state the file holds into the model's compiled optimizer; returns null when restored, else
 * why not (for onSkip). `maxValues` bounds what is read.
 */
export function restoreOptimizerState(
  parts: KerasParts,
  model: Sequential,
  maxValues: number,
): string | null {
  const group = parts.optimizer;
  const compiled = model.compiled;
  if (group === null || compiled === null)
    return compiled === null && group !== null ? 'the model is not compiled' : null;
  const optimizer = compiled.optimizer;
  const variables = parts.format === 'keras3-zip' ? keras3Variables(group) : legacyVariables(group);
  if (variables === null) {
    return "the optimizer's variables are in a layout seqcast does not read (standalone Keras before 2.3, or a damaged file)";
  }
  if (variables.length === 0) return null;
  const names = slotNames(optimizer);
  const weights = model.weights();
  const keras2 = variables[0].name.endsWith('iter:0');
  const head = keras2 ? 1 : 2;
  if (variables.length !== head + names.length * weights.length) {
    return (
      `the file's ${optimizer.name} state holds ${variables.length} variables but seqcast's ${optimizer.name} of this model keeps ` +
      `${head + names.length * weights.length} (${head === 1 ? 'iterations' : 'iterations, learning_rate'} and ${names.join(', ') || 'no slots'} for ${weights.length} weights)`
    );
  }
  // Which variable holds slot s of weight w, by the writer's order; names are checked where the file has them.
  const at = (s: number, w: number): number =>
    head + (interleaved(optimizer) && !keras2 ? w * names.length + s : s * weights.length + w);
  const suffix: Record<string, string[]> = {
    momentum: ['_momentum', '/m:0', '/momentum:0'],
    velocity: ['_velocity', '/v:0', '/rms:0'],
    average_gradient: ['_average_gradient', '/mg:0'],
  };
  if (optimizer.name === 'rmsprop') suffix.velocity = ['_velocity', '/rms:0'];
  const slots: Record<string, FloatArray> = {};
  let budget = maxValues;
  for (let s = 0; s < names.length; s++) {
    const values = new Float32Array(model.params.length);
    let offset = 0;
    for (let w = 0; w < weights.length; w++) {
      const v = variables[at(s, w)];
      if (parts.format === 'hdf5' && !suffix[names[s]].some((x) => v.name.endsWith(x))) {
        return `the file's variable '${v.name}' is where seqcast expects the ${names[s]} of weight '${weights[w].name}'`;
      }
      const shape = v.dataset.shape;
      const want = weights[w].shape;
      if (shape.length !== want.length || shape.some((d, a) => d !== want[a])) {
        return `the file's ${names[s]} for weight '${weights[w].name}' has shape [${shape.join(', ')}], not [${want.join(', ')}]`;
      }
      const data = v.dataset.readFloat32(budget, `the optimizer's ${names[s]} of '${weights[w].name}'`);
      budget -= data.length;
      values.set(data, offset);
      offset += data.length;
    }
    slots[names[s]] = values;
  }
  const iterations = variables[0].dataset.readInteger(`the optimizer's iterations`);
  if (!keras2) {
    const lr = variables[1].dataset.readFloat32(1, `the optimizer's learning_rate`)[0];
    // Keras keeps the rate in a float32 variable: a callback's change (ReduceLROnPlateau) is kept, the
    // compile setting's float64 value when it is the same rate
    if (typeof optimizer.learningRate === 'number' && Math.fround(optimizer.learningRate) !== lr) {
      optimizer.learningRate = lr;
    }
  }
  optimizer.restoreState(model.params, iterations, slots);
  return null;
}

function keras3Variables(group: H5Group): Variable[] | null {
  const vars = group.group('vars');
  if (vars === null) return group.keys().length === 0 ? [] : null;
  const keys = vars.keys();
  const out: Variable[] = [];
  for (let i = 0; i < keys.length; i++) {
    const d = vars.child(String(i));
    if (!(d instanceof H5Dataset)) return null;
    out.push({ name: String(i), dataset: d });
  }
  return out;
}

function legacyVariables(group: H5Group): Variable[] | null {
  const names = group.attrTextList('weight_names');
  if (names === undefined) return null;
  const out: Variable[] = [];
  for (const name of names) {
    const d = group.child(name);
    if (!(d instanceof H5Dataset)) return null;
    out.push({ name, dataset: d });
  }
  if (out.length > 0 && !/(iter:0|iteration|iterations)$/.test(out[0].name)) return null;
  return out;
}
