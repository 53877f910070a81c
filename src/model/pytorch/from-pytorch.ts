/**
 * `fromPyTorch(model, tensors)`: a PyTorch state dict assigned to an already-built seqcast model of the same
 * architecture. Browser-safe; `loadPyTorchWeights` (node) reads a safetensors file first.
 *
 * Modules map to seqcast's layers with weights, in order: an nn.RNN / nn.LSTM / nn.GRU of num_layers L fills
 * L consecutive SimpleRNN / LSTM / GRU layers (its layer k the k-th), bidirectional=True ones Bidirectional
 * layers (the `_reverse` tensors the backward half); nn.Linear fills a Dense (or TimeDistributed(Dense)),
 * nn.Embedding an Embedding. `batch_first` changes no weight. The layouts are in layer-weights.ts.
 *
 * Which module fills which layer: `names` (seqcast layer index → module prefix) when given; else the modules
 * in the order their tensors appear. Files of the safetensors library list tensors sorted by name (`fc.*`
 * before `lstm.*`), which says nothing of the modules' order: for a sorted state dict, or one whose order does
 * not fit, the one order of the modules that fits every layer's kind and shapes is used, and when several fit,
 * `names` must say. Every weight is planned and checked before any is set:
 * a missing tensor, an unused one, a wrong shape, a layer option PyTorch has no counterpart for is one error,
 * and the model is left unchanged.
 */
import { SeqcastError } from '../../errors.js';
import type { Layer } from '../../layers/layer.js';
import { checkOptions } from '../../options.js';
import { Sequential } from '../sequential.js';
import type { PlannedWeight } from './layer-weights.js';
import { layerLabel, layerWeights, needs } from './layer-weights.js';
import type { StateDict, TorchModule } from './state-dict.js';
import { moduleLabel, stateDictEntries, torchModules } from './state-dict.js';

export interface FromPyTorchOptions {
  /**
   * Which PyTorch module fills each seqcast layer with weights: layer index → the module's prefix in the
   * state dict (`'lstm'` for `lstm.weight_ih_l0`, `''` for a bare module's own state dict). Consecutive layers
   * given one recurrent module take its layers l0, l1, … in order. Every layer with weights must be named.
   */
  readonly names?: Readonly<Record<number, string>>;
  /** Names the state dict in messages (a file path). Default 'fromPyTorch()'. */
  readonly source?: string;
}

/** Which module filled a layer: seqcast's layer (index and name), the module's prefix and its layer k. */
export interface PyTorchMapping {
  readonly index: number;
  readonly layer: string;
  readonly module: string;
  /** k of `_l{k}` for a recurrent module, else null. */
  readonly moduleLayer: number | null;
}

interface Slot {
  readonly layer: Layer;
  readonly index: number;
}

interface Plan {
  readonly mapping: PyTorchMapping[];
  readonly weights: { name: string; shape: readonly number[]; data: Float64Array }[];
}

/** The most modules whose orders are tried when their order of appearance does not fit (6! = 720). */
const MAX_SEARCH = 6;

/**
 * Sets every weight of `model` from the PyTorch state dict `tensors` (see the module comment) and returns
 * which module filled which layer.
 */
export function fromPyTorch(
  model: Sequential,
  tensors: StateDict,
  options: FromPyTorchOptions = {},
): PyTorchMapping[] {
  checkOptions('fromPyTorch()', options, ['names', 'source']);
  const where = options.source ?? 'fromPyTorch()';
  if (!(model instanceof Sequential)) {
    throw new SeqcastError('config', 'fromPyTorch(): give the seqcast model (sequential([...])) first');
  }
  const entries = stateDictEntries(tensors, where);
  const modules = torchModules(entries, where);
  const slots: Slot[] = model.layers
    .map((layer, index) => ({ layer, index }))
    .filter((s) => s.layer.weightSpecs().length > 0);
  const all = entries.map(([name]) => name);
  let plan: Plan;
  if (options.names !== undefined) {
    plan = planNamed(slots, modules, options.names, all, where);
  } else {
    plan = planDefault(slots, modules, all, where);
  }
  model.setWeights(plan.weights);
  return plan.mapping;
}

