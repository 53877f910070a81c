/**
 * A PyTorch state dict, read as modules: every tensor name is a parameter of an `nn.RNN` / `nn.LSTM` /
 * `nn.GRU` (`<prefix>.weight_ih_l{k}[_reverse]`, `weight_hh_…`, `bias_ih_…`, `bias_hh_…`) or of an
 * `nn.Linear` / `nn.Embedding` (`<prefix>.weight`, `<prefix>.bias`); the prefix is empty for a bare module's
 * own state dict. Modules are listed in the order their first tensor appears. Browser-safe.
 */
import { SeqcastError } from '../../errors.js';
import { formatShape } from '../../tensor.js';

/** A tensor of a state dict: its shape (PyTorch's) and its values, row-major. */
export interface PyTorchTensor {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** A state dict: what `readSafetensors` returns, or a plain object of tensors. */
export type StateDict = ReadonlyMap<string, PyTorchTensor> | Readonly<Record<string, PyTorchTensor>>;

/** The tensors of one PyTorch module, by their name without the prefix (`weight_ih_l0`, `bias`). */
export interface TorchModule {
  readonly prefix: string;
  readonly kind: 'recurrent' | 'plain';
  /** Recurrent: num_layers (one more than the largest k); plain: 1. */
  readonly layers: number;
  /** Recurrent: whether `_reverse` tensors are present (bidirectional=True). */
  readonly bidirectional: boolean;
  readonly tensors: ReadonlyMap<string, PyTorchTensor>;
}

const RECURRENT = /^(?:(.*)\.)?((?:weight|bias)_(?:ih|hh|hr)_l(\d+)(?:_reverse)?)$/;
const PLAIN = /^(?:(.*)\.)?(weight|bias)$/;

/** The state dict's entries, each checked to be a tensor (shape of integers ≥ 0, as many values). */
export function stateDictEntries(tensors: StateDict, where: string): [string, PyTorchTensor][] {
  if (typeof tensors !== 'object' || tensors === null) {
    throw new SeqcastError(
      'config',
      `${where}: give the state dict as a Map (what readSafetensors returns) or an object of { shape, data } tensors`,
    );
  }
  const entries: [string, PyTorchTensor][] =
    tensors instanceof Map
      ? [...(tensors as ReadonlyMap<string, PyTorchTensor>).entries()]
      : Object.entries(tensors as Record<string, PyTorchTensor>);
  for (const [name, t] of entries) {
    const ok =
      typeof t === 'object' &&
      t !== null &&
      Array.isArray(t.shape) &&
      t.shape.every((d) => Number.isSafeInteger(d) && d >= 0) &&
      typeof t.data === 'object' &&
      t.data !== null &&
      typeof t.data.length === 'number';
    if (!ok) {
      throw new SeqcastError(
        'weights',
        `${where}: tensor '${name.slice(0, 80)}' is not a { shape, data } tensor`,
      );
    }
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== count) {
      throw new SeqcastError(
        'weights',
        `${where}: tensor '${name.slice(0, 80)}' has shape ${formatShape(t.shape)} but ${t.data.length} values`,
      );
    }
  }
  return entries;
}

/** The modules of a state dict, in the order their first tensor appears. */
export function torchModules(entries: readonly [string, PyTorchTensor][], where: string): TorchModule[] {
  const byPrefix = new Map<
    string,
    {
      kind: 'recurrent' | 'plain';
      layers: number;
      bidirectional: boolean;
      tensors: Map<string, PyTorchTensor>;
    }
  >();
  for (const [name, t] of entries) {
    const r = RECURRENT.exec(name);
    const p = r === null ? PLAIN.exec(name) : null;
    if (r === null && p === null) {
      throw new SeqcastError(
        'weights',
        `${where}: tensor '${name.slice(0, 80)}' is not a parameter of nn.RNN, nn.LSTM, nn.GRU, nn.Linear or nn.Embedding, ` +
          `the modules seqcast maps; leave it out of the state dict (e.g. {k: v for k, v in model.state_dict().items() if …})`,
      );
    }
    const prefix = (r ?? p)![1] ?? '';
    const kind = r !== null ? 'recurrent' : 'plain';
    let m = byPrefix.get(prefix);
    if (m === undefined) {
      m = { kind, layers: 0, bidirectional: false, tensors: new Map() };
      byPrefix.set(prefix, m);
    } else if (m.kind !== kind) {
      throw new SeqcastError(
        'weights',
        `${where}: the tensors of '${prefix.slice(0, 80)}' mix recurrent names (weight_ih_l0, …) with nn.Linear ones (weight, bias); no PyTorch module has both`,
      );
    }
    if (r !== null) {
      m.layers = Math.max(m.layers, Number(r[3]) + 1);
      if (r[2].endsWith('_reverse')) m.bidirectional = true;
    } else {
      m.layers = 1;
    }
    m.tensors.set((r ?? p)![2], t);
  }
  return [...byPrefix.entries()].map(([prefix, m]) => ({ prefix, ...m }));
}

/** `'lstm'`, or `the unnamed module` for the empty prefix. */
export function moduleLabel(m: TorchModule): string {
  return m.prefix === '' ? 'the module (no prefix)' : `module '${m.prefix.slice(0, 80)}'`;
}

/** The full tensor name: `lstm.weight_ih_l0`, or `weight_ih_l0` without a prefix. */
export function fullName(m: TorchModule, local: string): string {
  return m.prefix === '' ? local : `${m.prefix}.${local}`;
}
