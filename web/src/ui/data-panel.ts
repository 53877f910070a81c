/**
 * 1 · Data: a bundled dataset or a CSV file (picked or dropped), read by seqcast's readCsv in the page; the
 * date and value columns, the missing-value policy and an optional date range; the series chart with a
 * log-scale toggle.
 */
import type { DatasetName, Series } from 'seqcast';
import { DATASETS, describeFrequency, formatNumber, seriesPlotSpec, spansOrdersOfMagnitude } from 'seqcast';
import { clearChart, renderChart } from '../charts';
import { datasetText, headerColumns, messageOf, readSpec, siteDatasets } from '../data';
import type { DataSpec, MissingChoice } from '../protocol';
import { byId, setOptions, showError } from './dom';

export interface LoadedData {
  readonly spec: DataSpec;
  readonly series: Series;
}

export class DataPanel {
  private readonly dataset = byId<HTMLSelectElement>('dataset');
  private readonly file = byId<HTMLInputElement>('csv-file');
  private readonly drop = byId('csv-drop');
  private readonly description = byId('data-description');
  private readonly dateColumn = byId<HTMLSelectElement>('date-column');
  private readonly valueColumn = byId<HTMLSelectElement>('value-column');
  private readonly missing = byId<HTMLSelectElement>('missing');
  private readonly from = byId<HTMLInputElement>('from');
  private readonly to = byId<HTMLInputElement>('to');
  private readonly log = byId<HTMLInputElement>('log-scale');
  private readonly error = byId('data-error');
  private readonly summary = byId('data-summary');
  private readonly chart = byId('series-chart');

  /** The text being worked on, where it came from, and the value column to prefer. */
  private text: { text: string; source: string; name: string; preferred: string | null } | null = null;
  private loaded: LoadedData | null = null;
  private readonly onChange: (data: LoadedData | null) => void;

  constructor(onChange: (data: LoadedData | null) => void) {
    this.onChange = onChange;
    for (const name of siteDatasets()) {
      const info = DATASETS[name];
      const option = document.createElement('option');
      option.value = name;
      option.textContent = `${name} (${info.file})`;
      this.dataset.append(option);
    }
    this.dataset.addEventListener('change', () => void this.pickDataset());
    this.file.addEventListener('change', () => {
      const f = this.file.files?.[0];
      if (f !== undefined) void this.readFile(f);
    });
    this.drop.addEventListener('dragover', (e) => {
      e.preventDefault();
      this.drop.classList.add('over');
    });
    this.drop.addEventListener('dragleave', () => this.drop.classList.remove('over'));
    this.drop.addEventListener('drop', (e) => {
      e.preventDefault();
      this.drop.classList.remove('over');
      const f = e.dataTransfer?.files[0];
      if (f !== undefined) void this.readFile(f);
    });
    this.dateColumn.addEventListener('change', () => void this.parse());
    this.missing.addEventListener('change', () => void this.parse());
    this.from.addEventListener('change', () => void this.parse());
    this.to.addEventListener('change', () => void this.parse());
    this.valueColumn.addEventListener('change', () => void this.parse());
    this.log.addEventListener('change', () => void this.draw());
  }

  get current(): LoadedData | null {
    return this.loaded;
  }

  private async pickDataset(): Promise<void> {
    const name = this.dataset.value as DatasetName | '';
    if (name === '') return;
    this.file.value = '';
    const info = DATASETS[name];
    this.description.textContent = info.description;
    await this.setText({
      text: await datasetText(name),
      source: info.file,
      name,
      preferred: info.valueColumn,
    });
  }

  private async readFile(f: File): Promise<void> {
    this.dataset.value = '';
    this.description.textContent = `${f.name}, ${f.size.toLocaleString('en-US')} bytes`;
    await this.setText({ text: await f.text(), source: f.name, name: f.name, preferred: null });
  }

  private async setText(t: NonNullable<DataPanel['text']>): Promise<void> {
    this.text = t;
    const header = headerColumns(t.text);
    setOptions(this.dateColumn, header, header[0]);
    setOptions(this.valueColumn, []);
    await this.parse(true, t.preferred);
  }

  /** Reads the text with the chosen options; shows the series or the error. */
  private async parse(fresh = false, preferredValue: string | null = null): Promise<void> {
    if (this.text === null) return;
    const spec = {
      text: this.text.text,
      source: this.text.source,
      dateColumn: this.dateColumn.value,
      missing: this.missing.value as MissingChoice,
      from: this.from.value.trim() === '' ? null : this.from.value.trim(),
      to: this.to.value.trim() === '' ? null : this.to.value.trim(),
    };
    let series: Series;
    try {
      series = readSpec(spec);
    } catch (e) {
      this.fail(messageOf(e));
      return;
    }
    const keep = preferredValue ?? this.valueColumn.value;
    setOptions(this.valueColumn, series.names, series.names.includes(keep) ? keep : series.names[0]);
    showError(this.error, null);
    this.loaded = {
      spec: {
        ...spec,
        name: this.text.name,
        dateColumn: this.dateColumn.value,
        valueColumn: this.valueColumn.value,
      },
      series,
    };
    if (fresh) {
      // a log axis by default when the values span more than two orders of magnitude
      this.log.checked = spansOrdersOfMagnitude(series.column(this.valueColumn.value), 2);
    }
    this.describe();
    this.onChange(this.loaded);
    await this.draw();
  }

  private fail(message: string): void {
    this.loaded = null;
    showError(this.error, message);
    this.summary.textContent = '';
    clearChart(this.chart);
    this.onChange(null);
  }

  private describe(): void {
    if (this.loaded === null) return;
    const { series, spec } = this.loaded;
    const v = series.column(spec.valueColumn);
    let min = Infinity;
    let max = -Infinity;
    for (const x of v) {
      min = Math.min(min, x);
      max = Math.max(max, x);
    }
    this.summary.textContent =
      `${series.length.toLocaleString('en-US')} rows, ${series.label(0)} .. ${series.label(series.length - 1)} ` +
      `(${describeFrequency(series.frequency)}); '${spec.valueColumn}' from ${formatNumber(min)} to ${formatNumber(max)}` +
      (series.names.length > 1 ? `; columns: ${series.names.join(', ')}` : '');
  }

  private async draw(): Promise<void> {
    if (this.loaded === null) return;
    const { series, spec } = this.loaded;
    const values = series.column(spec.valueColumn);
    const log = this.log.checked && values.every((v) => v > 0);
    if (this.log.checked && !log) {
      showError(this.error, `'${spec.valueColumn}' has values ≤ 0, which a log scale cannot show`);
      this.log.checked = false;
    }
    await renderChart(
      this.chart,
      seriesPlotSpec({
        labels: series.labels(),
        values,
        title: `${spec.name}: ${spec.valueColumn}${log ? ' (log scale)' : ''}`,
        log,
      }),
    );
  }
}
