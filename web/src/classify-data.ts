/**
 * The classify mode's data, read the same way in the page and in its worker: seqcast's `readLabelledCsv`
 * with the columns chosen, then the guard `seqcast classify` applies (at least two classes), so a bad file
 * gets the message the CLI prints.
 */
import type { LabelledTexts } from 'seqcast';
import { classesOf, readLabelledCsv, SeqcastError } from 'seqcast';
import type { TextSpec } from './classify-protocol';

/** The texts and labels of a spec; one SeqcastError line when the file cannot be classified. */
export function readTexts(spec: Pick<TextSpec, 'text' | 'source' | 'textColumn' | 'labelColumn'>): {
  readonly data: LabelledTexts;
  readonly classes: string[];
} {
  const data = readLabelledCsv(spec.text, {
    source: spec.source,
    textColumn: spec.textColumn,
    labelColumn: spec.labelColumn,
  });
  const classes = classesOf(data.labels);
  if (classes.length < 2) {
    // the guard of `seqcast classify` (src/cli/classify-input.ts), word for word
    throw new SeqcastError(
      'config',
      `${spec.source}: every label in column '${spec.labelColumn}' is '${data.labels[0]}'; a classifier needs at least two classes`,
    );
  }
  return { data, classes };
}
