/**
 * The CLI with Keras files, through the built command (dist/) in a child process: `seqcast trace` and
 * `seqcast evaluate` take a .keras / .h5 file where they take a model folder (the model as a forecaster with
 * transform and scaler 'none', the CSV's columns as its inputs), and bad Keras files get one line on stderr
 * and exit 1: a truncated zip, an HDF5 file whose weights group is missing, a weight of the wrong shape, an
 * unknown layer.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { dense, gru, lstm, saveKerasModel, sequential, tensor } from '../src/node.js';
import { needs } from './helpers/shared-data.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const REAL = 'keras-files/deepak_forecast_gru2.keras'; // GRU ×2, input [480, 3], Keras 3.15
const LEGACY = 'keras-files/anushree_imdb_embed_gru_resetbefore.h5';
const need = needs(REAL, LEGACY);

function seqcast(args: string[]): { stdout: string; stderr: string; status: number | null } {
  return spawnSync('node', [CLI, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
}

const dir = mkdtempSync(join(tmpdir(), 'seqcast-keras-cli-'));
const model = sequential([gru({ units: 3 }), dense({ units: 1 })], { inputShape: [6, 1], seed: 8 });
const file = join(dir, 'gru.keras');
const csv = join(dir, 'series.csv');
const values = Array.from({ length: 40 }, (_, i) => Math.sin(i / 3) + i / 40);

beforeAll(async () => {
  await saveKerasModel(model, file);
  const rows = values.map((v, i) => `2026-01-${String(i + 1).padStart(2, '0')},${v}`);
  // 40 days: January and nine days of February
  const labels = Array.from({ length: 40 }, (_, i) =>
    new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
  );
  writeFileSync(
    csv,
    ['date,value', ...rows.map((r, i) => `${labels[i]},${r.split(',')[1]}`)].join('\n') + '\n',
  );
});

describe('seqcast trace / evaluate with a Keras file', () => {
  it('seqcast trace FILE.keras DATA --json traces the last window as given (no transform, no scaler)', () => {
    const run = seqcast(['trace', file, csv, '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const tr = JSON.parse(run.stdout) as { labels: string[]; columns: string[]; output: number[] };
    expect(tr.columns).toEqual(['value']);
    expect(tr.labels).toHaveLength(6);
    expect(tr.labels[5]).toBe('2026-02-09');
    const x = tensor(Float32Array.from(values.slice(-6)), [1, 6, 1]);
    expect(tr.output).toEqual(Array.from(model.predict(x).data));
  });

  it('seqcast trace FILE.keras --input v1,… reads the values themselves', () => {
    const run = seqcast(['trace', file, '--input', values.slice(0, 6).join(',')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^window -1 of --input: 0 \.\. 5 \(6 steps\), inputs value after transform none and scaler none/,
    );
    expect(run.stdout).toContain('gru (GRU, 3 units)');
  });

  it('seqcast evaluate FILE.keras DATA --trained-through LABEL scores the rows after it beside the baselines', () => {
    const run = seqcast(['evaluate', file, csv, '--trained-through', '2026-01-31', '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const doc = JSON.parse(run.stdout) as Record<string, unknown>;
    const text = JSON.stringify(doc);
    expect(text).toContain('seasonal');
    expect(text).toMatch(/"rmse"|"RMSE"/i);
    const noCut = seqcast(['evaluate', file, csv]);
    expect(noCut.status).toBe(1);
    expect(noCut.stderr.trim()).toBe(
      'seqcast: a Keras file does not record which rows its model was trained on: give the last training row with --trained-through <label>; the rows after it are scored',
    );
  });

  it('seqcast predict FILE.keras "text" says in one line why a Keras file cannot read texts', () => {
    const run = seqcast(['predict', file, 'a fine phone']);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      `seqcast: '${file}' is a Keras model file: it holds no vocabulary, so seqcast predict cannot turn texts into its token ids; ` +
        'train a classifier with seqcast classify (which saves its vectorizer), or use the file with loadKerasModel on token ids',
    );
  });

  it('a CSV with other columns than the model reads, and a model of token ids, get one line', () => {
    const wide = join(dir, 'wide.csv');
    writeFileSync(wide, 'date,a,b\n2026-01-01,1,2\n2026-01-02,3,4\n');
    const run = seqcast(['trace', file, wide]);
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      "seqcast: trace gru.keras: the model reads 1 value per step, but the data has 2 columns (a, b); give a CSV with exactly the model's input columns (and the date column)",
    );
  });
});

describe.skipIf(!need.available)('real Keras files and bad ones in the CLI' + need.note, () => {
  it('seqcast trace on a Keras 3.15 file of the shared folder (GRU ×2, 3 columns)', () => {
    const wide = join(dir, 'three.csv');
    const lines = ['date,a,b,c'];
    for (let i = 0; i < 500; i++) {
      const d = new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10);
      lines.push(`${d},${Math.sin(i / 7)},${Math.cos(i / 5)},${(i % 11) / 11}`);
    }
    writeFileSync(wide, lines.join('\n') + '\n');
    const run = seqcast(['trace', need.path(REAL), wide, '--json']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const tr = JSON.parse(run.stdout) as { labels: string[]; output: number[] };
    expect(tr.labels).toHaveLength(480);
    expect(tr.output).toHaveLength(1);
    const tokens = seqcast(['trace', need.path(LEGACY), wide]);
    expect(tokens.status).toBe(1);
    expect(tokens.stderr.trim().split('\n')).toHaveLength(1);
    expect(tokens.stderr).toMatch(
      /the model reads \[batch, (200|None)\]; as a forecaster seqcast needs \[batch, window, columns\]/,
    );
  });

  it('a truncated zip, a missing weights group, a weight of the wrong shape, an unknown layer: one line each', () => {
    const bytes = new Uint8Array(readFileSync(need.path(REAL)));
    const write = (name: string, data: Uint8Array): string => {
      const p = join(dir, name);
      writeFileSync(p, data);
      return p;
    };
    const files = unzipSync(bytes);
    const config = (
      edit: (c: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }) => void,
    ): Uint8Array => {
      const c = JSON.parse(strFromU8(files['config.json'])) as Parameters<typeof edit>[0];
      edit(c);
      return zipSync({ ...files, 'config.json': strToU8(JSON.stringify(c)) });
    };
    const legacy = new Uint8Array(readFileSync(need.path(LEGACY)));
    const noWeights = legacy.slice();
    const at = Buffer.from(noWeights).indexOf('model_weights');
    expect(at).toBeGreaterThan(0);
    noWeights.set(strToU8('model_wXights'), at);
    const cases: [string, string, RegExp][] = [
      [
        'truncated.keras',
        write('truncated.keras', bytes.subarray(0, 40_000)),
        /the \.keras zip (has no end-of-directory record|cannot be read).*truncated or damaged/,
      ],
      ['no-weights.h5', write('no-weights.h5', noWeights), /has no 'model_weights' group/],
      [
        'shape.keras',
        write(
          'shape.keras',
          config((c) => void (c.config.layers[1].config.units = 65)),
        ),
        /weight 'layers\/gru\/cell\/vars\/0' has shape \[3, 192\] but layer 'gru_2' \(GRU\) as its config builds it needs \[3, 195\]/,
      ],
      [
        'unknown.keras',
        write(
          'unknown.keras',
          config((c) => void (c.config.layers[2].class_name = 'AlphaDropout')),
        ),
        /AlphaDropout/,
      ],
    ];
    for (const [name, path, pattern] of cases) {
      for (const args of [
        ['import', path, '--out', join(dir, `out-${name}`)],
        ['trace', path, '--input', '1,2,3'],
      ]) {
        const run = seqcast(args);
        expect(run.status, `${args[0]} ${name}`).toBe(1);
        const lines = run.stderr.trim().split('\n');
        expect(lines, `${args[0]} ${name}: ${run.stderr}`).toHaveLength(1);
        expect(lines[0], `${args[0]} ${name}`).toMatch(/^seqcast: /);
        expect(lines[0], `${args[0]} ${name}`).toMatch(pattern);
      }
    }
  });
});

it('an LSTM Keras file written by seqcast evaluates through the CLI the same twice (deterministic)', async () => {
  const m = sequential([lstm({ units: 2 }), dense({ units: 1 })], { inputShape: [6, 1], seed: 3 });
  const p = join(dir, 'lstm.keras');
  await saveKerasModel(m, p);
  const a = seqcast(['evaluate', p, csv, '--trained-through', '2026-01-25', '--json']);
  const b = seqcast(['evaluate', p, csv, '--trained-through', '2026-01-25', '--json']);
  expect(a.status).toBe(0);
  const strip = (s: string): unknown => {
    const doc = JSON.parse(s) as Record<string, unknown>;
    delete doc.timings;
    return doc;
  };
  expect(strip(a.stdout)).toEqual(strip(b.stdout));
});
