import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPORT_FIELDS } from './helpers/report-fields.js';
import { needs } from './helpers/shared-data.js';

const ROOT = join(import.meta.dirname, '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');

function seqcast(
  args: string[],
  cwd = ROOT,
  env: Record<string, string> = {},
): { stdout: string; stderr: string; status: number | null } {
  return spawnSync('node', [CLI, ...args], {
    encoding: 'utf8',
    cwd,
    env: { ...process.env, FORCE_COLOR: '0', ...env },
  });
}

/** What a user without the unbundled data sees: an empty SEQCAST_DATA_DIR and no shared folder. */
const NO_DATA = (): Record<string, string> => ({
  SEQCAST_DATA_DIR: mkdtempSync(join(tmpdir(), 'seqcast-nodata-')),
  SEQCAST_SHARED_DATA: '0',
});

/** One line on stderr, exit 1, no stack trace. */
function expectOneLineError(r: ReturnType<typeof seqcast>, pattern: RegExp): void {
  expect(r.status).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^seqcast: /);
  expect(lines[0]).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'seqcast-cli-'));
const shared = needs('data/sp500_monthly.csv');

describe.skipIf(!shared.available)(`seqcast demo on the S&P 500${shared.note}`, () => {
  it('seqcast demo --epochs 2 tells the S&P story, writes the report folder, and exits 0', () => {
    const out = join(tmp(), 'report');
    const r = seqcast(['demo', '--epochs', '2', '--out', out, '--quiet']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/917 rows, price 16\.88 \.\. 7,412\.55/);
    expect(r.stdout).toMatch(
      /split at row 733 \(2011-02-01\).*windows x \[721, 12, 1\] → y \[721, 1\], test x \[184, 12, 1\]/,
    );
    expect(r.stdout).toMatch(/warning {2}the scaled test data reach 4\.86/);
    expect(r.stdout).toMatch(/against 126\.01 for repeating last month's value/);
    for (const f of [
      'report.md',
      'report.json',
      'tutorial/report.md',
      'tutorial/forecast.svg',
      'tutorial/forecast.png',
      'recommended/model/model.json',
    ]) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
  });

  it('seqcast demo --json prints one JSON document per pipeline', () => {
    const r = seqcast(['demo', '--epochs', '1', '--out', join(tmp(), 'r'), '--json']);
    expect(r.status).toBe(0);
    const docs = JSON.parse(r.stdout) as {
      pipeline: string;
      metrics: { baselines: Record<string, { rmse: number }> };
      verdict: string;
    }[];
    expect(docs.map((d) => d.pipeline)).toEqual(['tutorial', 'recommended']);
    expect(Object.keys(docs[0].metrics.baselines).sort()).toEqual([
      'autoETS',
      'drift',
      'mean',
      'naive',
      'seasonalNaive',
    ]);
    expect(docs[0].metrics.baselines.naive.rmse).toBeCloseTo(126.0121, 3);
    // AutoETS fitted on the first 733 months, parameters held fixed: statsmodels 0.13's choice and figure
    expect(docs[0].metrics.baselines.autoETS.rmse).toBeCloseTo(123.96, 2);
  });

  it('seqcast demo --data FILE reads the S&P 500 from that file', () => {
    const dir = tmp();
    cpSync(shared.path('data/sp500_monthly.csv'), join(dir, 'sp.csv'));
    const r = seqcast(
      ['demo', '--epochs', '1', '--data', join(dir, 'sp.csv'), '--out', join(dir, 'r'), '--json'],
      ROOT,
      NO_DATA(),
    );
    expect(r.status).toBe(0);
    const docs = JSON.parse(r.stdout) as { data: { rows: number; source: string } }[];
    expect(docs[0].data).toMatchObject({ rows: 917, source: 'sp.csv' });
  });
});

describe('seqcast demo without the S&P 500 file', () => {
  it('seqcast demo says so in one line and tells the same story on air passengers, with numbers of that run', () => {
    const out = join(tmp(), 'report');
    const r = seqcast(['demo', '--epochs', '2', '--out', out, '--quiet'], ROOT, NO_DATA());
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^The S&P 500 file \(sp500_monthly\.csv\) is not bundled and not found here .*SEQCAST_DATA_DIR.*--data FILE.*air passengers/,
    );
    expect(lines.filter((l) => /S&P/.test(l))).toHaveLength(1);
    expect(lines[1]).toBe(
      'International airline passengers (thousands), monthly, 1949-01-01 .. 1960-12-01: 144 rows, passengers 104.00 .. 622.00.',
    );
    expect(r.stdout).toMatch(
      /split at row 115 \(1958-08-01\).*windows x \[103, 12, 1\] → y \[103, 1\], test x \[29, 12, 1\]/,
    );
    // the naive RMSE of the 29 test months, and the best baseline (AutoETS, ETS(A,A,M): 19.63, statsmodels' figure) named
    expect(r.stdout).toMatch(
      /against 52\.49 for repeating last month's value \(the best baseline here is autoETS, RMSE 19\.63\)\./,
    );
    expect(r.stdout).toMatch(
      /^Why: the test values reach 1\.27× the highest training value \(622\.00 against 491\.00\)/m,
    );
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(
      /^# seqcast demo: international airline passengers, monthly\n\n144 months, 1949-01-01 \.\. 1960-12-01/,
    );
    for (const f of ['report.json', 'tutorial/report.md', 'recommended/model/model.json']) {
      expect(existsSync(join(out, f)), f).toBe(true);
    }
  });
});

