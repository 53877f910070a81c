/**
 * The TensorFlow.js peer of bench/engine.mjs: the same model on the CPU backend (pure JavaScript, one
 * thread), the same batch, and, where the weight layouts agree, the same weights as the seqcast model.
 *
 * Step = the gradients of the MSE loss with respect to every trainable weight (tf.variableGrads), nothing
 * applied, which is the work of seqcast's zeroGrad + forward + backward with dy = (out − y)·2/B.
 * @tensorflow/tfjs comes from the repository's root install (a devDependency, never a dependency of the
 * library). The training-benchmark peer (WORKLOADS.md's W1–W5, P1) is tfjs-workload.mjs beside this file.
 */
import * as tf from '@tensorflow/tfjs';

let ready = null;

async function init() {
  ready ??= (async () => {
    tf.enableProdMode();
    await tf.setBackend('cpu');
    await tf.ready();
  })();
  return ready;
}

/** spec: { layer, units, T, F, B, x, y, model } with model the seqcast Sequential (for its weights). */
export async function buildPeer({ layer, units, T, F, B, x, y, model }) {
  await init();
  const common = { units, inputShape: [T, F] };
  let rnn;
  let note = null;
  if (layer === 'SimpleRNN') {
    rnn = tf.layers.simpleRNN(common);
  } else if (layer === 'LSTM') {
    rnn = tf.layers.lstm({ ...common, recurrentActivation: 'sigmoid' });
  } else {
    // tfjs's GRU supports only resetAfter: false (the Keras 2 convention); seqcast's default is true.
    rnn = tf.layers.gru({ ...common, recurrentActivation: 'sigmoid', resetAfter: false });
    note = 'GRU with resetAfter false (the only one tfjs has); own initial weights';
  }
  const net = tf.sequential({ layers: [rnn, tf.layers.dense({ units: 1 })] });

  // The same weights as seqcast where the layouts agree (Keras order: kernel, recurrent_kernel, bias).
  const ours = model.weights();
  const theirs = net.getWeights();
  const sameLayout =
    ours.length === theirs.length &&
    ours.every(
      (w, i) =>
        w.shape.length === theirs[i].shape.length && w.shape.every((d, a) => d === theirs[i].shape[a]),
    );
  if (sameLayout) {
    const values = ours.map((w) => tf.tensor(w.data, w.shape, 'float32'));
    net.setWeights(values);
    tf.dispose(values);
  }

  const xT = tf.tensor3d(x, [B, T, F]);
  const yT = tf.tensor2d(y, [B, 1]);
  const forwardOut = () => tf.tidy(() => net.apply(xT).dataSync());

  let maxAbsDiff = null;
  if (sameLayout) {
    const a = forwardOut();
    const b = model.forward({ shape: [B, T, F], data: x }).data;
    maxAbsDiff = 0;
    for (let i = 0; i < B; i++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(a[i] - b[i]));
    if (!(maxAbsDiff < 1e-3))
      throw new Error(`tfjs and seqcast disagree on the forward (max |Δ| = ${maxAbsDiff})`);
  }

  const loss = () => tf.losses.meanSquaredError(yT, net.apply(xT, { training: true }));
  const variables = net.trainableWeights.map((w) => w.read());
  const step = () => {
    tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, variables);
      value.dataSync();
      for (const g of Object.values(grads)) g.dataSync();
    });
  };
  const forward = () => {
    forwardOut();
  };

  return {
    version: tf.version.tfjs,
    backend: tf.getBackend(),
    note,
    maxAbsDiff,
    step,
    forward,
    dispose() {
      xT.dispose();
      yT.dispose();
      net.dispose();
    },
  };
}