/**
 * Modules in the state dict's order; when that order does not fit, or when the tensors are sorted by name (as
 * every file of the safetensors library is: its order says nothing of the modules') and another order fits as
 * well, the other orders of the modules decide: exactly one must fit, else `names` must say.
 */
function planDefault(
  slots: readonly Slot[],
  modules: readonly TorchModule[],
  all: readonly string[],
  where: string,
): Plan {
  const first = { at: 0 };
  let plan: Plan | null = null;
  let error: SeqcastError | null = null;
  try {
    plan = planInOrder(slots, modules, all, where, first);
  } catch (e) {
    if (!(e instanceof SeqcastError)) throw e;
    error = e;
  }
  const sorted = all.every((name, i) => i === 0 || all[i - 1] <= name);
  const search = modules.length >= 2 && modules.length <= MAX_SEARCH && (plan === null || sorted);
  if (!search) {
    if (plan === null) throw error!;
    return plan;
  }
  // the other orders; if none fits, the error of the one that got furthest (the file's own order first)
  const fits: Plan[] = plan === null ? [] : [plan];
  let best = { error, at: first.at };
  for (const order of permutations(modules).slice(1)) {
    const progress = { at: 0 };
    try {
      fits.push(planInOrder(slots, order, all, where, progress));
    } catch (other) {
      if (!(other instanceof SeqcastError)) throw other;
      if (progress.at > best.at) best = { error: other, at: progress.at };
    }
  }
  const hint = "pass { names: { <layer index>: '<module prefix>' } } to say which module fills which layer";
  if (fits.length === 1) return fits[0];
  if (fits.length === 0) {
    throw new SeqcastError(
      'weights',
      `${best.error!.message} (no order of the state dict's modules fits the model)`,
    );
  }
  throw new SeqcastError(
    'weights',
    plan !== null
      ? `${where}: the state dict lists its tensors sorted by name (as safetensors files do), which says nothing of the order of its modules (${modules.map((m) => `'${m.prefix}'`).join(', ')}), and ${fits.length} orders of them fit the model; ${hint}`
      : `${error!.message}; ${fits.length} orders of the state dict's modules fit the model: ${hint}`,
  );
}

/** The plan of `order` filling `slots` in turn; `progress.at` counts the slots filled before an error. */
function planInOrder(
  slots: readonly Slot[],
  order: readonly TorchModule[],
  all: readonly string[],
  where: string,
  progress: { at: number },
): Plan {
  const used = new Set<string>();
  const mapping: PyTorchMapping[] = [];
  const weights: Plan['weights'] = [];
  let at = 0;
  for (const module of order) {
    const count = module.kind === 'recurrent' ? module.layers : 1;
    for (let k = 0; k < count; k++) {
      if (at >= slots.length) {
        throw new SeqcastError(
          'weights',
          `${where}: ${moduleLabel(module)}${module.kind === 'recurrent' ? ` (layer l${k})` : ''} has no seqcast layer left to fill: the model has ${slots.length} layer(s) with weights, the state dict more modules or layers (num_layers) than that; build the same architecture, or pass { names }`,
        );
      }
      const slot = slots[at];
      if (needs(slot.layer) === module.kind) progress.at = at + 0.25; // the right kind: its error says more
      add(slot, module, module.kind === 'recurrent' ? k : null, used, mapping, weights, where);
      progress.at = ++at;
    }
  }
  progress.at = at + 0.5; // every module found a layer: what is left is a layer without a module or an unused tensor
  if (at < slots.length) {
    const s = slots[at];
    throw new SeqcastError(
      'weights',
      `${where}: ${layerLabel(s.layer, s.index)} has no PyTorch module: the state dict holds ${order.length} module(s) (${order.map((m) => `'${m.prefix}'`).join(', ')}) for ${slots.length} seqcast layer(s) with weights; save the whole model's state dict`,
    );
  }
  checkAllUsed(all, used, where);
  return { mapping, weights };
}

