/**
 * Where each weight of a Keras file is, for every naming scheme its writers use, matched to seqcast's
 * weights (layer order, then Keras weight order: `kernel`, `recurrent_kernel`, `bias`, `embeddings`) by
 * names and shapes only: nothing is read until every weight has a place and the right shape.
 *
 * Keras 3 `model.weights.h5` (saving_lib): a layer of the list is `layers/<snake_case class>` with `_1`,
 * `_2`, … for the second and later layers of a class, its variables `vars/0`, `vars/1`, … in creation order;
 * a recurrent layer's are its cell's (`layers/gru/cell/vars/0`), a Bidirectional's its two halves'
 * (`layers/bidirectional/forward_layer/cell/vars/…`, then `backward_layer`), a TimeDistributed's its inner
 * layer's (`layers/time_distributed/layer/vars/…`).
 *
 * Legacy HDF5 (Keras 1–2, tf.keras, Keras 3's legacy writer): `model_weights/<layer name>` lists its weights
 * in the attribute `weight_names`, in the layer's order, each the path of a dataset below the group, in
 * whichever form the writer used: `dense_5/kernel:0` (Keras 2), `gru/gru_cell_1/bias:0` (tf.keras ≥ 2.2:
 * the cell nested), `sequential_4/bidirectional_2/forward_lstm_6/lstm_cell/kernel` (Keras 3, no `:0`).
 * As Keras does, the order decides; the last segment (without `:0`) and, inside a Bidirectional, the
 * `forward_` / `backward_` segment are checked against the weight seqcast expects there.
 *
 * Weights the file holds for no layer of the model are an error, as are missing ones: nothing is dropped.
 */
import { SeqcastError } from '../../errors.js';
import type { Layer } from '../../layers/layer.js';
import { formatShape } from '../../tensor.js';
import type { KerasParts } from './container.js';
import type { H5Group } from './hdf5.js';
import { H5Dataset } from './hdf5.js';

/** A weight of the model and the dataset that holds its values. */
export interface PlannedWeight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dataset: H5Dataset;
}

interface Expected {
  readonly name: string;
  readonly shape: readonly number[];
}

