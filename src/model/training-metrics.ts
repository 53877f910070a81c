/**
 * The metrics `compile` takes, and the sums over an epoch they are formed from. Every metric is computed over
 * all elements (or rows) seen in the epoch, never as a mean of batch values: RMSE is the root of the epoch's
 * mean square, precision the epoch's true positives over its predicted positives.
 *
 *     mse  = Σ e² / n       mae = Σ |e| / n       rmse = sqrt(Σ e² / n)       with e = prediction − target
 *
 * The accuracies, as keras/src/metrics/accuracy_metrics.py defines them (a row is a vector on the last axis):
 *
 *     binaryAccuracy             mean over elements of [ (p > 0.5) = t ]
 *     categoricalAccuracy        mean over rows of [ argmax p = argmax t ]      (first maximum on ties)
 *     sparseCategoricalAccuracy  mean over rows of [ argmax p = label ]
 *     accuracy                   one of these, chosen as keras/src/trainers/compile_utils.py `get_metric`
 *                                chooses: binary for one output unit, sparse for integer labels, else
 *                                categorical; reported under the name 'accuracy'.
 *
 * Precision and recall, as keras/src/metrics/confusion_metrics.py `Precision` / `Recall` with one threshold
 * (metrics_utils.py `update_confusion_matrix_variables`): an element is predicted positive when p > threshold
 * (strictly; default 0.5), and is truly positive when its target is not 0. With `classId`, only that unit of
 * each row counts; without it, every element (Keras flattens). Over the epoch:
 *
 *     precision = TP / (TP + FP)      recall = TP / (TP + FN)       0 when the denominator is 0 (divide_no_nan)
 *
 * Weights: compile's metrics are never weighted by sampleWeight or classWeight (Keras's `metrics`, which
 * CompileMetrics.update_state calls without sample_weight; only `weighted_metrics` get them). On an output
 * that carries a mask (a sequence output of padded input) each row weighs its mask, 1 for a real step and 0
 * for padding, as Keras's MeanMetricWrapper does (apply_mask with reduction 'sum'): every metric is then its
 * formula over the real steps alone. Keras 3's RootMeanSquaredError, Precision and Recall do not read the
 * mask and so count the padding; seqcast leaves it out of every metric.
 */
import { SeqcastError } from '../errors.js';
import { checkOptions, listKeys } from '../options.js';
import type { Loss } from './losses.js';

export type MetricName =
  | 'mse'
  | 'mae'
  | 'rmse'
  | 'accuracy'
  | 'binaryAccuracy'
  | 'categoricalAccuracy'
  | 'sparseCategoricalAccuracy'
  | 'precision'
  | 'recall';
export const METRICS: readonly MetricName[] = [
  'mse',
  'mae',
  'rmse',
  'accuracy',
  'binaryAccuracy',
  'categoricalAccuracy',
  'sparseCategoricalAccuracy',
  'precision',
  'recall',
];

/** Keras's names for the metrics, accepted by compile and recorded under seqcast's. */
const METRIC_ALIASES: Readonly<Record<string, MetricName>> = {
  acc: 'accuracy',
  binary_accuracy: 'binaryAccuracy',
  categorical_accuracy: 'categoricalAccuracy',
  sparse_categorical_accuracy: 'sparseCategoricalAccuracy',
};

/** A metric as compile resolved it: what it computes, and the name it is reported under. */
export interface Metric {
  readonly kind: MetricName;
  /** The key in History, evaluate() and epoch logs ('val_' + name on validation data). */
  readonly name: string;
  /** precision and recall: a prediction above this is positive. */
  readonly thresholds?: number;
  /** precision and recall on an output of several units: the unit they are computed on. */
  readonly classId?: number;
}

export type MetricSpec =
  MetricName | 'acc' | 'binary_accuracy' | 'categorical_accuracy' | 'sparse_categorical_accuracy' | Metric;