function planNamed(
  slots: readonly Slot[],
  modules: readonly TorchModule[],
  names: Readonly<Record<number, string>>,
  all: readonly string[],
  where: string,
): Plan {
  if (typeof names !== 'object' || names === null) {
    throw new SeqcastError(
      'config',
      `${where}: names must be an object { <layer index>: '<module prefix>' }`,
    );
  }
  const byPrefix = new Map(modules.map((m) => [m.prefix, m]));
  const weighted = new Set(slots.map((s) => s.index));
  for (const [key, value] of Object.entries(names)) {
    if (!/^(0|[1-9]\d*)$/.test(key) || !weighted.has(Number(key))) {
      throw new SeqcastError(
        'config',
        `${where}: names has key '${key.slice(0, 40)}', which is not the index of a layer with weights (those are ${slots.map((s) => s.index).join(', ')})`,
      );
    }
    if (typeof value !== 'string' || !byPrefix.has(value)) {
      throw new SeqcastError(
        'config',
        `${where}: names[${key}] is ${JSON.stringify(value)?.slice(0, 60)}, which is no module of the state dict; its modules are ${modules.map((m) => `'${m.prefix}'`).join(', ')}`,
      );
    }
  }
  const used = new Set<string>();
  const mapping: PyTorchMapping[] = [];
  const weights: Plan['weights'] = [];
  const taken = new Map<string, number>();
  for (const slot of slots) {
    if (!Object.hasOwn(names, slot.index)) {
      throw new SeqcastError(
        'config',
        `${where}: names gives no module for ${layerLabel(slot.layer, slot.index)}; name every layer with weights`,
      );
    }
    const module = byPrefix.get(names[slot.index])!;
    const k = taken.get(module.prefix) ?? 0;
    taken.set(module.prefix, k + 1);
    if (module.kind === 'plain' && k > 0) {
      throw new SeqcastError(
        'config',
        `${where}: names gives ${moduleLabel(module)} to more than one layer, but an nn.Linear / nn.Embedding fills one layer`,
      );
    }
    add(slot, module, module.kind === 'recurrent' ? k : null, used, mapping, weights, where);
  }
  checkAllUsed(all, used, where);
  return { mapping, weights };
}

function add(
  slot: Slot,
  module: TorchModule,
  k: number | null,
  used: Set<string>,
  mapping: PyTorchMapping[],
  weights: Plan['weights'],
  where: string,
): void {
  if (needs(slot.layer) === null) {
    throw new SeqcastError(
      'weights',
      `${where}: ${layerLabel(slot.layer, slot.index)} has weights but no PyTorch counterpart`,
    );
  }
  const planned: PlannedWeight[] = layerWeights(slot.layer, slot.index, module, k ?? 0, used, where);
  for (const w of planned) weights.push({ ...w, name: `${slot.layer.name}/${w.name}` });
  mapping.push({ index: slot.index, layer: slot.layer.name, module: module.prefix, moduleLayer: k });
}

function checkAllUsed(all: readonly string[], used: ReadonlySet<string>, where: string): void {
  const unused = all.filter((n) => !used.has(n));
  if (unused.length > 0) {
    throw new SeqcastError(
      'weights',
      `${where}: tensor(s) ${unused
        .slice(0, 5)
        .map((n) => `'${n.slice(0, 80)}'`)
        .join(
          ', ',
        )}${unused.length > 5 ? ` and ${unused.length - 5} more` : ''} fill no layer of the model; build the same architecture, or leave them out of the state dict`,
    );
  }
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  const out: T[][] = [];
  items.forEach((item, i) => {
    const rest = [...items.slice(0, i), ...items.slice(i + 1)];
    for (const p of permutations(rest)) out.push([item, ...p]);
  });
  return out;
}
