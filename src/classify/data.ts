/**
 * What a sequence classifier is given: texts or numeric sequences (each a list of frames of F numbers, any
 * length ≥ 1), with one label per sample. Labels are kept as text (1 and '1' are the same class); the
 * classes are sorted as numbers when every label is a number, else by code point, and class index k is the
 * k-th of them (for two classes, index 1 is the positive class).
 */
import { SeqcastError, quoted } from '../errors.js';
import type { SampleKind } from './config.js';
import { compareCodePoints } from './text-vectorizer.js';

export type Label = string | number;
export type Sequence = readonly (readonly number[])[];

export type LabelledData =
  | { readonly texts: readonly string[]; readonly labels: readonly Label[] }
  | { readonly sequences: readonly Sequence[]; readonly labels: readonly Label[] };

/** Inputs without labels, for predict(). */
export type Samples = readonly string[] | readonly Sequence[];

export interface CheckedData {
  readonly kind: SampleKind;
  readonly texts: readonly string[] | null;
  readonly sequences: readonly Sequence[] | null;
  readonly labels: readonly string[];
  /** Features per frame (series), else 0. */
  readonly features: number;
}

/** Checks the samples and labels of `data`; `where` names the call. */
export function checkLabelledData(data: LabelledData, where: string): CheckedData {
  if (typeof data !== 'object' || data === null) {
    throw new SeqcastError('config', `${where}: give { texts, labels } or { sequences, labels }`);
  }
  const hasTexts = 'texts' in data;
  const hasSequences = 'sequences' in data;
  if (hasTexts === hasSequences) {
    throw new SeqcastError(
      'config',
      `${where}: give either texts or sequences (with labels), not ${hasTexts ? 'both' : 'neither'}`,
    );
  }
  const samples = hasTexts ? data.texts : data.sequences;
  if (!Array.isArray(samples) || !Array.isArray(data.labels)) {
    throw new SeqcastError(
      'config',
      `${where}: ${hasTexts ? 'texts' : 'sequences'} and labels must be arrays`,
    );
  }
  if (samples.length !== data.labels.length) {
    throw new SeqcastError(
      'shape',
      `${where}: ${samples.length} ${hasTexts ? 'texts' : 'sequences'} but ${data.labels.length} labels; give one label per sample`,
    );
  }
  const labels = data.labels.map((l, i) => {
    if (typeof l === 'number' && Number.isFinite(l)) return String(l);
    if (typeof l === 'string' && l.trim() !== '') return l.trim();
    throw new SeqcastError(
      'config',
      `${where}: labels[${i}] is ${l === '' || (typeof l === 'string' && l.trim() === '') ? 'empty' : quoted(String(JSON.stringify(l)))}; every sample needs a label (a number or a text)`,
    );
  });
  if (hasTexts) {
    checkTexts(data.texts, where);
    return { kind: 'text', texts: data.texts, sequences: null, labels, features: 0 };
  }
  const features = checkSequences(data.sequences, where);
  return { kind: 'series', texts: null, sequences: data.sequences, labels, features };
}

export function checkTexts(texts: readonly unknown[], where: string): void {
  texts.forEach((t, i) => {
    if (typeof t !== 'string') {
      throw new SeqcastError(
        'config',
        `${where}: texts[${i}] is ${quoted(String(JSON.stringify(t)))}, not a string`,
      );
    }
    if (t.trim() === '') {
      throw new SeqcastError(
        'config',
        `${where}: texts[${i}] is empty; every sample needs some text (drop the empty ones)`,
      );
    }
  });
}

/** Checks that every sequence has ≥ 1 frame of the same number F ≥ 1 of finite numbers; returns F. */
export function checkSequences(sequences: readonly unknown[], where: string, features?: number): number {
  let F = features ?? -1;
  sequences.forEach((s, i) => {
    if (!Array.isArray(s) || s.length === 0) {
      throw new SeqcastError(
        'config',
        `${where}: sequences[${i}] must be a non-empty list of frames (lists of numbers)`,
      );
    }
    s.forEach((frame: unknown, t) => {
      if (!Array.isArray(frame)) {
        throw new SeqcastError(
          'config',
          `${where}: sequences[${i}][${t}] must be a list of numbers (one frame)`,
        );
      }
      if (F < 0) F = frame.length;
      if (frame.length !== F || F === 0) {
        throw new SeqcastError(
          'shape',
          `${where}: sequences[${i}][${t}] has ${frame.length} features but ${F === 0 ? 'a frame needs at least one' : `the others have ${F}`}`,
        );
      }
      for (let f = 0; f < F; f++) {
        const v: unknown = frame[f];
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          throw new SeqcastError(
            'non-finite',
            `${where}: sequences[${i}][${t}][${f}] is ${String(v)}; every feature must be a finite number`,
          );
        }
      }
    });
  });
  if (F < 1) throw new SeqcastError('config', `${where}: no sequences given`);
  return F;
}

/** The classes in index order (see the header). */
export function classesOf(labels: readonly string[]): string[] {
  const unique = [...new Set(labels)];
  const numeric = unique.every((l) => l.trim() !== '' && Number.isFinite(Number(l)));
  return numeric
    ? unique.sort((a, b) => Number(a) - Number(b) || compareCodePoints(a, b))
    : unique.sort(compareCodePoints);
}
