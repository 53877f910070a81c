/**
 * L2-regularised logistic regression, in float64, deterministic: the baseline every classifier is shown
 * beside. Features come as a sparse matrix (rows of (column, value) pairs), so a bag of words over thousands
 * of words costs what its non-zero counts cost.
 *
 * The objective is scikit-learn's LogisticRegression(penalty='l2', C) — intercepts not penalised:
 *
 *     binary (K = 2)   p_i = σ(x_i·w + b)                 loss_i = log(1 + e^{z_i}) − y_i z_i
 *     K > 2            p_ik = softmax_k(x_i·W_k + b_k)    loss_i = logsumexp_k(z_ik) − z_{i,y_i}   (multinomial)
 *     minimise         Σ_i loss_i + ‖W‖² / (2C)
 *
 * (divided by n while optimising, which changes nothing but the scale). It is strictly convex in W, so the
 * minimiser is unique (for K > 2 the intercepts only up to a common constant: started at 0, every step keeps
 * Σ_k b_k = 0, the solution given); it is found by full-batch L-BFGS (history 10, backtracking Armijo line search, the
 * first step scaled to 1/‖g‖), stopped when max |∂/∂θ| of the scaled objective is below `tolerance`
 * (default 1e-6) or a step lowers it by less than 4 ε of its value (float64's limit; scipy's L-BFGS-B
 * stops on the same kind of test) — `converged` — or else after `maxIterations` (default 1000).
 */
import { SeqcastError } from '../errors.js';
import { checkOptions } from '../options.js';

/** Compressed sparse rows: row i holds columns cols[rowStart[i] … rowStart[i+1]) with their values. */
export interface SparseRows {
  readonly rows: number;
  readonly columns: number;
  readonly rowStart: Int32Array;
  readonly cols: Int32Array;
  readonly values: Float64Array;
}

/** Sparse rows from dense [rows, columns] row-major data (zeros left out). */
export function sparseFromDense(data: ArrayLike<number>, rows: number, columns: number): SparseRows {
  const rowStart = new Int32Array(rows + 1);
  const cols: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) {
      const v = data[i * columns + j];
      if (v !== 0) {
        cols.push(j);
        values.push(v);
      }
    }
    rowStart[i + 1] = cols.length;
  }
  return { rows, columns, rowStart, cols: Int32Array.from(cols), values: Float64Array.from(values) };
}

export interface LogisticOptions {
  /** Inverse regularisation strength (scikit-learn's C). Default 1. */
  readonly C?: number;
  readonly maxIterations?: number;
  readonly tolerance?: number;
}

export interface LogisticState {
  readonly classes: number;
  readonly features: number;
  /** [K', F] row-major with K' = 1 for two classes (the weights of class 1), else K. */
  readonly weights: readonly number[];
  readonly intercepts: readonly number[];
}

export class LogisticRegression {
  readonly classes: number;
  readonly features: number;
  readonly weights: Float64Array;
  readonly intercepts: Float64Array;
  /** Iterations of L-BFGS taken, and whether the gradient tolerance was reached. */
  readonly iterations: number;
  readonly converged: boolean;

  constructor(state: LogisticState, iterations = 0, converged = true) {
    this.classes = state.classes;
    this.features = state.features;
    this.weights = Float64Array.from(state.weights);
    this.intercepts = Float64Array.from(state.intercepts);
    this.iterations = iterations;
    this.converged = converged;
  }

  /** [N, K] class probabilities (for two classes: [1 − p, p]). */
  predictProba(x: SparseRows): Float64Array {
    if (x.columns !== this.features) {
      throw new SeqcastError(
        'shape',
        `LogisticRegression.predictProba(): x has ${x.columns} features but the model was fitted on ${this.features}`,
      );
    }
    const Kp = this.classes === 2 ? 1 : this.classes;
    const z = logits(x, this.weights, this.intercepts, Kp);
    const K = this.classes;
    const out = new Float64Array(x.rows * K);
    for (let i = 0; i < x.rows; i++) {
      if (K === 2) {
        const p = sigmoid(z[i]);
        out[i * 2] = 1 - p;
        out[i * 2 + 1] = p;
      } else {
        softmaxInto(z, i * K, K, out);
      }
    }
    return out;
  }

