/**
 * 5 · Inside: one window through the model (seqcast's `trace`): a heatmap of the hidden state h_t of every
 * unit over the window's steps, and the gate activations (LSTM i, f, g, o; GRU z, r and the candidate);
 * the gradient of that window's loss back through time (`gradientFlow`), and the training run's gradient
 * flow after the first and the last epoch.
 */
import type { RecurrentTrace } from 'seqcast';
import { gradientFlowPlotSpec } from 'seqcast';
import { clearChart, heatmapSpec, renderChart } from '../charts';
import type { InsidePayload, ResultPayload } from '../protocol';
import { byId, nextTask, setOptions, showError } from './dom';

const GATES: Readonly<Record<string, readonly string[]>> = {
  LSTM: ['i', 'f', 'g', 'o'],
  GRU: ['z', 'r', 'candidate'],
};

export class InsidePanel {
  private readonly panel = byId('inside-panel');
  private readonly slider = byId<HTMLInputElement>('window-index');
  private readonly label = byId('window-label');
  private readonly layer = byId<HTMLSelectElement>('inside-layer');
  private readonly error = byId('inside-error');
  private readonly heatmap = byId('hidden-heatmap');
  private readonly gates = byId('gates-chart');
  private readonly windowFlow = byId('window-flow-chart');
  private readonly trainingFlow = byId('training-flow-chart');
  private inside: InsidePayload | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly request: (window: number) => void;

  constructor(request: (window: number) => void) {
    this.request = request;
    this.slider.addEventListener('input', () => {
      this.label.textContent = `window ${this.slider.value}…`;
      if (this.timer !== null) clearTimeout(this.timer);
      this.timer = setTimeout(() => this.request(Number(this.slider.value)), 120);
    });
    this.layer.addEventListener('change', () => void this.draw());
  }

  /** A new model: the window slider covers its windows; the last window with a known target comes first. */
  configure(r: ResultPayload): void {
    this.panel.hidden = false;
    showError(this.error, null);
    const last = Math.max(0, r.windowCount - 1);
    this.slider.max = String(last);
    this.slider.value = String(Math.max(0, r.windowCount - 1 - r.config.horizon));
    if (r.windowCount > 0) this.request(Number(this.slider.value));
    else showError(this.error, 'the data is shorter than one window');
  }

  async show(inside: InsidePayload): Promise<void> {
    this.inside = inside;
    showError(this.error, null);
    this.slider.value = String(inside.window);
    const rows = inside.labels;
    this.label.textContent =
      `window ${inside.window}: rows ${rows[0]} .. ${rows[rows.length - 1]}` +
      (inside.targetLabel === null
        ? ' → the next, unknown value (what a forecast reads)'
        : ` → predicts ${inside.targetLabel}`);
    const names = inside.trace.layers
      .filter((l): l is RecurrentTrace => l.kind === 'recurrent')
      .map((l) => l.layer);
    setOptions(this.layer, names, this.layer.value);
    await this.draw();
  }

  fail(message: string): void {
    showError(this.error, message);
  }

  private async draw(): Promise<void> {
    const inside = this.inside;
    if (inside === null) return;
    const layer = inside.trace.layers.find(
      (l): l is RecurrentTrace => l.kind === 'recurrent' && l.layer === this.layer.value,
    );
    if (layer === undefined) return;
    // steps are in the order the layer reads them: reversed for a backward layer
    const labels = layer.direction === 'backward' ? [...inside.labels].reverse() : [...inside.labels];
    await renderChart(
      this.heatmap,
      heatmapSpec({
        title: `${layer.layer} (${layer.className}): hidden state h_t per unit${layer.direction === 'backward' ? ', read backwards' : ''}`,
        labels,
        grids: [{ name: 'h', steps: layer.steps.map((s) => s.values.h) }],
        domain: [-1, 1],
      }),
      { renderer: 'canvas' },
    );
    await nextTask();
    const gates = GATES[layer.className];
    if (gates === undefined) {
      clearChart(this.gates);
      this.gates.textContent = `${layer.className} has no gates: h_t = tanh(W x_t + U h_{t−1} + b) is all there is.`;
    } else {
      await renderChart(
        this.gates,
        heatmapSpec({
          title: `${layer.layer}: gate activations per unit (${gates.join(', ')})`,
          labels,
          grids: gates.map((g) => ({ name: g, steps: layer.steps.map((s) => s.values[g]) })),
          domain: [-1, 1],
        }),
        { renderer: 'canvas' },
      );
    }
    await nextTask();
    if (inside.gradient === null) {
      clearChart(this.windowFlow);
      this.windowFlow.textContent =
        'This window has no known target yet, so it has no loss to send back; pick an earlier window for its gradient flow.';
    } else {
      await renderChart(this.windowFlow, {
        ...gradientFlowPlotSpec([{ label: `window ${inside.window}`, layers: inside.gradient.layers }]),
        title: `This window's loss, back through time: ‖∂L/∂h_t‖ (log scale; loss ${inside.gradient.loss.toPrecision(3)})`,
      });
    }
    await nextTask();
    if (inside.trainingFlow === null || inside.trainingFlow.length === 0) {
      clearChart(this.trainingFlow);
      this.trainingFlow.textContent =
        'The training gradient flow is recorded while training; a loaded model has none.';
    } else {
      await renderChart(this.trainingFlow, {
        ...gradientFlowPlotSpec(inside.trainingFlow),
        title:
          'Training: ‖∂L/∂h_t‖ on the last training windows, after the first and the last epoch (log scale)',
      });
    }
  }
}
