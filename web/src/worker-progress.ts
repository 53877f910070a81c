/**
 * The training callback of the playground's workers: posts 'begin', each epoch, and batch progress at most
 * every PROGRESS_EVERY ms; yields to the worker's message queue every YIELD_EVERY ms so that a 'stop' message
 * gets in, and then stops training after the current epoch.
 */
import type { Callback, Sequential, TrainingInfo } from 'seqcast';

const PROGRESS_EVERY = 100;
const YIELD_EVERY = 50;

export type ProgressMessage =
  | {
      readonly type: 'begin';
      readonly epochs: number;
      readonly stepsPerEpoch: number;
      readonly samples: number;
      readonly validationSamples: number;
    }
  | { readonly type: 'batch'; readonly epoch: number; readonly batch: number; readonly loss: number }
  | {
      readonly type: 'epoch';
      readonly epoch: number;
      readonly loss: number;
      readonly valLoss: number | null;
      readonly seconds: number;
    };

export function workerProgress(
  post: (m: ProgressMessage) => void,
  stopRequested: () => boolean,
  started: number,
): Callback {
  let model: Sequential | null = null;
  let lastPost = 0;
  let lastYield = performance.now();
  return {
    onTrainBegin(info: TrainingInfo) {
      model = info.model;
      post({
        type: 'begin',
        epochs: info.epochs,
        stepsPerEpoch: info.stepsPerEpoch,
        samples: info.samples,
        validationSamples: info.validationSamples,
      });
    },
    async onBatchEnd(epoch, batch, logs) {
      const now = performance.now();
      if (now - lastPost >= PROGRESS_EVERY) {
        lastPost = now;
        post({ type: 'batch', epoch, batch, loss: logs.loss });
      }
      if (now - lastYield >= YIELD_EVERY) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
        if (stopRequested() && model !== null) model.stopTraining = true;
      }
    },
    onEpochEnd(epoch, logs) {
      post({
        type: 'epoch',
        epoch,
        loss: logs.loss,
        valLoss: logs.val_loss ?? null,
        seconds: (performance.now() - started) / 1000,
      });
      if (stopRequested() && model !== null) model.stopTraining = true;
    },
  };
}
