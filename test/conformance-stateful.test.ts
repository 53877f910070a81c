/**
 * The conformance kind statefulSequence (FORMAT.md): the loader's strictness about its calls, layers and
 * states; the runner on every backend; that the cases catch a layer that does not carry, a reset that does
 * nothing and states set to the wrong values; and Keras's out_0 = 0 for a row masked before any real step of a
 * call (the three *fully_masked_row / leading_padding cases).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { availableBackends } from '../src/index.js';
import { runCase } from '../src/entries/conformance.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'conformance');

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function loadCase(name: string): Json {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Json;
}

function unreadable(c: Json): string | undefined {
  const r = runCase(c, 'x');
  expect(r.status).toBe('unreadable');
  return r.message;
}

const STATEFUL = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .filter((n) => loadCase(n).kind === 'statefulSequence');

describe('statefulSequence cases run on every backend', () => {
  it('the folder holds the 18 statefulSequence cases, 3 of them Keras test_statefulness ports', () => {
    expect(STATEFUL).toHaveLength(18);
    expect(STATEFUL.filter((n) => n.startsWith('keras_'))).toEqual([
      'keras_gru_statefulness',
      'keras_lstm_statefulness',
      'keras_simplernn_statefulness',
    ]);
  });

  for (const backend of availableBackends()) {
    it(`runCase() passes every statefulSequence case on the ${backend} backend in float32`, () => {
      for (const name of STATEFUL) {
        const r = runCase(loadCase(name), name, { backend });
        expect(`${name}: ${r.status} ${r.message ?? ''}`).toBe(`${name}: passed `);
      }
    });
  }
});

describe('the statefulSequence cases catch stateful slips', () => {
  it('runCase() fails a case whose layer is not stateful (each call starts from zeros)', () => {
    const c = loadCase('stateful_simplernn_seq_carry');
    c.layers[0].config.stateful = false;
    expect(unreadable(c)).toBe(
      'a statefulSequence case needs at least one recurrent layer with "stateful": true',
    );
    const d = loadCase('stateful_lstm_then_plain_gru');
    d.layers[1].config.stateful = true; // the GRU now carries too: the second call differs
    for (const call of d.calls) delete call.states;
    const r = runCase(d, 'x');
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/^calls\[1\]\.output: max error/);
  });

  it('runCase() fails a case whose resetStates: true is left out', () => {
    const c = loadCase('stateful_lstm_last_reset_all');
    c.calls.splice(2, 1);
    const r = runCase(c, 'x');
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/^calls\[2\]\.output: max error/);
  });

  it('runCase() fails a case whose reset values are changed, and checks the states a call states', () => {
    const c = loadCase('stateful_gru_resetafter_seq_reset_values');
    c.calls[1].resetStates.states[0].data[0] += 0.01;
    const r = runCase(c, 'x');
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/calls\[2\]\.output: max error/);
    const d = loadCase('stateful_bidir_lstm_concat_seq');
    d.calls[0].states[0][3].data[1] += 0.01; // the backward half's c
    const s = runCase(d, 'x');
    expect(s.status).toBe('failed');
    expect(s.message).toMatch(/^calls\[0\]\.states\[0\]\[3\]: max error/);
  });

  it('runCase() fails a predictStep case whose stream does not continue from the forward call', () => {
    const c = loadCase('stateful_lstm_dense_predictstep');
    c.calls.splice(1, 0, { resetStates: true });
    const r = runCase(c, 'x');
    expect(r.status).toBe('failed');
    expect(r.message).toMatch(/^calls\[2\]\.output: max error/);
  });

  it("runCase() fails a Keras port whose LSTM bias lacks unit_forget_bias's ones", () => {
    const c = loadCase('keras_lstm_statefulness');
    const bias = c.layers[0].weights[2].data as number[];
    bias.fill(0.03);
    expect(runCase(c, 'x').status).toBe('failed');
  });
});

describe('the loader reads statefulSequence cases strictly', () => {
  it('runCase() requires "stateful" in every recurrent config of the kind and rejects it elsewhere', () => {
    const c = loadCase('stateful_stack_lstm_gru_dense');
    delete c.layers[1].config.stateful;
    expect(unreadable(c)).toBe('layers[1].config lacks the field "stateful"');
    const d = loadCase('stateful_bidir_lstm_concat_seq');
    d.layers[0].config.layer.config.stateful = 'yes';
    expect(unreadable(d)).toBe('layers[0].config.layer.config.stateful must be true or false (got "yes")');
    const e = loadCase('lstm_seq');
    e.layers[0].config.stateful = true;
    expect(unreadable(e)).toBe('layers[0].config has an unknown field "stateful"');
  });

  it('runCase() rejects a missing or bad batchSize and an unknown top-level field', () => {
    const c = loadCase('stateful_simplernn_seq_carry');
    delete c.batchSize;
    expect(unreadable(c)).toBe('the case lacks the field "batchSize"');
    c.batchSize = 0;
    expect(unreadable(c)).toBe('"batchSize" must be an integer ≥ 1 (got 0)');
    c.batchSize = 2;
    c.inputMask = { shape: [2, 3], data: [1, 1, 1, 1, 1, 1] };
    expect(unreadable(c)).toBe('the case has an unknown field "inputMask"');
  });

  it('runCase() rejects a call of no known form and an unknown field of a call', () => {
    const c = loadCase('stateful_simplernn_seq_carry');
    c.calls.push({ output: c.calls[0].output });
    expect(unreadable(c)).toBe(
      'calls[3] must have "input" (a forward pass), "predictStep" (one step) or "resetStates"',
    );
    c.calls.pop();
    c.calls[1].target = c.calls[1].output;
    expect(unreadable(c)).toBe('calls[1] has an unknown field "target"');
    delete c.calls[1].target;
    c.calls.push({ resetStates: true, input: c.calls[0].input });
    expect(unreadable(c)).toBe('calls[3] has an unknown field "input"');
  });

  it('runCase() rejects a call input whose batch is not batchSize and an output of another batch', () => {
    const c = loadCase('stateful_simplernn_seq_carry');
    c.calls[1].input = { shape: [1, 2, 2], data: [0, 0, 0, 0] };
    expect(unreadable(c)).toBe(
      'calls[1].input has shape [1, 2, 2]; it must be [batchSize, timesteps, features] with batchSize 2',
    );
    const d = loadCase('stateful_simplernn_seq_carry');
    d.calls[0].output.shape = [1, 6, 3];
    expect(unreadable(d)).toBe('calls[0].output has shape [1, 6, 3]; its first axis must be batchSize 2');
  });

  it('runCase() rejects resetStates values other than true or {layer, states}', () => {
    const c = loadCase('stateful_lstm_last_reset_all');
    c.calls[2].resetStates = false;
    expect(unreadable(c)).toBe(
      'calls[2].resetStates must be true (every layer) or {"layer", "states"} (one layer) (got false)',
    );
    c.calls[2].resetStates = { layer: 0 };
    expect(unreadable(c)).toBe('calls[2].resetStates lacks the field "states"');
    c.calls[2].resetStates = { layer: 1, states: null };
    expect(unreadable(c)).toBe('calls[2].resetStates.layer must be an index in [0, 1) (got 1)');
  });

  it('runCase() rejects a reset of a layer that keeps no states, and state lists of the wrong size', () => {
    const c = loadCase('stateful_lstm_then_plain_gru');
    c.calls.splice(1, 0, { resetStates: { layer: 1, states: null } });
    expect(unreadable(c)).toBe(
      'calls[1].resetStates.layer is 1, and layers[1] (GRU) is not a stateful recurrent layer',
    );
    const d = loadCase('stateful_bidir_lstm_concat_seq');
    d.calls[2].resetStates.states.pop();
    expect(unreadable(d)).toBe(
      'calls[2].resetStates.states has 3 tensors; a stateful Bidirectional(LSTM) keeps 4',
    );
    const e = loadCase('stateful_gru_resetafter_seq_reset_values');
    e.calls[1].resetStates.states[0].shape = [3, 2];
    expect(unreadable(e)).toBe(
      'calls[1].resetStates.states[0] has shape [3, 2]; a state is [batchSize, units] = [2, 3]',
    );
  });

  it("runCase() rejects a call's states that do not name each layer's, null for a layer without", () => {
    const c = loadCase('stateful_lstm_then_plain_gru');
    c.calls[0].states[1] = c.calls[0].states[0];
    expect(unreadable(c)).toBe('calls[0].states[1] must be null: layers[1] (GRU) keeps no states');
    c.calls[0].states.pop();
    expect(unreadable(c)).toBe('calls[0].states has 2 entries; it must have one per layer (3)');
  });

  it('runCase() rejects a predictStep of the wrong shape, with an inputMask call, or beside a plain layer', () => {
    const c = loadCase('stateful_lstm_dense_predictstep');
    c.calls[1].predictStep = c.calls[0].input;
    expect(unreadable(c)).toBe(
      'calls[1].predictStep has shape [2, 3, 2]; one step is [batchSize, features] = [2, F]',
    );
    const d = loadCase('stateful_lstm_dense_predictstep');
    d.calls[0].inputMask = { shape: [2, 3], data: [1, 1, 1, 1, 1, 0] };
    expect(unreadable(d)).toBe(
      'calls[0] has an "inputMask" and calls[1] is a "predictStep": a case that streams takes its masks from a Masking layer',
    );
    const e = loadCase('stateful_lstm_then_plain_gru');
    e.calls.push({
      predictStep: { shape: [2, 2], data: [0, 0, 0, 0] },
      output: { shape: [2, 2], data: [0, 0, 0, 0] },
    });
    expect(unreadable(e)).toBe(
      'calls[2] is a "predictStep", so every recurrent layer must be stateful, and layers[1] is not',
    );
  });

  it('runCase() rejects a case in which no call states an output', () => {
    const c = loadCase('keras_gru_statefulness');
    delete c.calls[1].output;
    delete c.calls[4].output;
    expect(unreadable(c)).toBe('"calls" must hold at least one call with an expected "output"');
  });
});
