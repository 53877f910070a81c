/**
 * Classify · 1: the labelled texts. A dataset found beside the build (web/shared-data.ts; a build with none
 * beside it lists none), or a CSV file picked or dropped; the text and label columns (named `text` and
 * `label` are taken by default, otherwise the first two columns); read by seqcast's readLabelledCsv in the
 * page, with the CLI's messages for a bad file.
 */
import { formatNumber } from 'seqcast';
import { clearChart, classCountsSpec, renderChart } from '../charts';
import { labelledDatasets } from 'virtual:seqcast-labelled-datasets';
import { readTexts } from '../classify-data';
import type { TextSpec } from '../classify-protocol';
import { headerColumns, messageOf } from '../data';
import { byId, setOptions, showError } from './dom';

export interface LoadedTexts {
  readonly spec: TextSpec;
  readonly samples: number;
  readonly classes: readonly string[];
}

export class ClassifyDataPanel {
  private readonly dataset = byId<HTMLSelectElement>('c-dataset');
  private readonly file = byId<HTMLInputElement>('c-csv-file');
  private readonly drop = byId('c-csv-drop');
  private readonly description = byId('c-data-description');
  private readonly textColumn = byId<HTMLSelectElement>('c-text-column');
  private readonly labelColumn = byId<HTMLSelectElement>('c-label-column');
  private readonly error = byId('c-data-error');
  private readonly summary = byId('c-data-summary');
  private readonly chart = byId('c-classes-chart');
  private source: { text: string; source: string; name: string } | null = null;
  private readonly onChange: (data: LoadedTexts | null) => void;

  constructor(onChange: (data: LoadedTexts | null) => void) {
    this.onChange = onChange;
    for (const [name, info] of Object.entries(labelledDatasets)) {
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
    this.textColumn.addEventListener('change', () => void this.parse());
    this.labelColumn.addEventListener('change', () => void this.parse());
  }

  private async pickDataset(): Promise<void> {
    const name = this.dataset.value;
    const info = labelledDatasets[name];
    if (info === undefined) return;
    this.file.value = '';
    this.description.textContent = info.description;
    await this.setText(
      { text: await info.load(), source: info.file, name },
      info.textColumn,
      info.labelColumn,
    );
  }

  private async readFile(f: File): Promise<void> {
    this.dataset.value = '';
    this.description.textContent = `${f.name}, ${f.size.toLocaleString('en-US')} bytes`;
    await this.setText({ text: await f.text(), source: f.name, name: f.name }, 'text', 'label');
  }

  /** A new file: the columns named like the defaults are chosen, else the first two. */
  private async setText(
    t: NonNullable<ClassifyDataPanel['source']>,
    text: string,
    label: string,
  ): Promise<void> {
    this.source = t;
    const header = headerColumns(t.text);
    const other = (avoid: string): string => header.find((c) => c !== avoid) ?? '';
    const textChoice = header.includes(text) ? text : (header[0] ?? '');
    const labelChoice = header.includes(label) && label !== textChoice ? label : other(textChoice);
    setOptions(this.textColumn, header, textChoice);
    setOptions(this.labelColumn, header, labelChoice);
    await this.parse();
  }

  /** Reads the text with the chosen columns; shows the summary and the class counts, or the one-line error. */
  private async parse(): Promise<void> {
    if (this.source === null) return;
    const spec: TextSpec = {
      ...this.source,
      textColumn: this.textColumn.value,
      labelColumn: this.labelColumn.value,
    };
    let read;
    try {
      read = readTexts(spec);
    } catch (e) {
      showError(this.error, messageOf(e));
      this.summary.textContent = '';
      clearChart(this.chart);
      this.onChange(null);
      return;
    }
    showError(this.error, null);
    const counts = new Map<string, number>(read.classes.map((c) => [c, 0]));
    for (const l of read.data.labels) counts.set(l, counts.get(l)! + 1);
    const words = read.data.texts.reduce((n, t) => n + t.split(/\s+/).filter((w) => w !== '').length, 0);
    this.summary.textContent =
      `${read.data.texts.length.toLocaleString('en-US')} texts, ${formatNumber(words / read.data.texts.length)} words ` +
      `on average; ${read.classes.length} classes: ${[...counts].map(([c, n]) => `${c} ${n.toLocaleString('en-US')}`).join(', ')}`;
    this.onChange({ spec, samples: read.data.texts.length, classes: read.classes });
    await renderChart(this.chart, classCountsSpec(spec.labelColumn, [...counts]));
  }
}