  /** The most probable class per row (the first on ties). */
  predict(x: SparseRows): Int32Array {
    const p = this.predictProba(x);
    const K = this.classes;
    const out = new Int32Array(x.rows);
    for (let i = 0; i < x.rows; i++) {
      let best = 0;
      for (let k = 1; k < K; k++) if (p[i * K + k] > p[i * K + best]) best = k;
      out[i] = best;
    }
    return out;
  }

  state(): LogisticState {
    return {
      classes: this.classes,
      features: this.features,
      weights: Array.from(this.weights),
      intercepts: Array.from(this.intercepts),
    };
  }
}

/** Fits on x [N, F] and class indices y (integers in [0, classes)); see the header. */
export function fitLogistic(
  x: SparseRows,
  y: ArrayLike<number>,
  classes: number,
  options: LogisticOptions = {},
): LogisticRegression {
  checkOptions('fitLogistic()', options, ['C', 'maxIterations', 'tolerance']);
  const C = options.C ?? 1;
  const maxIterations = options.maxIterations ?? 1000;
  const tolerance = options.tolerance ?? 1e-6;
  if (!(C > 0) || !Number.isFinite(C))
    throw new SeqcastError('config', `fitLogistic(): C must be > 0 (got ${C})`);
  if (!Number.isInteger(classes) || classes < 2) {
    throw new SeqcastError('config', `fitLogistic(): classes must be an integer ≥ 2 (got ${classes})`);
  }
  if (y.length !== x.rows || x.rows === 0) {
    throw new SeqcastError(
      'shape',
      `fitLogistic(): x has ${x.rows} rows and y ${y.length} labels; give one label per row (at least one)`,
    );
  }
  for (let i = 0; i < y.length; i++) {
    if (!Number.isInteger(y[i]) || y[i] < 0 || y[i] >= classes) {
      throw new SeqcastError(
        'config',
        `fitLogistic(): y[${i}] is ${y[i]}; classes are integers in [0, ${classes})`,
      );
    }
  }
  for (let k = 0; k < x.values.length; k++) {
    if (!Number.isFinite(x.values[k])) {
      throw new SeqcastError(
        'non-finite',
        `fitLogistic(): a feature value is ${x.values[k]}; every value must be finite`,
      );
    }
  }
  const Kp = classes === 2 ? 1 : classes;
  const F = x.columns;
  const size = Kp * F + Kp;
  const objective = (theta: Float64Array, grad: Float64Array): number =>
    lossAndGradient(x, y, Kp, theta, grad, 1 / C);
  const { theta, iterations, converged } = lbfgs(objective, new Float64Array(size), maxIterations, tolerance);
  return new LogisticRegression(
    {
      classes,
      features: F,
      weights: Array.from(theta.subarray(0, Kp * F)),
      intercepts: Array.from(theta.subarray(Kp * F)),
    },
    iterations,
    converged,
  );
}

/** The scaled objective (Σ loss + λ‖W‖²/2) / n and its gradient into `grad`; λ = 1/C. */
function lossAndGradient(
  x: SparseRows,
  y: ArrayLike<number>,
  Kp: number,
  theta: Float64Array,
  grad: Float64Array,
  lambda: number,
): number {
  const F = x.columns;
  const n = x.rows;
  const W = theta.subarray(0, Kp * F);
  const b = theta.subarray(Kp * F);
  const z = logits(x, W, b, Kp);
  grad.fill(0);
  const dW = grad.subarray(0, Kp * F);
  const db = grad.subarray(Kp * F);
  const dz = new Float64Array(Kp);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    if (Kp === 1) {
      const zi = z[i];
      loss += softplus(zi) - y[i] * zi;
      dz[0] = sigmoid(zi) - y[i];
    } else {
      let max = -Infinity;
      for (let k = 0; k < Kp; k++) max = Math.max(max, z[i * Kp + k]);
      let sum = 0;
      for (let k = 0; k < Kp; k++) sum += Math.exp(z[i * Kp + k] - max);
      loss += max + Math.log(sum) - z[i * Kp + y[i]];
      for (let k = 0; k < Kp; k++) dz[k] = Math.exp(z[i * Kp + k] - max) / sum - (k === y[i] ? 1 : 0);
    }
    for (let k = 0; k < Kp; k++) {
      db[k] += dz[k];
      for (let p = x.rowStart[i]; p < x.rowStart[i + 1]; p++) dW[k * F + x.cols[p]] += dz[k] * x.values[p];
    }
  }
  let norm2 = 0;
  for (let j = 0; j < W.length; j++) {
    norm2 += W[j] * W[j];
    dW[j] += lambda * W[j];
  }
  for (let j = 0; j < grad.length; j++) grad[j] /= n;
  return (loss + 0.5 * lambda * norm2) / n;
}

