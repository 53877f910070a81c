/**
 * 3 · Training: the Train and Stop buttons, the progress bar and line, and the live loss chart. Updates
 * arrive from the worker at most every 100 ms and each is a few DOM writes, so the page stays responsive.
 */
import type { History } from 'seqcast';
import { lossPlotSpec } from 'seqcast';
import { LiveLossChart, clearChart, renderChart } from '../charts';
import { byId, showError } from './dom';

export class TrainingPanel {
  readonly train = byId<HTMLButtonElement>('train');
  readonly stop = byId<HTMLButtonElement>('stop');
  private readonly progress = byId<HTMLProgressElement>('progress');
  private readonly text = byId('progress-text');
  private readonly error = byId('training-error');
  private readonly chartEl = byId('loss-chart');
  private readonly chart = new LiveLossChart(this.chartEl);
  private epochs = 1;
  private steps = 1;
  private started = 0;
  private last = '';

  /** Training was asked for: clear the last run's figures. */
  start(): void {
    showError(this.error, null);
    this.progress.value = 0;
    this.last = '';
    this.started = performance.now();
    this.text.textContent = 'preparing the data and the model…';
    delete this.text.dataset.epoch;
    this.train.disabled = true;
    this.stop.disabled = false;
    this.chart.start();
  }

  begin(epochs: number, stepsPerEpoch: number, samples: number, validationSamples: number): void {
    this.epochs = epochs;
    this.steps = stepsPerEpoch;
    this.text.textContent =
      `${samples.toLocaleString('en-US')} training windows` +
      (validationSamples > 0 ? `, ${validationSamples.toLocaleString('en-US')} for validation` : '') +
      `; ${epochs} epochs of ${stepsPerEpoch} batches`;
  }

  batch(epoch: number, batch: number, loss: number): void {
    this.progress.value = (epoch * this.steps + batch + 1) / (this.epochs * this.steps);
    this.text.textContent = `epoch ${epoch + 1}/${this.epochs} · batch ${batch + 1}/${this.steps} · loss ${loss.toPrecision(4)}${this.last} · ${this.elapsed()}`;
  }

  epoch(epoch: number, loss: number, valLoss: number | null): void {
    this.progress.value = (epoch + 1) / this.epochs;
    this.last = ` · last epoch: loss ${loss.toPrecision(4)}${valLoss === null ? '' : `, val_loss ${valLoss.toPrecision(4)}`}`;
    this.text.textContent = `epoch ${epoch + 1}/${this.epochs} done${this.last} · ${this.elapsed()}`;
    this.text.dataset.epoch = String(epoch + 1);
    this.chart.add(epoch + 1, loss, valLoss);
  }

  stopping(): void {
    this.stop.disabled = true;
    this.text.textContent += ' · stopping after this epoch…';
  }

  /** Training ended with a model: the final loss chart is seqcast's report chart. */
  async finish(history: History | null, message: string): Promise<void> {
    this.chart.stop();
    this.reset();
    this.progress.value = 1;
    this.text.textContent = message;
    if (history !== null && history.epoch.length > 0) await renderChart(this.chartEl, lossPlotSpec(history));
  }

  fail(message: string): void {
    this.chart.stop();
    this.reset();
    this.text.textContent = '';
    showError(this.error, message);
  }

  /** A model was loaded instead of trained: no loss to show. */
  clear(): void {
    this.chart.stop();
    clearChart(this.chartEl);
    this.progress.value = 0;
    this.text.textContent = '';
  }

  private reset(): void {
    this.stop.disabled = true;
    this.train.disabled = false;
  }

  private elapsed(): string {
    return `${((performance.now() - this.started) / 1000).toFixed(1)} s`;
  }
}
