// Keras compile settings → seqcast's compile options: the metrics that map, precision/recall with their options.
import { describe, expect, it } from 'vitest';
import { kerasCompile } from '../src/model/keras/keras-compile.js';

const training = (metrics: unknown) => ({
  optimizer: { class_name: 'Adam', config: { learning_rate: 0.001 } },
  loss: 'binary_crossentropy',
  metrics,
});

describe('kerasCompile metrics', () => {
  it('maps accuracy and Keras 2 nested lists', () => {
    const notes: string[] = [];
    expect(kerasCompile(training([['acc']]), (s) => notes.push(s))?.metrics).toEqual(['accuracy']);
    expect(notes).toEqual([]);
  });

  it('carries Precision / Recall with their threshold, class id and name', () => {
    const notes: string[] = [];
    const c = kerasCompile(
      training([
        { class_name: 'Precision', config: { thresholds: 0.3, name: 'prec', class_id: null, top_k: null } },
        { class_name: 'Recall', config: { thresholds: null, name: 'recall', class_id: 0, top_k: null } },
      ]),
      (s) => notes.push(s),
    );
    expect(c?.metrics).toEqual([
      { kind: 'precision', name: 'prec', thresholds: 0.3 },
      { kind: 'recall', name: 'recall', thresholds: 0.5, classId: 0 },
    ]);
    expect(notes).toEqual([]);
  });

  it('reports precision with top_k or several thresholds as not carried over', () => {
    const notes: string[] = [];
    const c = kerasCompile(
      training([
        { class_name: 'Precision', config: { thresholds: null, top_k: 2 } },
        { class_name: 'Recall', config: { thresholds: [0.2, 0.8] } },
      ]),
      (s) => notes.push(s),
    );
    expect(c?.metrics).toEqual([]);
    expect(notes).toHaveLength(2);
    expect(notes[0]).toContain('top_k');
    expect(notes[1]).toContain('recall');
  });
});
