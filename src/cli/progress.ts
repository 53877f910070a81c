/**
 * Training progress for the terminal: a Keras-like bar per epoch (epoch, step, loss, ETA; val_loss when the
 * epoch ends) drawn by cli-progress when stderr is a terminal, one plain line per epoch otherwise, nothing
 * when quiet. It is a fit() callback.
 */
import cliProgress from 'cli-progress';
import type { Callback, EpochLogs, TrainingInfo } from '../model/callbacks.js';

export type ProgressMode = 'bar' | 'lines' | 'quiet';

export function progressMode(quiet: boolean): ProgressMode {
  if (quiet) return 'quiet';
  return process.stderr.isTTY === true ? 'bar' : 'lines';
}

export function progressCallback(mode: ProgressMode, label = ''): Callback {
  if (mode === 'quiet') return {};
  let info: TrainingInfo | null = null;
  let bar: cliProgress.SingleBar | null = null;
  let epochStart = 0;
  let lossSum = 0;
  let seen = 0;
  const prefix = label === '' ? '' : `${label} `;
  const fmt = (v: number | undefined): string => (v === undefined ? '' : v.toPrecision(4));
  return {
    onTrainBegin(i) {
      info = i;
    },
    onEpochBegin(epoch) {
      epochStart = performance.now();
      lossSum = 0;
      seen = 0;
      if (mode === 'bar' && info !== null) {
        bar = new cliProgress.SingleBar(
          {
            format: `${prefix}Epoch ${epoch + 1}/${info.epochs} {bar} {value}/{total} loss {loss} ETA {eta}s`,
            stream: process.stderr,
            barsize: 24,
            clearOnComplete: true,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(info.stepsPerEpoch, 0, { loss: '-' });
      }
    },
    onBatchEnd(_epoch, batch, logs) {
      lossSum += logs.loss * logs.size;
      seen += logs.size;
      bar?.update(batch + 1, { loss: fmt(lossSum / seen) });
    },
    onEpochEnd(epoch, logs: EpochLogs) {
      bar?.stop();
      bar = null;
      if (info === null) return;
      const secs = ((performance.now() - epochStart) / 1000).toFixed(2);
      const val = logs.val_loss === undefined ? '' : ` val_loss ${fmt(logs.val_loss)}`;
      process.stderr.write(
        `${prefix}Epoch ${epoch + 1}/${info.epochs} ${info.stepsPerEpoch}/${info.stepsPerEpoch} loss ${fmt(logs.loss)}${val} (${secs}s)\n`,
      );
    },
  };
}

/** One line when a fit ends (the validation search's candidates): `label: N epochs, loss L (S s)`. */
export function fitLineCallback(mode: ProgressMode, label: string): Callback {
  if (mode === 'quiet') return {};
  let started = 0;
  let epochs = 0;
  let last: EpochLogs | null = null;
  return {
    onTrainBegin() {
      started = performance.now();
    },
    onEpochEnd(_epoch, logs: EpochLogs) {
      epochs += 1;
      last = logs;
    },
    onTrainEnd() {
      const secs = ((performance.now() - started) / 1000).toFixed(1);
      const loss = last === null ? '' : `, loss ${last.loss.toPrecision(4)}`;
      const val = last?.val_loss === undefined ? '' : ` val_loss ${last.val_loss.toPrecision(4)}`;
      process.stderr.write(`${label}: ${epochs} epoch${epochs === 1 ? '' : 's'}${loss}${val} (${secs}s)\n`);
    },
  };
}
