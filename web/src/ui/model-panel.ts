/**
 * 2 · Model: the form, read into a seqcast ForecastConfig. Empty fields (and 'auto') take seqcast's defaults,
 * and the validation search (on unless unticked) tries variations of the transform, window, type and units
 * left on auto, as `seqcast train` does; seqcast checks the values and its messages are shown as they are.
 */
import type { ForecastConfig, ModelKind, TransformName } from 'seqcast';
import { byId } from './dom';

export interface ModelChoice {
  readonly config: ForecastConfig;
  /** recommend()'s `search`: vary the choices left open; the baselines and the combination compete either way. */
  readonly search: boolean;
  readonly futureSteps: number;
}

export class ModelPanel {
  private readonly form = byId<HTMLFormElement>('model-form');

  private field(name: string): HTMLInputElement | HTMLSelectElement {
    const el = this.form.elements.namedItem(name);
    if (el === null) throw new Error(`the model form has no field '${name}'`);
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

  /** Sets a field, e.g. from a test or a preset. */
  set(name: string, value: string | boolean): void {
    const el = this.field(name);
    if (el instanceof HTMLInputElement && el.type === 'checkbox') el.checked = value === true;
    else el.value = String(value);
  }

  read(): ModelChoice {
    const split = this.field('split').value.trim();
    let trainFraction: number | undefined;
    let splitDate: string | undefined;
    // as the CLI's --split: a date or an integer index names the first test row; otherwise a fraction
    if (/^\d{4}-\d{2}-\d{2}/.test(split) || /^-?\d+$/.test(split)) splitDate = split;
    else if (split !== '') {
      trainFraction = Number(split);
      if (!Number.isFinite(trainFraction)) {
        throw new Error(`split must be a fraction such as 0.8 or the first test date (got '${split}')`);
      }
    }
    const transform = this.field('transform').value;
    const kind = this.field('kind').value;
    const bidirectional = (this.field('bidirectional') as HTMLInputElement).checked;
    const validationSplit = this.number('validationSplit', 'validation split', false);
    const patience = this.number('patience', 'patience', true);
    if (patience !== undefined && validationSplit === 0) {
      throw new Error(
        'patience needs validation data to watch, but validation split 0 leaves none; drop one of them',
      );
    }
    const config: ForecastConfig = {
      ...(transform !== '' ? { transform: transform as TransformName } : {}),
      scaler: this.field('scaler').value as ForecastConfig['scaler'],
      ...defined({
        window: this.number('window', 'window', true),
        horizon: this.number('horizon', 'horizon', true),
        trainFraction,
        splitDate,
      }),
      model: {
        ...(kind !== '' ? { kind: kind as ModelKind } : {}),
        bidirectional,
        ...defined({
          units: this.number('units', 'units', true),
          layers: this.number('layers', 'layers', true),
        }),
      },
      training: defined({
        epochs: this.number('epochs', 'epochs', true),
        batchSize: this.number('batchSize', 'batch size', true),
        learningRate: this.number('learningRate', 'learning rate', false),
        clipnorm: this.number('clipnorm', 'clipnorm', false),
        validationSplit,
        patience,
        seed: this.number('seed', 'seed', true),
      }),
    };
    return {
      config,
      search: (this.field('search') as HTMLInputElement).checked,
      futureSteps: this.number('futureSteps', 'future steps', true) ?? 12,
    };
  }
}

function defined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
