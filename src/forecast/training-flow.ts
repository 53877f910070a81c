/**
 * Gradient flow through time while a forecaster trains, on request (`gradientFlow: true` in the fit
 * options): ‖∂L/∂h_t‖ per step on the last (up to) 64 training windows, after the first epoch and at the end.
 */
import type { LayerGradientFlow } from '../explain/gradient-flow.js';
import { gradientFlow } from '../explain/gradient-flow.js';
import type { Callback } from '../model/callbacks.js';
import type { Sequential } from '../model/sequential.js';
import type { Windows } from '../prep/windows.js';
import type { FloatArray } from '../tensor.js';

/** One measurement: when it was taken, and each recurrent layer's ‖∂L/∂h_t‖. */
export interface FlowRecord {
  readonly label: string;
  readonly layers: readonly LayerGradientFlow[];
}

/** How many training windows (the last ones) the measurement uses. */
const SAMPLE = 64;

/** A callback that measures the gradient flow after epoch 1 and after the last epoch, into `records`. */
export function gradientFlowRecorder(
  model: Sequential,
  train: Windows,
): { readonly callback: Callback; readonly records: readonly FlowRecord[] } {
  const records: FlowRecord[] = [];
  const n = Math.min(SAMPLE, train.starts.length);
  const sample = (t: {
    shape: readonly number[];
    data: FloatArray;
  }): { shape: number[]; data: FloatArray } => {
    const per = t.data.length / t.shape[0];
    return { shape: [n, ...t.shape.slice(1)], data: t.data.subarray((t.shape[0] - n) * per) };
  };
  const measure = (label: string): void => {
    records.push({ label, layers: gradientFlow(model, sample(train.x), sample(train.y)).layers });
  };
  let epochsRun = 0;
  const callback: Callback = {
    onEpochEnd(epoch) {
      epochsRun = epoch + 1;
      if (epoch === 0) measure('after epoch 1');
    },
    onTrainEnd() {
      if (epochsRun > 1) measure(`after epoch ${epochsRun}`);
    },
  };
  return { callback, records };
}