export interface ConfusionMetricOptions {
  /** A prediction above this is positive: Keras's `thresholds`, one number in [0, 1]. Default 0.5. */
  readonly thresholds?: number;
  /** On an output of several units, the unit (class) to compute it on; default every element. */
  readonly classId?: number;
  /** The name in History and evaluate(); default 'precision' / 'recall'. */
  readonly name?: string;
}

/** Keras's Precision: TP / (TP + FP) over the epoch, with one threshold. */
export function precision(options: ConfusionMetricOptions = {}): Metric {
  return confusionMetric('precision', options);
}

/** Keras's Recall: TP / (TP + FN) over the epoch, with one threshold. */
export function recall(options: ConfusionMetricOptions = {}): Metric {
  return confusionMetric('recall', options);
}

const DEFAULT_THRESHOLD = 0.5;

function confusionMetric(kind: 'precision' | 'recall', options: ConfusionMetricOptions): Metric {
  const where = `${kind}()`;
  checkOptions(where, options, ['thresholds', 'classId', 'name']);
  const t = options.thresholds ?? DEFAULT_THRESHOLD;
  if (Array.isArray(t)) {
    throw new SeqcastError(
      'config',
      `${where}: thresholds must be one number in [0, 1] (got ${show(t)}); ` +
        `for several thresholds compile one ${kind} per threshold, each with its own name`,
    );
  }
  if (typeof t !== 'number' || !(t >= 0 && t <= 1)) {
    throw new SeqcastError(
      'config',
      `${where}: thresholds must be a number in [0, 1] (got ${show(t)}); with fromLogits use 0`,
    );
  }
  const c = options.classId;
  if (c !== undefined && (typeof c !== 'number' || !Number.isInteger(c) || c < 0)) {
    throw new SeqcastError(
      'config',
      `${where}: classId must be an integer ≥ 0, a unit of the output (got ${show(c)})`,
    );
  }
  const name = options.name ?? kind;
  checkMetricName(where, name);
  return c === undefined ? { kind, name, thresholds: t } : { kind, name, thresholds: t, classId: c };
}

/** Names that would collide with the other figures of an epoch are refused. */
function checkMetricName(where: string, name: unknown): void {
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_.-]{0,59}$/.test(name)) {
    throw new SeqcastError(
      'config',
      `${where}: name must be up to 60 letters, digits, '_', '.' or '-', starting with a letter (got ${show(name)})`,
    );
  }
  if (name === 'loss' || name === 'lr' || name.startsWith('val_')) {
    throw new SeqcastError(
      'config',
      `${where}: name '${name}' is taken by fit()'s own figures (loss, lr, val_…); choose another`,
    );
  }
}

/** A compile() metric entry resolved: a name (or Keras alias), or a metric object. */
export function getMetric(spec: unknown): Metric {
  if (typeof spec === 'string') {
    const kind = Object.hasOwn(METRIC_ALIASES, spec) ? METRIC_ALIASES[spec] : spec;
    if (!METRICS.includes(kind as MetricName)) {
      throw new SeqcastError(
        'config',
        `compile(): unknown metric ${show(spec)}; the metrics are ${listKeys(METRICS)}`,
      );
    }
    if (kind === 'precision' || kind === 'recall') return confusionMetric(kind, {});
    return { kind: kind as MetricName, name: kind };
  }
  if (typeof spec === 'function') {
    throw new SeqcastError(
      'config',
      "compile(): a metric is a name such as 'accuracy' or the object precision() or recall() returns; got a function " +
        '(call it, e.g. precision({ thresholds: 0.3 }); custom metric functions are not supported)',
    );
  }
  if (spec !== null && typeof spec === 'object' && !Array.isArray(spec)) {
    const { kind, name, thresholds, classId } = spec as Partial<Metric>;
    if (kind === 'precision' || kind === 'recall') {
      const options: { thresholds?: number; classId?: number; name?: string } = {};
      if (thresholds !== undefined) options.thresholds = thresholds;
      if (classId !== undefined) options.classId = classId;
      if (name !== undefined) options.name = name;
      return confusionMetric(kind, options);
    }
    if (typeof kind === 'string' && METRICS.includes(kind as MetricName) && (name ?? kind) === kind) {
      return { kind: kind as MetricName, name: kind };
    }
  }
  throw new SeqcastError(
    'config',
    `compile(): a metric is a name such as 'accuracy' or the object precision() or recall() returns (got ${show(spec)})`,
  );
}

