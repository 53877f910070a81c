/**
 * Classify · 5: a sentence read word by word (seqcast's wordTrace, computed in the worker), as a heatmap
 * under the sentence: one column per word; the model's class probability if the sentence ended at that word
 * (for two classes the second class's, otherwise one row per class); then the hidden state h of every unit of
 * each recurrent layer after reading the word (a backward layer's after reading from the end back to it).
 */
import type { RecurrentTrace } from 'seqcast';
import type { WordsPayload } from '../classify-protocol';
import { byId, h, showError } from './dom';

/** A value in [0, 1] as a colour from orange (0) through white (0.5) to blue (1). */
function shade(v: number): string {
  const t = Math.max(0, Math.min(1, v));
  const [r, g, b] = t < 0.5 ? [232, 112, 42] : [31, 78, 121];
  const a = Math.abs(t - 0.5) * 2;
  const mix = (c: number): number => Math.round(255 + (c - 255) * a);
  return `rgb(${mix(r)}, ${mix(g)}, ${mix(b)})`;
}

export class ClassifyWordsPanel {
  private readonly panel = byId('c-words-panel');
  readonly sentence = byId<HTMLInputElement>('c-sentence');
  readonly read = byId<HTMLButtonElement>('c-read');
  private readonly error = byId('c-words-error');
  private readonly out = byId('c-words');

  constructor(request: (text: string) => void) {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const ask = (): void => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      if (this.sentence.value.trim() === '') {
        showError(this.error, 'type a sentence first');
        return;
      }
      request(this.sentence.value);
    };
    this.read.addEventListener('click', ask);
    this.sentence.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') ask();
    });
    // as you type: read again 300 ms after the last key
    this.sentence.addEventListener('input', () => {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(ask, 300);
    });
  }

  /** A new model: the panel opens and reads the sentence in the box. */
  open(): void {
    this.panel.hidden = false;
    this.out.replaceChildren();
    showError(this.error, null);
  }

  hide(): void {
    this.panel.hidden = true;
  }

  fail(message: string): void {
    showError(this.error, message);
    this.out.replaceChildren();
  }

  show(w: WordsPayload): void {
    showError(this.error, null);
    const n = w.words.length;
    const K = w.classes.length;
    const shown = K === 2 ? [1] : w.classes.map((_, k) => k);
    const last = w.probabilities[n - 1];
    const best = last.indexOf(Math.max(...last));
    const whole = h(
      'p',
      {
        class: 'muted',
        'data-testid': 'words-summary',
        'data-p': String(w.trace.output[K === 2 ? 0 : best]),
      },
      `The whole sentence: ${w.classes[best]} (p = ${last[best].toFixed(3)})` +
        (n === w.inputLength ? `; the model reads at most ${n} words of a text` : '') +
        '. Grey words are not in the vocabulary (the model reads [UNK]).',
    );
    const rows: HTMLTableRowElement[] = [];
    rows.push(
      h(
        'tr',
        { class: 'words' },
        h('th', { scope: 'row' }, 'word'),
        ...w.words.map((word, i) =>
          h(
            'th',
            { scope: 'col', 'data-known': String(w.known[i]), class: w.known[i] ? '' : 'unknown' },
            word,
          ),
        ),
      ),
    );
    for (const k of shown) {
      rows.push(
        h(
          'tr',
          { class: 'probability', 'data-class': w.classes[k] },
          h('th', { scope: 'row' }, `p(${w.classes[k]}) if it ended here`),
          ...w.probabilities.map((p, i) => {
            const td = h(
              'td',
              {
                'data-p': String(p[k]),
                title: `“${w.words.slice(0, i + 1).join(' ')}”: p(${w.classes[k]}) = ${p[k].toFixed(4)}`,
              },
              p[k].toFixed(2),
            );
            td.style.background = shade(p[k]);
            if (Math.abs(p[k] - 0.5) > 0.3) td.style.color = '#fff';
            return td;
          }),
        ),
      );
    }
    const L = w.inputLength;
    for (const layer of w.trace.layers) {
      if (layer.kind !== 'recurrent') continue;
      rows.push(...hiddenRows(layer, n, L));
    }
    this.out.replaceChildren(
      whole,
      h('table', { class: 'word-heatmap', 'data-testid': 'word-heatmap' }, h('tbody', {}, ...rows)),
    );
  }
}

/** h per unit after each word; a backward layer's step s reads position L − s + 1. */
function hiddenRows(layer: RecurrentTrace, n: number, L: number): HTMLTableRowElement[] {
  const back = layer.direction === 'backward';
  const at = (i: number): readonly number[] => layer.steps[back ? L - 1 - i : i].values.h;
  const units = layer.steps[0].values.h.length;
  const name = back ? `${layer.layer}, read from the end back` : layer.layer;
  const rows: HTMLTableRowElement[] = [
    h(
      'tr',
      { class: 'layer' },
      h('th', { scope: 'row', colspan: String(n + 1) }, `${name}: hidden state h per unit`),
    ),
  ];
  for (let j = 0; j < units; j++) {
    rows.push(
      h(
        'tr',
        { class: 'hidden', 'data-layer': name, 'data-unit': String(j) },
        h('th', { scope: 'row' }, `h[${j}]`),
        ...Array.from({ length: n }, (_, i) => {
          const v = at(i)[j];
          const td = h('td', {
            'data-h': String(v),
            title: `${name} h[${j}] after word ${i + 1}: ${v.toFixed(4)}`,
          });
          td.style.background = shade((v + 1) / 2);
          return td;
        }),
      ),
    );
  }
  return rows;
}
