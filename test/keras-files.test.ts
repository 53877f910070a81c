/**
 * The real Keras files of the shared folder (`keras-files/` there, saved by Keras 2.0.4 … 3.15.0 in
 * public repositories; never copied here): every one loads, through both entry points, and the five with
 * reference outputs (cases.json: a float64 numpy reading of Keras's equations) give them to
 * max |got − expected| ≤ 1e-4 · max |expected|, the tolerance cases.json states.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromKerasFile, loadKerasModel } from '../src/node.js';
import type { Sequential } from '../src/node.js';
import { needs } from './helpers/shared-data.js';

const FILES = [
  'adamvenroy_sentiment_embed_gap.keras',
  'aditya_crypto_lstm2.keras',
  'aditya_crypto_lstm2_legacy.h5',
  'adjoa_stock_lstm2.keras',
  'akshit_spam_embed_mask_gru.keras',
  'anushree_imdb_embed_bigru_resetbefore.h5',
  'anushree_imdb_embed_gru_resetbefore.h5',
  'danish_birth_bilstm2.h5',
  'deepak_forecast_gru2.keras',
  'kevinlin_embed_spdrop_lstm.h5',
  'khushi_imdb_embed_simplernn.h5',
  'kushagra_eye_bigru_functional.keras',
  'moskalyk_translate_gru_td.h5',
  'ruohan_dsr_bigru_seq_dense.h5',
];

/** What each file loads as: layer classes, parameter count (every value of the file's weight datasets), output shape. */
const EXPECTED: Record<string, { layers: string; params: number; output: (number | null)[] }> = {
  'adamvenroy_sentiment_embed_gap.keras': {
    layers: 'Embedding,Dropout,GlobalAveragePooling1D,Dropout,Dense',
    params: 160017,
    output: [1],
  },
  'aditya_crypto_lstm2.keras': { layers: 'LSTM,LSTM,Dense,Dense', params: 117619, output: [1] },
  'aditya_crypto_lstm2_legacy.h5': { layers: 'LSTM,LSTM,Dense,Dense', params: 117619, output: [1] },
  'adjoa_stock_lstm2.keras': { layers: 'LSTM,Dropout,LSTM,Dense', params: 85105, output: [1] },
  'akshit_spam_embed_mask_gru.keras': { layers: 'Embedding,GRU,Dropout,Dense', params: 178881, output: [1] },
  'anushree_imdb_embed_bigru_resetbefore.h5': {
    layers: 'Embedding,Bidirectional,Dense',
    params: 83201,
    output: [1],
  },
  'anushree_imdb_embed_gru_resetbefore.h5': { layers: 'Embedding,GRU,Dense', params: 81601, output: [1] },
  'danish_birth_bilstm2.h5': {
    layers: 'Bidirectional,Dropout,Bidirectional,Dropout,Dense',
    params: 132737,
    output: [1],
  },
  'deepak_forecast_gru2.keras': { layers: 'GRU,Dropout,GRU,Dropout,Dense', params: 22689, output: [1] },
  'kevinlin_embed_spdrop_lstm.h5': {
    layers: 'Embedding,SpatialDropout1D,LSTM,Dense',
    params: 28292,
    output: [4],
  },
  'khushi_imdb_embed_simplernn.h5': {
    layers: 'Embedding,SimpleRNN,Dense,Dense',
    params: 322625,
    output: [1],
  },
  'kushagra_eye_bigru_functional.keras': {
    layers: 'Bidirectional,Dropout,Dense,Dense',
    params: 17091,
    output: [3],
  },
  'moskalyk_translate_gru_td.h5': { layers: 'GRU,TimeDistributed', params: 35032, output: [21, 344] },
  'ruohan_dsr_bigru_seq_dense.h5': {
    layers: 'Bidirectional,Dense,Dense,Dense',
    params: 12705,
    output: [60, 1],
  },
};

interface CaseTensor {
  readonly shape: number[];
  readonly data: number[];
}
interface KerasCase {
  readonly name: string;
  readonly file: string;
  readonly input: CaseTensor;
  readonly expected: CaseTensor;
  readonly expected_if_keras3_hard_sigmoid?: CaseTensor;
}

const need = needs('keras-files/cases.json', ...FILES.map((f) => `keras-files/${f}`));
const quiet = { onSkip: () => {} };

function maxRelativeError(got: ArrayLike<number>, expected: readonly number[]): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

describe.skipIf(!need.available)('real Keras files' + need.note, () => {
  const models = new Map<string, Sequential>();
  const model = async (file: string): Promise<Sequential> => {
    if (!models.has(file)) models.set(file, await loadKerasModel(need.path(`keras-files/${file}`), quiet));
    return models.get(file)!;
  };

  it.each(FILES)(
    'loadKerasModel(path) reads %s with the layers, parameters and output shape Keras reports',
    async (file) => {
      const m = await model(file);
      const want = EXPECTED[file];
      expect(m.layers.map((l) => l.className).join(',')).toBe(want.layers);
      expect(m.countParams()).toBe(want.params);
      expect(m.outputShape).toEqual(want.output);
    },
  );

  it('fromKerasFile(bytes) gives the same weights as loadKerasModel(path), from a Uint8Array or an ArrayBuffer', async () => {
    for (const file of ['deepak_forecast_gru2.keras', 'anushree_imdb_embed_bigru_resetbefore.h5']) {
      const bytes = new Uint8Array(readFileSync(need.path(`keras-files/${file}`)));
      const a = await fromKerasFile(bytes, quiet);
      const b = await fromKerasFile(
        bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
        quiet,
      );
      const c = await model(file);
      expect(Array.from(a.params)).toEqual(Array.from(c.params));
      expect(Array.from(b.params)).toEqual(Array.from(c.params));
    }
  });

  it('predict() matches every reference output of cases.json within its tolerance (1e-4 · max |expected|)', async () => {
    const { cases, tolerance } = JSON.parse(need.text('keras-files/cases.json')) as {
      cases: KerasCase[];
      tolerance: { tol: number };
    };
    expect(cases.length).toBeGreaterThanOrEqual(15);
    for (const c of cases) {
      const m = await model(c.file);
      const y = m.predict({ shape: c.input.shape, data: Float32Array.from(c.input.data) });
      expect(y.shape, c.name).toEqual(c.expected.shape);
      const err = maxRelativeError(y.data, c.expected.data);
      expect(err, c.name).toBeLessThanOrEqual(tolerance.tol);
      if (c.expected_if_keras3_hard_sigmoid !== undefined) {
        // the other hard sigmoid gives visibly different outputs: the test can tell the two apart
        expect(maxRelativeError(y.data, c.expected_if_keras3_hard_sigmoid.data), c.name).toBeGreaterThan(
          10 * tolerance.tol,
        );
      }
    }
  });
});
