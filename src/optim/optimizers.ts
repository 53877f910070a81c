/**
 * Optimisers with Keras 3's exact update rules. Each works on the model's ONE flat parameter array and its
 * mirrored gradient array, so an update is a single loop; only `clipnorm` needs the tensor boundaries.
 * Step t counts from 1; `iterations` is the number of updates made so far.
 *
 * SGD        momentum = 0:  w ← w − lr·g
 *            momentum > 0:  v ← momentum·v − lr·g;  w ← w + v    (nesterov: w ← w + momentum·v − lr·g)
 * Adam       m ← m + (g − m)(1 − β1);  v ← v + (g² − v)(1 − β2)
 *            α = lr·sqrt(1 − β2^t)/(1 − β1^t);  w ← w − α·m/(sqrt(v) + ε)     (ε outside the bias correction)
 *            epsilonPlacement 'pytorch' (torch.optim.Adam): m̂ = m/(1 − β1^t), v̂ = v/(1 − β2^t);
 *            w ← w − lr·m̂/(sqrt(v̂) + ε)   (ε inside the bias correction; the same m and v)
 * RMSprop    v ← ρ·v + (1 − ρ)·g²;  (centered: a ← ρ·a + (1 − ρ)·g, denominator v − a² + ε; else v + ε)
 *            Δ = lr·g/sqrt(denominator);  momentum > 0: m ← momentum·m + Δ, w ← w − m;  else w ← w − Δ
 */
