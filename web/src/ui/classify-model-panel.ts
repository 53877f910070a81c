/**
 * Classify · 2: the model form, read into a seqcast ClassifyConfig. Empty fields are left out, so they take
 * the SequenceClassifier's defaults; seqcast checks the values (SequenceClassifier.fit) and its messages are
 * shown as they are.
 */
import type { ClassifierModelKind, ClassifyConfig } from 'seqcast';
import { byId } from './dom';

export class ClassifyModelPanel {
  private readonly form = byId<HTMLFormElement>('c-model-form');

  private field(name: string): HTMLInputElement | HTMLSelectElement {
    const el = this.form.elements.namedItem(name);
    if (el === null) throw new Error(`the classify model form has no field '${name}'`);
    return el as HTMLInputElement | HTMLSelectElement;
  }

  /** A number typed in a field, or undefined when it is empty; text that is not a number is refused. */
  private number(name: string, label: string, integer: boolean): number | undefined {
    const text = this.field(name).value.trim();
    if (text === '') return undefined;
    const v = Number(text);
    if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) {
      throw new Error(`${label} must be ${integer ? 'an integer' : 'a number'} (got '${text}')`);
    }
    return v;
  }

  /** Sets a field, e.g. from a test. */
  set(name: string, value: string): void {
    this.field(name).value = value;
  }

  read(): ClassifyConfig {
    const kind = this.field('kind').value;
    const bidirectional = this.field('bidirectional').value;
    const validationFraction = this.number('validationFraction', 'validation split', false);
    const patience = this.number('patience', 'patience', true);
    if (patience !== undefined && validationFraction === 0) {
      throw new Error(
        'patience needs validation data to watch, but validation split 0 leaves none; drop one of them',
      );
    }
    return defined({
      testFraction: this.number('testFraction', 'test split', false),
      validationFraction,
      text: defined({
        maxTokens: this.number('maxTokens', 'max tokens', true),
        outputSequenceLength: this.number('sequenceLength', 'words per text', true),
      }),
      model: defined({
        kind: kind === '' ? undefined : (kind as ClassifierModelKind),
        units: this.number('units', 'units', true),
        embeddingDim: this.number('embeddingDim', 'embedding width', true),
        bidirectional: bidirectional === '' ? undefined : bidirectional === 'yes',
        dropout: this.number('dropout', 'dropout', false),
      }),
      training: defined({
        epochs: this.number('epochs', 'epochs', true),
        batchSize: this.number('batchSize', 'batch size', true),
        learningRate: this.number('learningRate', 'learning rate', false),
        // without validation there is nothing to stop on
        patience: validationFraction === 0 ? null : patience,
        seed: this.number('seed', 'seed', true),
      }),
    });
  }
}

/** The object without its undefined fields (an empty group is left out too). */
function defined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(
    Object.entries(o).filter(
      ([, v]) => v !== undefined && !(typeof v === 'object' && v !== null && Object.keys(v).length === 0),
    ),
  ) as T;
}