/** The metrics Keras gives the direction 'up' (a higher value is better): the accuracies, precision, recall. */
export function higherIsBetterMetric(kind: MetricName): boolean {
  return kind.toLowerCase().endsWith('accuracy') || kind === 'precision' || kind === 'recall';
}

/** Whether a metric is the plain one its kind's name gives (no options, its own name). */
export function isPlainMetric(m: Metric): boolean {
  return (
    m.name === m.kind &&
    m.classId === undefined &&
    (m.thresholds === undefined || m.thresholds === DEFAULT_THRESHOLD)
  );
}

/** Checks what depends on the output: a classId must name one of its `width` units. */
export function checkMetricsForOutput(metrics: readonly Metric[], width: number, where: string): void {
  for (const m of metrics) {
    if (m.classId !== undefined && m.classId >= width) {
      throw new SeqcastError(
        'config',
        `${where}: metric '${m.name}' has classId ${m.classId}, but the model's output has ${width} unit${width === 1 ? '' : 's'} ` +
          `(classId 0 to ${width - 1})`,
      );
    }
  }
}

/** Counts for one (threshold, classId) pair: the weighted true positives, false positives and false negatives. */
interface Confusion {
  readonly threshold: number;
  readonly classId: number | null;
  tp: number;
  fp: number;
  fn: number;
}

const confusionKey = (m: Metric): string => `${m.thresholds ?? DEFAULT_THRESHOLD}/${m.classId ?? ''}`;

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** A value from the caller in a message (SeqcastError cuts a very long one). */
const show = (v: unknown): string => (typeof v === 'number' ? String(v) : (JSON.stringify(v) ?? String(v)));

/** Sums over the elements of an epoch, from which the metrics are formed. */
export class MetricSums {
  private sq = 0;
  private abs = 0;
  /** Elements seen, each weighted by its row's weight. */
  private n = 0;
  private binaryHits = 0;
  private rowHits = 0;
  /** Rows seen, weighted. */
  private rows = 0;
  private width = 1;
  private readonly sparse: boolean;
  private readonly errors: boolean;
  private readonly binary: boolean;
  private readonly categorical: boolean;
  private readonly confusion = new Map<string, Confusion>();

  /** `metrics` and `loss` decide which sums are needed; without them (the default), only the error sums. */
  constructor(metrics: readonly Metric[] = [], loss: Loss | null = null) {
    this.sparse = loss?.sparse === true;
    const has = (k: MetricName): boolean => metrics.some((m) => m.kind === k);
    const acc = has('accuracy');
    this.errors = !this.sparse;
    this.binary = !this.sparse && (acc || has('binaryAccuracy'));
    this.categorical = acc || has('categoricalAccuracy') || has('sparseCategoricalAccuracy');
    for (const m of metrics) {
      if (m.kind !== 'precision' && m.kind !== 'recall') continue;
      const key = confusionKey(m);
      if (!this.confusion.has(key)) {
        const threshold = m.thresholds ?? DEFAULT_THRESHOLD;
        this.confusion.set(key, { threshold, classId: m.classId ?? null, tp: 0, fp: 0, fn: 0 });
      }
    }
  }