import { SeqcastError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { FloatArray } from '../tensor.js';
import { allocate, dtypeOf } from '../tensor.js';
import type { ClipOptions, ClipReport, ParamSegment } from './clip.js';
import { clipGradients } from './clip.js';
import type { LearningRateSchedule } from './schedules.js';

export type OptimizerName = 'sgd' | 'adam' | 'rmsprop';

interface BaseOptions extends ClipOptions {
  /** A number, or a schedule such as exponentialDecay(...). */
  readonly learningRate?: number | LearningRateSchedule;
}

export interface SGDOptions extends BaseOptions {
  readonly momentum?: number;
  readonly nesterov?: boolean;
}

/** Where Adam adds ε: Keras's (and TF.js's) `sqrt(v) + ε`, or PyTorch's `sqrt(v̂) + ε` after the bias correction. */
export type EpsilonPlacement = 'keras' | 'pytorch';

export interface AdamOptions extends BaseOptions {
  readonly beta1?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /**
   * 'keras' (default): w ← w − α·m/(sqrt(v) + ε) with α = lr·sqrt(1 − β2^t)/(1 − β1^t), Keras's and TF.js's
   * rule. 'pytorch': w ← w − lr·m̂/(sqrt(v̂) + ε) with the bias-corrected m̂ and v̂, torch.optim.Adam's rule
   * (whose default ε is 1e-8). The two differ by how much ε weighs while v is small.
   */
  readonly epsilonPlacement?: EpsilonPlacement;
}

export interface RMSpropOptions extends BaseOptions {
  readonly rho?: number;
  readonly momentum?: number;
  readonly epsilon?: number;
  readonly centered?: boolean;
}

export abstract class Optimizer {
  abstract readonly name: OptimizerName;
  /** Updates made so far. */
  iterations = 0;
  /** A number (which callbacks such as reduceLROnPlateau may change) or a schedule. */
  learningRate: number | LearningRateSchedule;
  readonly clip: Readonly<ClipOptions>;
  private slotsFor: FloatArray | null = null;

  protected constructor(
    label: string,
    options: BaseOptions,
    defaultLearningRate: number,
    known: readonly string[],
  ) {
    checkOptions(label, options, ['learningRate', 'clipnorm', 'globalClipnorm', 'clipvalue', ...known]);
    this.learningRate = options.learningRate ?? defaultLearningRate;
    if (typeof this.learningRate === 'number') positive(label, 'learningRate', this.learningRate);
    const set = (['clipnorm', 'globalClipnorm', 'clipvalue'] as const).filter((k) => options[k] != null);
    if (set.length > 1) {
      throw new SeqcastError(
        'config',
        `${label}: set at most one of clipnorm, globalClipnorm and clipvalue (got ${set.join(' and ')})`,
      );
    }
    for (const k of set) positive(label, k, options[k]!);
    this.clip = {
      clipnorm: options.clipnorm ?? null,
      globalClipnorm: options.globalClipnorm ?? null,
      clipvalue: options.clipvalue ?? null,
    };
  }

  /** The learning rate the next update will use. */
  currentLearningRate(): number {
    return typeof this.learningRate === 'number' ? this.learningRate : this.learningRate.at(this.iterations);
  }

  /** Clips `grads` in place by this optimiser's clip option. */
  clipGradients(grads: FloatArray, segments: readonly ParamSegment[]): ClipReport {
    return clipGradients(grads, segments, this.clip);
  }

  /** Clips the gradients (in place), then updates `params` (in place) and counts the step. */
  applyGradients(params: FloatArray, grads: FloatArray, segments: readonly ParamSegment[]): ClipReport {
    const report = this.clipGradients(grads, segments);
    this.applyUpdate(params, grads);
    return report;
  }

  /** Updates `params` in place with gradients that are already clipped, and counts the step. */
  applyUpdate(params: FloatArray, grads: FloatArray): void {
    if (this.slotsFor !== params) {
      this.createSlots(params.length, dtypeOf(params) === 'float64');
      this.slotsFor = params;
    }
    const lr = this.currentLearningRate();
    this.iterations++;
    this.update(params, grads, lr, this.iterations);
  }

  /** Options, defaults included, for saving and reports. */
  getConfig(): Record<string, unknown> {
    const lr = this.learningRate;
    return {
      name: this.name,
      learningRate: typeof lr === 'number' ? lr : { kind: lr.kind, ...lr.config },
      ...this.clip,
      ...this.ownConfig(),
    };
  }

  /**
   * The update's state over the model's flat parameters, under Keras's variable names (Adam: momentum and
   * velocity; SGD: momentum, when momentum > 0; RMSprop: velocity, then momentum when > 0 and
   * average_gradient when centered), or null before the first update. Views of the live state.
   */
  slots(): Readonly<Record<string, FloatArray>> | null {
    return this.slotsFor === null ? null : this.slotViews();
  }

  /**
   * Continues from a saved state: `iterations` updates made, and each slot `slots()` names with one value per
   * parameter of `params` (the model's flat array, which the next updates must be given).
   */
  restoreState(
    params: FloatArray,
    iterations: number,
    slots: Readonly<Record<string, ArrayLike<number>>>,
  ): void {
    if (!Number.isSafeInteger(iterations) || iterations < 0) {
      throw new SeqcastError('config', `${this.name}: iterations must be an integer ≥ 0 (got ${iterations})`);
    }
    this.createSlots(params.length, dtypeOf(params) === 'float64');
    const own = this.slotViews();
    const want = Object.keys(own);
    const given = Object.keys(slots);
    if (want.length !== given.length || !want.every((k) => Object.hasOwn(slots, k))) {
      throw new SeqcastError(
        'config',
        `${this.name}: the saved state holds ${given.join(', ') || 'nothing'} but this optimizer keeps ${want.join(', ') || 'nothing'}`,
      );
    }
    for (const k of want) {
      if (slots[k].length !== params.length) {
        throw new SeqcastError(
          'config',
          `${this.name}: the saved ${k} holds ${slots[k].length} values for ${params.length} parameters`,
        );
      }
      own[k].set(slots[k]);
    }
    this.slotsFor = params;
    this.iterations = iterations;
  }

  protected slot(n: number, f64: boolean): FloatArray {
    return allocate(f64 ? 'float64' : 'float32', n);
  }

  protected abstract createSlots(n: number, f64: boolean): void;
  protected abstract slotViews(): Record<string, FloatArray>;
  protected abstract update(params: FloatArray, grads: FloatArray, lr: number, t: number): void;
  protected abstract ownConfig(): Record<string, unknown>;
}

export class SGD extends Optimizer {
  readonly name = 'sgd' as const;
  readonly momentum: number;
  readonly nesterov: boolean;
  private velocity: FloatArray = new Float32Array(0);

  constructor(options: SGDOptions = {}) {
    super('sgd()', options, 0.01, ['momentum', 'nesterov']);
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    if (!(this.momentum >= 0 && this.momentum <= 1)) {
      throw new SeqcastError('config', `sgd(): momentum must be in [0, 1] (got ${this.momentum})`);
    }
  }

  protected createSlots(n: number, f64: boolean): void {
    this.velocity = this.slot(this.momentum > 0 ? n : 0, f64);
  }

  protected slotViews(): Record<string, FloatArray> {
    return this.momentum > 0 ? { momentum: this.velocity } : {};
  }

  protected update(w: FloatArray, g: FloatArray, lr: number): void {
    const mu = this.momentum;
    if (mu === 0) {
      for (let i = 0; i < w.length; i++) w[i] -= lr * g[i];
      return;
    }
    const v = this.velocity;
    for (let i = 0; i < w.length; i++) {
      const vi = mu * v[i] - lr * g[i];
      v[i] = vi;
      w[i] += this.nesterov ? mu * vi - lr * g[i] : vi;
    }
  }

  protected ownConfig(): Record<string, unknown> {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }
}

export class Adam extends Optimizer {
  readonly name = 'adam' as const;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly epsilonPlacement: EpsilonPlacement;
  private m: FloatArray = new Float32Array(0);
  private v: FloatArray = new Float32Array(0);

  constructor(options: AdamOptions = {}) {
    super('adam()', options, 0.001, ['beta1', 'beta2', 'epsilon', 'epsilonPlacement']);
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
    const placement = options.epsilonPlacement ?? 'keras';
    if (placement !== 'keras' && placement !== 'pytorch') {
      throw new SeqcastError(
        'config',
        `adam(): epsilonPlacement must be 'keras' or 'pytorch' (got ${JSON.stringify(placement)})`,
      );
    }
    this.epsilonPlacement = placement;
    for (const [k, b] of [
      ['beta1', this.beta1],
      ['beta2', this.beta2],
    ] as const) {
      if (!(b >= 0 && b < 1)) throw new SeqcastError('config', `adam(): ${k} must be in [0, 1) (got ${b})`);
    }
    positive('adam()', 'epsilon', this.epsilon);
  }

  protected createSlots(n: number, f64: boolean): void {
    this.m = this.slot(n, f64);
    this.v = this.slot(n, f64);
  }

  protected slotViews(): Record<string, FloatArray> {
    return { momentum: this.m, velocity: this.v };
  }

  protected update(w: FloatArray, g: FloatArray, lr: number, t: number): void {
    if (this.epsilonPlacement === 'pytorch') {
      this.updatePyTorch(w, g, lr, t);
      return;
    }
    const { beta1, beta2, epsilon, m, v } = this;
    const alpha = (lr * Math.sqrt(1 - Math.pow(beta2, t))) / (1 - Math.pow(beta1, t));
    for (let i = 0; i < w.length; i++) {
      const gi = g[i];
      const mi = m[i] + (gi - m[i]) * (1 - beta1);
      const vi = v[i] + (gi * gi - v[i]) * (1 - beta2);
      m[i] = mi;
      v[i] = vi;
      w[i] -= (alpha * mi) / (Math.sqrt(vi) + epsilon);
    }
  }

  /**
   * torch.optim.Adam's step on the CPU (torch/optim/adam.py, `_single_tensor_adam`, torch 1.13):
   * m.mul_(β1).add_(g, 1 − β1); v.mul_(β2).addcmul_(g, g, 1 − β2); denom = sqrt(v)/sqrt(1 − β2^t) + ε;
   * w.addcdiv_(m, denom, −lr/(1 − β1^t)). (Torch ≥ 2 writes the first as m.lerp_(g, 1 − β1): the same up to rounding.)
   */
  private updatePyTorch(w: FloatArray, g: FloatArray, lr: number, t: number): void {
    const { beta1, beta2, epsilon, m, v } = this;
    const stepSize = lr / (1 - Math.pow(beta1, t));
    const correction2Sqrt = Math.sqrt(1 - Math.pow(beta2, t));
    for (let i = 0; i < w.length; i++) {
      const gi = g[i];
      const mi = m[i] * beta1 + gi * (1 - beta1);
      const vi = v[i] * beta2 + gi * gi * (1 - beta2);
      m[i] = mi;
      v[i] = vi;
      w[i] -= (stepSize * mi) / (Math.sqrt(vi) / correction2Sqrt + epsilon);
    }
  }

  /** epsilonPlacement is recorded only when it is 'pytorch', so Keras-flavoured configs are unchanged. */
  protected ownConfig(): Record<string, unknown> {
    const placement = this.epsilonPlacement === 'pytorch' ? { epsilonPlacement: 'pytorch' } : {};
    return { beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, ...placement };
  }
}

export class RMSprop extends Optimizer {
  readonly name = 'rmsprop' as const;
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;
  private velocity: FloatArray = new Float32Array(0);
  private average: FloatArray = new Float32Array(0);
  private moment: FloatArray = new Float32Array(0);

  constructor(options: RMSpropOptions = {}) {
    super('rmsprop()', options, 0.001, ['rho', 'momentum', 'epsilon', 'centered']);
    this.rho = options.rho ?? 0.9;
    this.momentum = options.momentum ?? 0;
    this.epsilon = options.epsilon ?? 1e-7;
    this.centered = options.centered ?? false;
    if (!(this.rho >= 0 && this.rho < 1))
      throw new SeqcastError('config', `rmsprop(): rho must be in [0, 1) (got ${this.rho})`);
    if (!(this.momentum >= 0 && this.momentum <= 1)) {
      throw new SeqcastError('config', `rmsprop(): momentum must be in [0, 1] (got ${this.momentum})`);
    }
    positive('rmsprop()', 'epsilon', this.epsilon);
  }

  protected createSlots(n: number, f64: boolean): void {
    this.velocity = this.slot(n, f64);
    this.average = this.slot(this.centered ? n : 0, f64);
    this.moment = this.slot(this.momentum > 0 ? n : 0, f64);
  }

  protected slotViews(): Record<string, FloatArray> {
    return {
      velocity: this.velocity,
      ...(this.momentum > 0 ? { momentum: this.moment } : {}),
      ...(this.centered ? { average_gradient: this.average } : {}),
    };
  }

  protected update(w: FloatArray, g: FloatArray, lr: number): void {
    const { rho, epsilon, velocity, average, moment } = this;
    for (let i = 0; i < w.length; i++) {
      const gi = g[i];
      const vi = rho * velocity[i] + (1 - rho) * gi * gi;
      velocity[i] = vi;
      let denominator = vi + epsilon;
      if (this.centered) {
        const ai = rho * average[i] + (1 - rho) * gi;
        average[i] = ai;
        denominator = vi - ai * ai + epsilon;
      }
      const increment = (lr * gi) / Math.sqrt(denominator);
      if (this.momentum > 0) {
        const mi = this.momentum * moment[i] + increment;
        moment[i] = mi;
        w[i] -= mi;
      } else {
        w[i] -= increment;
      }
    }
  }

  protected ownConfig(): Record<string, unknown> {
    return { rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}

export const sgd = (options: SGDOptions = {}): SGD => new SGD(options);
export const adam = (options: AdamOptions = {}): Adam => new Adam(options);
export const rmsprop = (options: RMSpropOptions = {}): RMSprop => new RMSprop(options);

export type OptimizerSpec = OptimizerName | Optimizer;

/** An optimiser from its name (Keras defaults) or itself. */
export function getOptimizer(spec: OptimizerSpec): Optimizer {
  if (spec instanceof Optimizer) return spec;
  switch (spec) {
    case 'sgd':
      return sgd();
    case 'adam':
      return adam();
    case 'rmsprop':
      return rmsprop();
    default:
      throw new SeqcastError(
        'config',
        `unknown optimizer ${JSON.stringify(spec)}; use 'adam', 'sgd', 'rmsprop' or adam({...}), sgd({...}), rmsprop({...})`,
      );
  }
}

function positive(label: string, key: string, value: number): void {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new SeqcastError('config', `${label}: ${key} must be a finite number > 0 (got ${String(value)})`);
  }
}