describe('train, evaluate, forecast, backtest, datasets', () => {
  let out = '';
  let printed = '';
  beforeAll(() => {
    out = join(tmp(), 'air');
    const r = seqcast(['train', 'air-passengers', '--epochs', '3', '--units', '8', '--out', out, '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    printed = r.stdout;
  });

  it('seqcast train --json prints the report document, the same one report.json holds', () => {
    const doc = JSON.parse(printed) as Record<string, unknown>;
    // train adds the validation search's result beside today's fields
    expect(Object.keys(doc)).toEqual([...REPORT_FIELDS, 'recommended']);
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).toEqual(doc);
    const rec = doc.recommended as {
      candidates: { kind: string }[];
      searched: string[];
      fixed: string[];
      intervals: { levels: { level: number; coverage: number }[] };
      future: Record<string, unknown>[];
    };
    // --units 8 fixes the units; transform, window and model kind are searched
    expect(rec.searched).toEqual(['transform', 'window', 'model kind']);
    expect(rec.fixed).toEqual(['units']);
    expect(rec.candidates.map((c) => c.kind)).toEqual([
      ...Array<string>(4).fill('network'),
      ...Array<string>(5).fill('baseline'),
      'combination',
    ]);
    expect(rec.intervals.levels.map((l) => l.level)).toEqual([0.8, 0.95]);
    expect(Object.keys(rec.future[0])).toEqual(['date', 'value', 'lower80', 'upper80', 'lower95', 'upper95']);
    expect(readFileSync(join(out, 'forecast.csv'), 'utf8')).toMatch(
      /^date,passengers,lower80,upper80,lower95,upper95\n1961-01-01,/,
    );
    for (const f of ['future.svg', 'forecast.svg']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain(
      '## The recommended pipeline (chosen on validation)',
    );
    expect(doc.verdict).toMatch(/^(beats|worse than|ties|[\d.]+× worse than) naive/);
    expect(String(doc.comparison).startsWith(String(doc.verdict))).toBe(true);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain(`**Verdict: ${String(doc.comparison)}**`);
    expect(doc.outDir).toBe(out);
    expect(existsSync(join(out, 'model', 'model.json'))).toBe(true);
  });

  it('a short series keeps the 80 % intervals only; one too short for a validation part is fitted as configured, and both say so', () => {
    const dir = tmp();
    const monthly = (n: number): string => {
      const rows = ['date,value'];
      for (let i = 0; i < n; i++) {
        const d = `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`;
        rows.push(`${d},${(10 + Math.sin(i / 2) + i / 10).toFixed(3)}`);
      }
      return `${rows.join('\n')}\n`;
    };
    writeFileSync(join(dir, 'm60.csv'), monthly(60));
    writeFileSync(join(dir, 'm40.csv'), monthly(40));
    const args = ['--epochs', '1', '--units', '4', '--no-search', '--json', '--out'];
    const r60 = seqcast(['train', 'm60.csv', ...args, 'r60'], dir);
    expect(r60.status).toBe(0);
    const d60 = JSON.parse(r60.stdout) as {
      warnings: string[];
      recommended: { intervals: { levels: { level: number }[] } };
    };
    expect(d60.recommended.intervals.levels.map((l) => l.level)).toEqual([0.8]);
    expect(d60.warnings.join('\n')).toMatch(
      /80 % intervals only: the training part has 48 rows; a validation part of 19 \(enough for 95 % intervals at horizon 1\)/,
    );
    // a train folder (forecast.csv included) is seqcast's own: --force replaces it
    expect(existsSync(join(dir, 'r60', 'forecast.csv'))).toBe(true);
    expect(seqcast(['train', 'm60.csv', ...args, 'r60'], dir).status).toBe(1);
    expect(seqcast(['train', 'm60.csv', ...args, 'r60', '--force'], dir).status).toBe(0);
    const r40 = seqcast(['train', 'm40.csv', ...args, 'r40'], dir);
    expect(r40.status).toBe(0);
    const d40 = JSON.parse(r40.stdout) as Record<string, unknown>;
    expect(Object.keys(d40)).toEqual([...REPORT_FIELDS]);
    expect((d40.warnings as string[]).join('\n')).toMatch(
      /no validation search and no prediction intervals: the training part has 32 rows; .*the configured network was fitted on the whole training part/,
    );
    expect(existsSync(join(dir, 'r40', 'model', 'model.json'))).toBe(true);
  }, 60_000);

  it('seqcast evaluate <model-dir> <dataset> scores the saved model', () => {
    const r = seqcast(['evaluate', join(out, 'model'), 'air-passengers', '--json']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { metrics: { model: { rmse: number } } };
    expect(doc.metrics.model.rmse).toBeGreaterThan(0);
  });

  it('seqcast forecast <model-dir> <dataset> --steps 3 prints dated forecasts and writes them as CSV', () => {
    const dir = tmp();
    const r = seqcast(
      ['forecast', join(out, 'model'), 'air-passengers', '--steps', '3', '--output', 'next.csv'],
      dir,
    );
    expect(r.status).toBe(0);
    // the saved network's conformal intervals (horizon 1): bands on the first step, none on the recursive ones
    expect(r.stdout).toMatch(
      /1961-01-01 {2}\d+\.\d\d {2}80 % \[\d+\.\d\d, \d+\.\d\d\] {2}95 % \[\d+\.\d\d, \d+\.\d\d\]\n {2}1961-02-01 {2}\d+\.\d\d\n/,
    );
    expect(r.stdout).toContain('intervals cover the 1 step the model was calibrated for');
    const csv = readFileSync(join(dir, 'next.csv'), 'utf8').split('\n');
    expect(csv[0]).toBe('date,passengers,lower80,upper80,lower95,upper95');
    const [, value, lo80, up80, lo95, up95] = csv[1].split(',').map(Number);
    expect(lo95 < lo80 && lo80 < value && value < up80 && up80 < up95).toBe(true);
    expect(csv[2]).toMatch(/^1961-02-01,[\d.]+,,,,$/);
    expectOneLineError(
      seqcast(['forecast', join(out, 'model'), 'air-passengers', '--output', 'next.csv'], dir),
      /'next\.csv' already exists; .*--force/,
    );
  });

  it('seqcast backtest runs folds and gives a verdict against naive', () => {
    const r = seqcast([
      'backtest',
      'air-passengers',
      '--epochs',
      '1',
      '--units',
      '4',
      '--folds',
      '2',
      '--horizon',
      '2',
      '--json',
    ]);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { folds: unknown[]; verdict: string };
    expect(doc.folds).toHaveLength(2);
    expect(doc.verdict).toMatch(/naive/);
  });

  it.skipIf(!shared.available)(
    `seqcast datasets lists every dataset with frequency, rows, dates and columns${shared.note}`,
    () => {
      const r = seqcast(['datasets']);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(
        /^sp500 +monthly +1866 rows {2}1871-01-01 \.\. 2026-06-01 {2}columns: price$/m,
      );
      expect(r.stdout).toMatch(/^natural-gas .*1 empty values$/m);
    },
  );

  it('seqcast datasets without a data folder lists the bundled ones and says which are not available', () => {
    const r = seqcast(['datasets'], ROOT, NO_DATA());
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /^air-passengers +monthly +144 rows {2}1949-01-01 \.\. 1960-12-01 {2}columns: passengers$/m,
    );
    for (const name of ['sp500', 'sp500-full', 'melbourne-temp', 'natural-gas']) {
      expect(r.stdout).toMatch(new RegExp(`^${name} +not available here: .* set SEQCAST_DATA_DIR`, 'm'));
    }
    const json = JSON.parse(seqcast(['datasets', '--json'], ROOT, NO_DATA()).stdout) as {
      name: string;
      available: boolean;
    }[];
    expect(json.filter((d) => !d.available).map((d) => d.name)).toEqual([
      'sp500',
      'sp500-full',
      'melbourne-temp',
      'natural-gas',
      'sentiment',
    ]);
  });

  it('every command has --help with examples', () => {
    for (const c of [
      'demo',
      'datasets',
      'train',
      'evaluate',
      'forecast',
      'backtest',
      'trace',
      'conformance',
      'classify',
      'predict',
    ]) {
      const r = seqcast([c, '--help']);
      expect(r.status, c).toBe(0);
      expect(r.stdout, c).toMatch(/Examples:\n {2}\$ seqcast /);
    }
  });
});

describe('bad input: one clear line, exit 1 (2 for usage), no stack trace', () => {
  const dir = tmp();
  const csv = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };

  it('a missing file', () =>
    expectOneLineError(seqcast(['train', join(dir, 'nope.csv')]), /cannot read '.*nope\.csv': no such file/));
  it('an unknown dataset lists the known ones', () =>
    expectOneLineError(
      seqcast(['train', 'sp5000']),
      /no dataset named 'sp5000'; the named datasets are sp500, sp500-full, sunspots/,
    ));
  it('a dataset that is not bundled and not in a data folder says where it was looked for and the fix', () =>
    expectOneLineError(
      seqcast(['train', 'sp500', '--out', join(dir, 'o0')], ROOT, NO_DATA()),
      /dataset 'sp500' is not available: sp500_monthly\.csv is not bundled .* and was not found in .*seqcast-nodata-.* \(SEQCAST_DATA_DIR\); give the file's path \(--data FILE, or in place of the name\) or set SEQCAST_DATA_DIR/,
    ));
  it('an unknown column lists the available ones', () =>
    expectOneLineError(
      seqcast(['train', 'air-passengers', '--target', 'close', '--out', join(dir, 'o1')]),
      /'close' is not a column; the columns are 'passengers'/,
    ));
  it('a non-numeric value names row and column', () =>
    expectOneLineError(
      seqcast(['train', csv('bad.csv', 'date,v\n2020-01-01,1\n2020-02-01,n/a\n'), '--out', join(dir, 'o2')]),
      /row 3.*column 'v'.*n\/a/,
    ));
  it('duplicate dates', () =>
    expectOneLineError(
      seqcast(['train', csv('dup.csv', 'date,v\n2020-01-01,1\n2020-01-01,2\n'), '--out', join(dir, 'o3')]),
      /dup\.csv: row 2 and row 3 both/,
    ));
  it('unsorted dates are sorted, not an error; a series too short for window and split is', () =>
    expectOneLineError(
      seqcast([
        'train',
        csv('short.csv', 'date,v\n2020-03-01,3\n2020-01-01,1\n2020-02-01,2\n2020-04-01,4\n2020-05-01,5\n'),
        '--out',
        join(dir, 'o4'),
      ]),
      /window of 12 needs at least 13/,
    ));
  it('contradictory flags', () =>
    expectOneLineError(
      seqcast([
        'train',
        'air-passengers',
        '--patience',
        '3',
        '--validation-split',
        '0',
        '--out',
        join(dir, 'o5'),
      ]),
      /--patience needs validation data/,
    ));
  it('an output folder that exists is refused without --force', () => {
    const o = join(dir, 'taken');
    mkdirSync(o);
    writeFileSync(join(o, 'keep.txt'), 'mine');
    expectOneLineError(
      seqcast(['train', 'air-passengers', '--out', o]),
      /already exists and is not empty; choose another --out or pass --force/,
    );
    expect(readFileSync(join(o, 'keep.txt'), 'utf8')).toBe('mine');
  });
  it('a model folder from a newer format version', () => {
    const m = join(dir, 'newer');
    const trained = join(tmp(), 't');
    expect(
      seqcast(['train', 'air-passengers', '--epochs', '1', '--units', '2', '--out', trained, '--quiet'])
        .status,
    ).toBe(0);
    cpSync(join(trained, 'model'), m, { recursive: true });
    const json = JSON.parse(readFileSync(join(m, 'model.json'), 'utf8')) as {
      userDefinedMetadata: { seqcast: { formatVersion: number } };
    };
    json.userDefinedMetadata.seqcast.formatVersion = 99;
    writeFileSync(join(m, 'model.json'), JSON.stringify(json));
    expectOneLineError(seqcast(['evaluate', m, 'air-passengers']), /format version 99, newer than/);
    // a model trained on other columns than the data given
    expectOneLineError(
      seqcast(['evaluate', join(trained, 'model'), 'sunspots']),
      /the model was trained on the columns 'passengers', but the data lacks 'passengers'/,
    );
  });
  it('usage errors exit 2', () => {
    expect(seqcast(['trian']).status).toBe(2);
    expect(seqcast(['train', 'air-passengers', '--model', 'transformer']).status).toBe(2);
  });
});

describe('the README', () => {
  it("the README's two commands are exactly the ones that install and run the demo and the tests", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const block = /## Two commands[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)![1];
    const commands = block.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(commands).toEqual(['npm ci && npm run build && npx seqcast demo', 'npm ci && npm test']);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
      scripts: Record<string, string>;
    };
    expect(pkg.bin.seqcast).toBe('dist/cli/main.js');
    expect(pkg.scripts.test).toBeDefined();
  });
});