/** Keras's `naming.to_snake_case`: `GlobalAveragePooling1D` → `global_average_pooling1d`, `LSTM` → `lstm`. */
export function snakeCase(name: string): string {
  return name
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * The dataset of every weight in `weights` (the model's, in order, as `modelForWeights` lists them),
 * checked; `src` starts every message.
 */
export function planWeights(
  parts: KerasParts,
  layers: readonly Layer[],
  weights: readonly Expected[],
  src: string,
): PlannedWeight[] {
  const perLayer: Expected[][] = [];
  let k = 0;
  for (const layer of layers) {
    const n = layer.weightSpecs().length;
    perLayer.push(weights.slice(k, k + n));
    k += n;
  }
  return parts.format === 'keras3-zip'
    ? planKeras3(parts.weights, layers, perLayer, src)
    : planLegacy(parts.weights, layers, perLayer, src);
}

// ---- Keras 3 -----------------------------------------------------------------------------------------------

/** The groups (below the layer's own) that hold a layer's variables, in the order seqcast lists them. */
export function keras3VarGroups(layer: Layer): string[] {
  switch (layer.className) {
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      return ['cell/vars'];
    case 'Bidirectional':
      return ['forward_layer/cell/vars', 'backward_layer/cell/vars'];
    case 'TimeDistributed':
      return ['layer/vars'];
    default:
      return ['vars'];
  }
}

function planKeras3(
  root: H5Group,
  layers: readonly Layer[],
  perLayer: readonly Expected[][],
  src: string,
): PlannedWeight[] {
  const where = `${src}: model.weights.h5`;
  const top = root.group('layers');
  if (top === null) {
    if (perLayer.every((w) => w.length === 0)) return [];
    throw new SeqcastError(
      'weights',
      `${where} has no 'layers' group, so it holds none of the model's weights; the file is damaged`,
    );
  }
  const used = new Map<string, number>();
  const visited = new Set<string>();
  const plan: PlannedWeight[] = [];
  layers.forEach((layer, i) => {
    const snake = snakeCase(layer.className);
    const count = used.get(snake);
    used.set(snake, count === undefined ? 0 : count + 1);
    const key = count === undefined ? snake : `${snake}_${count + 1}`;
    visited.add(key);
    const expected = perLayer[i];
    const group = top.group(key);
    const label = `layer '${layer.name}' (${layer.className})`;
    if (group === null) {
      if (expected.length === 0) return;
      throw new SeqcastError(
        'weights',
        `${where} has no group 'layers/${key}' for ${label}; the weights belong to another model or the file is damaged`,
      );
    }
    const found: H5Dataset[] = [];
    const paths: string[] = [];
    for (const rel of keras3VarGroups(layer)) {
      const vars = group.group(rel);
      if (vars === null) {
        if (expected.length === 0) continue;
        throw new SeqcastError(
          'weights',
          `${where} has no group 'layers/${key}/${rel}' for ${label}; the file is damaged`,
        );
      }
      const keys = vars.keys();
      for (let j = 0; j < keys.length; j++) {
        const d = vars.child(String(j));
        if (!(d instanceof H5Dataset)) {
          throw new SeqcastError(
            'weights',
            `${where}: 'layers/${key}/${rel}' holds ${keys.map((x) => `'${x}'`).join(', ')}, not the variables '0' … '${keys.length - 1}'; the file is damaged`,
          );
        }
        found.push(d);
        paths.push(`layers/${key}/${rel}/${j}`);
      }
    }
    const extra = stray(group, keras3VarGroups(layer));
    if (found.length !== expected.length || extra.length > 0) {
      throw new SeqcastError(
        'weights',
        `${where} holds ${found.length + extra.length} weight array(s) for ${label} under 'layers/${key}' but seqcast's ` +
          `${layer.className} has ${expected.length}${expected.length > 0 ? ` (${expected.map((w) => short(w.name)).join(', ')})` : ''}; ` +
          `a layer option that adds weights is set in Keras, or the file belongs to another model`,
      );
    }
    found.forEach((d, j) => plan.push(checked(d, expected[j], paths[j], layer, where)));
  });
  for (const key of top.keys()) {
    if (visited.has(key)) continue;
    const g = top.group(key);
    if (g !== null && holdsData(g, 0)) {
      throw new SeqcastError(
        'weights',
        `${where} holds weights under 'layers/${key}', which no layer of the config has; the config and the weights do not belong together`,
      );
    }
  }
  return plan;
}

/** Datasets below `group` outside the variable groups seqcast reads (at most a few levels down). */
function stray(group: H5Group, read: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (g: H5Group, rel: string, depth: number): void => {
    if (depth > 4 || read.includes(rel)) return;
    for (const k of g.keys()) {
      const c = g.child(k);
      const path = rel === '' ? k : `${rel}/${k}`;
      if (c instanceof H5Dataset) out.push(path);
      else if (c !== null && !read.includes(path)) walk(c, path, depth + 1);
    }
  };
  walk(group, '', 0);
  return out;
}

function holdsData(g: H5Group, depth: number): boolean {
  if (depth > 5) return false;
  return g.keys().some((k) => {
    const c = g.child(k);
    return c instanceof H5Dataset || (c !== null && holdsData(c, depth + 1));
  });
}

// ---- legacy HDF5 -----------------------------------------------------------------------------------------

function planLegacy(
  group: H5Group,
  layers: readonly Layer[],
  perLayer: readonly Expected[][],
  src: string,
): PlannedWeight[] {
  const names = group.attrTextList('layer_names');
  if (names === undefined) {
    throw new SeqcastError(
      'weights',
      `${src}: 'model_weights' has no 'layer_names' attribute, so its weights cannot be matched to layers; the file is damaged`,
    );
  }
  const plan: PlannedWeight[] = [];
  const matched = new Set<string>();
  layers.forEach((layer, i) => {
    const expected = perLayer[i];
    const label = `layer '${layer.name}' (${layer.className})`;
    if (expected.length === 0) return;
    const g = names.includes(layer.name) ? group.group(layer.name) : null;
    if (g === null) {
      throw new SeqcastError(
        'weights',
        `${src}: 'model_weights' has no group for ${label}, whose weights the config needs; the weights belong to another model or the file is damaged`,
      );
    }
    matched.add(layer.name);
    const weightNames = g.attrTextList('weight_names') ?? [];
    if (weightNames.length !== expected.length) {
      throw new SeqcastError(
        'weights',
        `${src}: 'model_weights/${layer.name}' lists ${weightNames.length} weight(s) (${weightNames.join(', ') || 'none'}) but seqcast's ` +
          `${layer.className} has ${expected.length} (${expected.map((w) => short(w.name)).join(', ')}); the config and the weights do not belong together`,
      );
    }
    weightNames.forEach((fileName, j) => {
      const d = g.child(fileName);
      const path = `model_weights/${layer.name}/${fileName}`;
      if (!(d instanceof H5Dataset)) {
        throw new SeqcastError(
          'weights',
          `${src}: '${path}', which 'weight_names' lists, is missing; the file is truncated or damaged`,
        );
      }
      checkLegacyName(fileName, expected[j], layer, src);
      plan.push(checked(d, expected[j], path, layer, src));
    });
  });
  for (const name of names) {
    if (matched.has(name)) continue;
    const listed = group.group(name)?.attrTextList('weight_names') ?? [];
    if (listed.length > 0) {
      throw new SeqcastError(
        'weights',
        `${src}: 'model_weights/${name}' holds ${listed.length} weight(s), but no layer of the config with weights is named '${name}'; the config and the weights do not belong together`,
      );
    }
  }
  return plan;
}

/** The weight's last name segment (`kernel:0` → kernel) and, in a Bidirectional, its direction. */
function checkLegacyName(fileName: string, expected: Expected, layer: Layer, src: string): void {
  const segments = fileName.split('/').map((s) => s.replace(/:\d+$/, ''));
  const want = expected.name.split('/');
  const ok =
    segments[segments.length - 1] === want[want.length - 1] &&
    (layer.className !== 'Bidirectional' || segments.some((s) => s.startsWith(`${want[1]}_`)));
  if (!ok) {
    throw new SeqcastError(
      'weights',
      `${src}: layer '${layer.name}' (${layer.className}) lists '${fileName}' where seqcast expects its ${short(expected.name)}; ` +
        `the weights are in an order or layout seqcast does not read (Keras 1 files are not read: load and save them with Keras 2)`,
    );
  }
}

// ---- both -----------------------------------------------------------------------------------------------

function checked(d: H5Dataset, expected: Expected, path: string, layer: Layer, src: string): PlannedWeight {
  const shape = d.shape;
  const same = shape.length === expected.shape.length && shape.every((s, a) => s === expected.shape[a]);
  if (!same) {
    const gru =
      layer.className === 'GRU' || (layer.className === 'Bidirectional' && expected.name.endsWith('bias'))
        ? "; a GRU's bias is [3·units] with reset_after false and [2, 3·units] with reset_after true"
        : '';
    throw new SeqcastError(
      'weights',
      `${src}: weight '${path}' has shape ${formatShape(shape)} but layer '${layer.name}' (${layer.className}) as its config ` +
        `builds it needs ${formatShape(expected.shape)} for ${short(expected.name)}${gru}; the config and the weights do not belong together`,
    );
  }
  return { name: expected.name, shape: expected.shape, dataset: d };
}

/** `bidirectional/forward/kernel` → `forward/kernel`. */
function short(name: string): string {
  return name.split('/').slice(1).join('/');
}
