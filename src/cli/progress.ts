/**
 * Training progress for the terminal: a Keras-like bar per epoch (epoch, step, loss, val_loss, ETA) when
 * stderr is a terminal, one plain line per epoch otherwise, nothing when quiet. It is a fit() callback.
 */
import type { Callback, EpochLogs, TrainingInfo } from '../model/callbacks.js';

export type ProgressMode = 'bar' | 'lines' | 'quiet';

export function progressMode(quiet: boolean): ProgressMode {
  if (quiet) return 'quiet';
  return process.stderr.isTTY === true ? 'bar' : 'lines';
}

export function progressCallback(mode: ProgressMode, label = ''): Callback {
  if (mode === 'quiet') return {};
  let info: TrainingInfo | null = null;
  let epochStart = 0;
  let lossSum = 0;
  let seen = 0;
  const prefix = label === '' ? '' : `${label} `;
  const fmt = (v: number | undefined): string => (v === undefined ? '' : v.toPrecision(4));
  return {
    onTrainBegin(i) {
      info = i;
    },
    onEpochBegin() {
      epochStart = performance.now();
      lossSum = 0;
      seen = 0;
    },
    onBatchEnd(epoch, batch, logs) {
      if (mode !== 'bar' || info === null) return;
      lossSum += logs.loss * logs.size;
      seen += logs.size;
      const steps = info.stepsPerEpoch;
      const done = batch + 1;
      const width = 24;
      const filled = Math.round((done / steps) * width);
      const elapsed = (performance.now() - epochStart) / 1000;
      const eta = done < steps ? ` ETA ${((elapsed / done) * (steps - done)).toFixed(1)}s` : '';
      process.stderr.write(
        `\r${prefix}Epoch ${epoch + 1}/${info.epochs} ${'━'.repeat(filled)}${'─'.repeat(width - filled)} ${done}/${steps} loss ${fmt(lossSum / seen)}${eta}   `,
      );
    },
    onEpochEnd(epoch, logs: EpochLogs) {
      if (info === null) return;
      const secs = ((performance.now() - epochStart) / 1000).toFixed(2);
      const val = logs.val_loss === undefined ? '' : ` val_loss ${fmt(logs.val_loss)}`;
      const line = `${prefix}Epoch ${epoch + 1}/${info.epochs} ${info.stepsPerEpoch}/${info.stepsPerEpoch} loss ${fmt(logs.loss)}${val} (${secs}s)`;
      process.stderr.write(mode === 'bar' ? `\r${line}${' '.repeat(20)}\n` : `${line}\n`);
    },
  };
}