function logits(x: SparseRows, W: ArrayLike<number>, b: ArrayLike<number>, Kp: number): Float64Array {
  const F = x.columns;
  const z = new Float64Array(x.rows * Kp);
  for (let i = 0; i < x.rows; i++) {
    for (let k = 0; k < Kp; k++) {
      let s = b[k];
      for (let p = x.rowStart[i]; p < x.rowStart[i + 1]; p++) s += W[k * F + x.cols[p]] * x.values[p];
      z[i * Kp + k] = s;
    }
  }
  return z;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function softmaxInto(z: Float64Array, at: number, K: number, out: Float64Array): void {
  let max = -Infinity;
  for (let k = 0; k < K; k++) max = Math.max(max, z[at + k]);
  let sum = 0;
  for (let k = 0; k < K; k++) sum += Math.exp(z[at + k] - max);
  for (let k = 0; k < K; k++) out[at + k] = Math.exp(z[at + k] - max) / sum;
}

/** Limited-memory BFGS (Nocedal & Wright, algorithm 7.4 and 7.5) with a backtracking Armijo search. */
function lbfgs(
  f: (theta: Float64Array, grad: Float64Array) => number,
  theta0: Float64Array,
  maxIterations: number,
  tolerance: number,
): { theta: Float64Array; iterations: number; converged: boolean } {
  const m = 10;
  const n = theta0.length;
  let theta = theta0;
  let grad = new Float64Array(n);
  let value = f(theta, grad);
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(n);
  const alpha = new Float64Array(m);
  const next = new Float64Array(n);
  const nextGrad = new Float64Array(n);
  for (let iter = 0; iter < maxIterations; iter++) {
    if (maxAbs(grad) < tolerance) return { theta, iterations: iter, converged: true };
    // two-loop recursion: dir = −H·grad
    for (let j = 0; j < n; j++) dir[j] = -grad[j];
    for (let k = S.length - 1; k >= 0; k--) {
      alpha[k] = rho[k] * dot(S[k], dir);
      axpy(-alpha[k], Y[k], dir);
    }
    const gamma =
      S.length === 0
        ? 1 / Math.max(norm(grad), 1e-12)
        : dot(S[S.length - 1], Y[Y.length - 1]) / dot(Y[Y.length - 1], Y[Y.length - 1]);
    for (let j = 0; j < n; j++) dir[j] *= gamma;
    for (let k = 0; k < S.length; k++) {
      const beta = rho[k] * dot(Y[k], dir);
      axpy(alpha[k] - beta, S[k], dir);
    }
    let slope = dot(grad, dir);
    if (!(slope < 0)) {
      // not a descent direction (rounding): restart from steepest descent
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      const scale = 1 / Math.max(norm(grad), 1e-12);
      for (let j = 0; j < n; j++) dir[j] = -grad[j] * scale;
      slope = dot(grad, dir);
    }
    let step = 1;
    let nextValue = Infinity;
    for (let tries = 0; tries < 60; tries++) {
      for (let j = 0; j < n; j++) next[j] = theta[j] + step * dir[j];
      nextValue = f(next, nextGrad);
      if (nextValue <= value + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    if (!(nextValue <= value + 1e-4 * step * slope)) {
      // no decrease possible at this precision: the minimum is reached as closely as float64 allows
      return { theta, iterations: iter, converged: maxAbs(grad) < tolerance };
    }
    // scipy's L-BFGS-B test on the objective: a step that no longer lowers it measurably ends the search
    const stalled = value - nextValue <= 4 * Number.EPSILON * Math.max(1, Math.abs(value));
    const s = new Float64Array(n);
    const yv = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      s[j] = next[j] - theta[j];
      yv[j] = nextGrad[j] - grad[j];
    }
    const sy = dot(s, yv);
    if (sy > 1e-12) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(yv);
      rho.push(1 / sy);
    }
    theta = Float64Array.from(next);
    grad = Float64Array.from(nextGrad);
    value = nextValue;
    if (stalled) return { theta, iterations: iter + 1, converged: true };
  }
  return { theta, iterations: maxIterations, converged: maxAbs(grad) < tolerance };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i] += a * x[i];
}

function norm(a: Float64Array): number {
  return Math.sqrt(dot(a, a));
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
