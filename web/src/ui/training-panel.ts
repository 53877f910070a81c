/**
 * 3 · Training: the Train and Stop buttons, the progress bar and line, and the live loss chart. Updates
 * arrive from the worker at most every 100 ms and each is a few DOM writes, so the page stays responsive.
 * A run of several fits (the validation search's candidates, then the refit) names the fit in progress
 * (#training-stage, where the page has one); the bar covers the whole run and the loss chart the current fit.
 */
import type { History } from 'seqcast';
import { lossPlotSpec } from 'seqcast';
import { LiveLossChart, clearChart, renderChart } from '../charts';
import { byId, showError } from './dom';

export class TrainingPanel {
  readonly train: HTMLButtonElement;
  readonly stop: HTMLButtonElement;
  private readonly progress: HTMLProgressElement;
  private readonly text: HTMLElement;
  private readonly error: HTMLElement;
  private readonly chartEl: HTMLElement;
  private readonly chart: LiveLossChart;
  private readonly stageEl: HTMLElement | null;
  private stageIndex = 1;
  private stageCount = 1;
  private readonly lossName: string;
  private readonly unit: string;
  private epochs = 1;
  private steps = 1;
  private started = 0;
  private last = '';

  /**
   * The elements are #train, #stop, #progress, … with `prefix` before each id (the classify mode's are
   * #c-train, …); `lossName` titles the loss axis and `unit` names the training samples.
   */
  constructor(prefix = '', lossName = 'MSE on scaled data', unit = 'training windows') {
    this.train = byId<HTMLButtonElement>(`${prefix}train`);
    this.stop = byId<HTMLButtonElement>(`${prefix}stop`);
    this.progress = byId<HTMLProgressElement>(`${prefix}progress`);
    this.text = byId(`${prefix}progress-text`);
    this.error = byId(`${prefix}training-error`);
    this.chartEl = byId(`${prefix}loss-chart`);
    this.stageEl = document.getElementById(`${prefix}training-stage`);
    this.chart = new LiveLossChart(this.chartEl, 250, lossName);
    this.lossName = lossName;
    this.unit = unit;
  }

  /** Training was asked for: clear the last run's figures. */
  start(): void {
    showError(this.error, null);
    this.progress.value = 0;
    this.last = '';
    this.started = performance.now();
    this.text.textContent = 'preparing the data and the model…';
    delete this.text.dataset.epoch;
    this.stageIndex = 1;
    this.stageCount = 1;
    this.showStage('', null);
    this.train.disabled = true;
    this.stop.disabled = false;
    this.chart.start();
  }

  /** Fit `index` (1-based) of `count` begins: its loss curve replaces the last fit's. */
  stage(index: number, count: number, text: string): void {
    this.stageIndex = index;
    this.stageCount = count;
    this.progress.value = (index - 1) / count;
    this.last = '';
    delete this.text.dataset.epoch;
    this.chart.restart();
    this.showStage(`fit ${index} of ${count}: ${text}`, `${index}/${count}`);
  }

  private showStage(text: string, stage: string | null): void {
    if (this.stageEl === null) return;
    this.stageEl.textContent = text;
    if (stage === null) delete this.stageEl.dataset.stage;
    else this.stageEl.dataset.stage = stage;
  }

  /** The share of the whole run done: fits before this one, and `share` of this one. */
  private overall(share: number): number {
    return (this.stageIndex - 1 + share) / this.stageCount;
  }

  begin(epochs: number, stepsPerEpoch: number, samples: number, validationSamples: number): void {
    this.epochs = epochs;
    this.steps = stepsPerEpoch;
    this.text.textContent =
      `${samples.toLocaleString('en-US')} ${this.unit}` +
      (validationSamples > 0 ? `, ${validationSamples.toLocaleString('en-US')} for validation` : '') +
      `; ${epochs} epochs of ${stepsPerEpoch} batches`;
  }

  batch(epoch: number, batch: number, loss: number): void {
    this.progress.value = this.overall((epoch * this.steps + batch + 1) / (this.epochs * this.steps));
    this.text.textContent = `epoch ${epoch + 1}/${this.epochs} · batch ${batch + 1}/${this.steps} · loss ${loss.toPrecision(4)}${this.last} · ${this.elapsed()}`;
  }

  epoch(epoch: number, loss: number, valLoss: number | null): void {
    this.progress.value = this.overall((epoch + 1) / this.epochs);
    this.last = ` · last epoch: loss ${loss.toPrecision(4)}${valLoss === null ? '' : `, val_loss ${valLoss.toPrecision(4)}`}`;
    this.text.textContent = `epoch ${epoch + 1}/${this.epochs} done${this.last} · ${this.elapsed()}`;
    this.text.dataset.epoch = String(epoch + 1);
    this.chart.add(epoch + 1, loss, valLoss);
  }

  stopping(): void {
    this.stop.disabled = true;
    this.text.textContent +=
      this.stageCount > 1
        ? ' · stopping after this epoch; the fits still to come train as many epochs…'
        : ' · stopping after this epoch…';
  }

  /** Training ended with a model: the final loss chart is seqcast's report chart. */
  async finish(history: History | null, message: string): Promise<void> {
    this.chart.stop();
    this.reset();
    this.progress.value = 1;
    this.text.textContent = message;
    if (history !== null && history.epoch.length > 0)
      await renderChart(this.chartEl, lossPlotSpec(history, this.lossName));
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