  /**
   * Adds `count` predictions, in rows of `width` on the last axis, and their targets (as many, or one label
   * a row for a sparse loss). `rowWeights`, when given, holds one weight per row (the output's mask).
   */
  add(
    pred: ArrayLike<number>,
    target: ArrayLike<number>,
    count: number,
    width = 1,
    rowWeights: ArrayLike<number> | null = null,
  ): void {
    this.width = width;
    const rows = count / width;
    if (rowWeights === null) {
      this.addUnweighted(pred, target, count, width, rows);
      return;
    }
    for (let r = 0; r < rows; r++) {
      const w = rowWeights[r];
      if (w === 0) continue;
      const o = r * width;
      if (this.errors) {
        let sq = 0;
        let abs = 0;
        for (let j = o; j < o + width; j++) {
          const e = pred[j] - target[j];
          sq += e * e;
          abs += Math.abs(e);
        }
        this.sq += w * sq;
        this.abs += w * abs;
      }
      if (this.binary) {
        let hits = 0;
        for (let j = o; j < o + width; j++) if ((pred[j] > 0.5 ? 1 : 0) === target[j]) hits++;
        this.binaryHits += w * hits;
      }
      if (this.categorical) {
        const want = this.sparse ? target[r] : argmax(target, o, width);
        if (argmax(pred, o, width) === want) this.rowHits += w;
      }
      for (const c of this.confusion.values()) {
        const th = pred instanceof Float32Array ? Math.fround(c.threshold) : c.threshold;
        if (c.classId !== null) countConfusion(c, pred[o + c.classId] > th, target[o + c.classId] !== 0, w);
        else for (let j = o; j < o + width; j++) countConfusion(c, pred[j] > th, target[j] !== 0, w);
      }
      this.n += w * width;
      this.rows += w;
    }
  }

  private addUnweighted(
    pred: ArrayLike<number>,
    target: ArrayLike<number>,
    count: number,
    width: number,
    rows: number,
  ): void {
    if (this.errors) {
      for (let i = 0; i < count; i++) {
        const e = pred[i] - target[i];
        this.sq += e * e;
        this.abs += Math.abs(e);
      }
    }
    if (this.binary) {
      for (let i = 0; i < count; i++) if ((pred[i] > 0.5 ? 1 : 0) === target[i]) this.binaryHits++;
    }
    if (this.categorical) {
      for (let r = 0; r < rows; r++) {
        const want = this.sparse ? target[r] : argmax(target, r * width, width);
        if (argmax(pred, r * width, width) === want) this.rowHits++;
      }
    }
    for (const c of this.confusion.values()) {
      // float32 predictions are compared with the threshold in float32, as Keras casts both
      const th = pred instanceof Float32Array ? Math.fround(c.threshold) : c.threshold;
      if (c.classId !== null) {
        for (let r = 0; r < rows; r++) {
          const j = r * width + c.classId;
          countConfusion(c, pred[j] > th, target[j] !== 0, 1);
        }
      } else {
        for (let i = 0; i < count; i++) countConfusion(c, pred[i] > th, target[i] !== 0, 1);
      }
    }
    this.n += count;
    this.rows += rows;
  }

  value(metric: Metric): number {
    switch (metric.kind) {
      case 'mse':
        return ratio(this.sq, this.n);
      case 'mae':
        return ratio(this.abs, this.n);
      case 'rmse':
        return Math.sqrt(ratio(this.sq, this.n));
      case 'binaryAccuracy':
        return ratio(this.binaryHits, this.n);
      case 'categoricalAccuracy':
      case 'sparseCategoricalAccuracy':
        return ratio(this.rowHits, this.rows);
      case 'accuracy':
        return this.width === 1 && !this.sparse
          ? ratio(this.binaryHits, this.n)
          : ratio(this.rowHits, this.rows);
      case 'precision': {
        const c = this.confusion.get(confusionKey(metric))!;
        return ratio(c.tp, c.tp + c.fp);
      }
      case 'recall': {
        const c = this.confusion.get(confusionKey(metric))!;
        return ratio(c.tp, c.tp + c.fn);
      }
    }
  }
}

function countConfusion(c: Confusion, predicted: boolean, actual: boolean, w: number): void {
  if (predicted && actual) c.tp += w;
  else if (predicted) c.fp += w;
  else if (actual) c.fn += w;
}

/** The index of the first maximum of a[o .. o+C) (numpy's argmax), relative to o. */
function argmax(a: ArrayLike<number>, o: number, C: number): number {
  let best = 0;
  for (let j = 1; j < C; j++) if (a[o + j] > a[o + best]) best = j;
  return best;
}
