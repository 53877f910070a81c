/**
 * The browser playground (web/), end to end in Debian's Chromium driven by playwright-core: the built site
 * served on localhost, sunspots trained with the defaults (recommend(): the validation search, its
 * candidates table, the winner and its reason, the 80 % and 95 % bands and their coverage) for 2 epochs in
 * the worker with no main-thread task over 200 ms, the search off, the Inside panel, the model downloaded and
 * loaded back, Stop, a malformed CSV's message, and a short series' fallback note.
 * Screenshots go to test-artifacts/.
 *
 * Without Chromium the suite is skipped with a message, except under CI (CI set), where it fails.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Forecaster, readCsv } from '../../src/index.js';
import { loadForecaster } from '../../src/node.js';
import { ARTIFACTS, CHROMIUM, REPO, SITE, ensureSite, launchChromium, serve } from './helpers.js';
import { REPORT_FIELDS } from '../helpers/report-fields.js';

const MAX_TASK_MS = 200;
const missing = !existsSync(CHROMIUM);
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
if (missing && !inCi) {
  console.warn(
    `\n[e2e] SKIPPED: the playground tests need Chromium at ${CHROMIUM} (apt-get install chromium, or set ` +
      'SEQCAST_CHROMIUM); under CI they fail instead.\n',
  );
}

interface LongTask {
  readonly start: number;
  readonly duration: number;
}

/** Registered before any script of the page runs: every main-thread task over 50 ms, as Chromium reports it. */
const LONG_TASK_OBSERVER = `
  window.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
`;

/** Records every text #training-stage shows (one per fit of a training run) into window.__stages. */
const STAGE_RECORDER = `
  window.__stages = [];
  addEventListener('DOMContentLoaded', () => {
    const el = document.getElementById('training-stage');
    new MutationObserver(() => {
      if (el.textContent !== '') window.__stages.push(el.textContent);
    }).observe(el, { childList: true, characterData: true, subtree: true });
  });
`;

describe.skipIf(missing && !inCi)('the browser playground in Chromium', () => {
  let server: Server | undefined;
  let url = '';
  let browser: Browser | undefined;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (missing) {
      throw new Error(
        `Chromium is missing at ${CHROMIUM}: .ci/run installs Debian's chromium (apt-get install -y chromium); ` +
          'install it or set SEQCAST_CHROMIUM to a Chromium binary',
      );
    }
    ensureSite();
    rmSync(ARTIFACTS, { recursive: true, force: true });
    mkdirSync(ARTIFACTS, { recursive: true });
    ({ server, url } = await serve(SITE));
    browser = await launchChromium();
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    await page.addInitScript(LONG_TASK_OBSERVER);
    await page.addInitScript(STAGE_RECORDER);
    await page.goto(url);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((ok) => (server === undefined ? ok(undefined) : server.close(ok)));
  });

  const longTasks = (): Promise<LongTask[]> =>
    page.evaluate(() => (globalThis as unknown as { __longTasks: LongTask[] }).__longTasks);
  const mark = (name: string): Promise<number> =>
    page.evaluate((n) => performance.getEntriesByName(n, 'mark').at(-1)?.startTime ?? Number.NaN, name);
  /** The stage texts of the training runs since the last call. */
  const stages = (): Promise<string[]> =>
    page.evaluate(() => {
      const g = globalThis as unknown as { __stages: string[] };
      const all = g.__stages;
      g.__stages = [];
      return all;
    });
  const texts = (selector: string): Promise<string[]> =>
    page.$$eval(selector, (els) => els.map((el) => el.textContent ?? ''));
  /** The recommended pipeline's sections: the candidates table, the winner, the interval table and the bands. */
  const checkRecommended = async (networks: number): Promise<void> => {
    await page.waitForSelector('#recommended-future-chart[data-rendered] svg');
    const kinds = await page.$$eval('#candidates tbody tr', (trs) =>
      trs.map((tr) => tr.getAttribute('data-kind')),
    );
    expect(kinds).toEqual([
      ...Array<string>(networks).fill('network'),
      ...Array<string>(5).fill('baseline'),
      'combination',
    ]);
    const names = (await texts('#candidates tbody th')).map((t) => t.replace(/^✓ /, ''));
    expect(names.slice(networks, networks + 5)).toEqual([
      'naive',
      'seasonalNaive(12)',
      'drift',
      'mean',
      'autoETS',
    ]);
    expect(names[networks + 5]).toMatch(/^mean of .+ and .+$/);
    // exactly one winner, the lowest validation RMSE, named in the reason
    const winners = await texts('#candidates tbody tr[data-winner] th');
    expect(winners).toHaveLength(1);
    const winner = winners[0].replace(/^✓ /, '');
    const rmse = (await texts('#candidates tbody td:nth-child(3)')).map((t) => Number(t.replaceAll(',', '')));
    expect(rmse[names.indexOf(winner)]).toBe(Math.min(...rmse));
    const reason = (await page.textContent('#recommended-reason')) ?? '';
    expect(reason.startsWith(`Winner: ${winner} — `)).toBe(true);
    expect(reason).toMatch(/ won on validation(, so [^:]+)?: RMSE [\d.,]+, [\d.]+ % below the runner-up /);
    // the recommended pipeline's test score beside the network's and the baselines'
    expect((await texts('#metrics tbody th'))[0]).toBe('recommended');
    expect(await page.textContent('#recommended-test')).toMatch(
      /^On the test part the recommended pipeline scores RMSE /,
    );
    // 80 % and 95 % intervals: their test coverage and interval score
    const levels = await page.$$eval('#interval-table tbody tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-level'), Number(tr.getAttribute('data-coverage'))] as const),
    );
    expect(levels.map(([l]) => l)).toEqual(['0.8', '0.95']);
    for (const [, c] of levels) {
      expect(c).toBeGreaterThanOrEqual(0);
      expect(c).toBeLessThanOrEqual(1);
    }
    for (const t of await texts('#interval-table tbody td.coverage')) expect(t).toMatch(/^\d+\.\d % of \d+$/);
    for (const t of await texts('#interval-table tbody td.interval-score')) expect(t).toMatch(/^[\d.,]+$/);
    // the bands, shaded, in the test-part chart and in the future chart
    expect(await page.getAttribute('#forecast-chart', 'data-bands')).toBe('80 95');
    expect(await page.getAttribute('#recommended-future-chart', 'data-bands')).toBe('80 95');
    expect((await page.$$('#forecast-chart g.mark-area path')).length).toBe(2);
    expect(await page.textContent('#forecast-chart')).toMatch(
      /by the recommended pipeline, with 80 % and 95 % intervals/,
    );
    expect(await texts('#recommended-future-table thead th')).toEqual([
      'date',
      expect.any(String),
      'lower80',
      'upper80',
      'lower95',
      'upper95',
    ]);
    // the future rows' bounds enclose the forecast, the 95 % band the 80 % band
    for (const row of await page.$$eval('#recommended-future-table tbody tr', (trs) =>
      trs.map((tr) =>
        [...tr.querySelectorAll('td')]
          .slice(1)
          .map((td) => Number((td.textContent ?? '').replaceAll(',', ''))),
      ),
    )) {
      const [v, lo80, up80, lo95, up95] = row;
      expect(lo95).toBeLessThanOrEqual(lo80);
      expect(lo80).toBeLessThanOrEqual(v);
      expect(v).toBeLessThanOrEqual(up80);
      expect(up80).toBeLessThanOrEqual(up95);
    }
    expect(await page.isVisible('#recommended-note')).toBe(false);
  };

  /** The long tasks between the page's last train-start and train-end marks, written to test-artifacts/`file`. */
  const trainingTasks = async (file: string): Promise<{ ms: number; longest: number }> => {
    const start = await mark('seqcast:train-start');
    const end = await mark('seqcast:train-end');
    expect(end).toBeGreaterThan(start);
    const all = await longTasks();
    const during = all.filter((t) => t.start < end && t.start + t.duration > start);
    const longest = Math.max(0, ...during.map((t) => t.duration));
    const report = {
      trainingMs: end - start,
      longestTaskMs: longest,
      tasksDuringTraining: during,
      allLongTasks: all,
    };
    writeFileSync(join(ARTIFACTS, file), `${JSON.stringify(report, null, 2)}\n`);
    return { ms: end - start, longest };
  };

  it('offers the bundled datasets only: the others are not in the site', async () => {
    const names = await page.$$eval('#dataset option', (os) => os.map((o) => o.getAttribute('value') ?? ''));
    expect(names.filter((n) => n !== '')).toEqual([
      'sunspots',
      'sunspots-long',
      'air-passengers',
      'uk-seatbelts',
    ]);
  });

  it('trains sunspots for 2 epochs in the worker without a main-thread task over 200 ms, then shows the scores', async () => {
    await page.selectOption('#dataset', 'sunspots');
    await page.waitForSelector('#series-chart[data-rendered] svg');
    expect(await page.textContent('#data-summary')).toMatch(
      /^2,820 rows, 1749-01-01 \.\. 1983-12-01 \(monthly\)/,
    );

    // the observer is live: a task of 250 ms made on purpose (in a timer task of the page), before training, is seen
    await page.evaluate(() => {
      setTimeout(() => {
        const end = performance.now() + 250;
        while (performance.now() < end);
      }, 0);
    });
    await expect.poll(async () => (await longTasks()).some((t) => t.duration >= 250)).toBe(true);

    await page.fill('#model-form [name=epochs]', '2');
    await page.click('#train');
    await page.waitForSelector('body[data-results=trained]', { timeout: 120_000 });
    await page.waitForSelector('#metrics table tbody tr');
    await page.waitForSelector('#forecast-chart[data-rendered] svg');
    await page.waitForSelector('#loss-chart[data-rendered] svg');

    const { ms, longest } = await trainingTasks('long-tasks-2-epochs.json');
    console.log(
      `[e2e] 2 epochs, the validation search (6 fits): training took ${ms.toFixed(0)} ms in the page; longest main-thread task: ${longest} ms`,
    );
    expect(longest).toBeLessThanOrEqual(MAX_TASK_MS);

    // every fit was announced: the five candidates (the form leaves transform, window, type and units on auto), then the refit
    expect(await stages()).toEqual([
      'fit 1 of 6: candidate 1 of 5 on the validation part: the configuration as given',
      'fit 2 of 6: candidate 2 of 5 on the validation part: transform none',
      'fit 3 of 6: candidate 3 of 5 on the validation part: window 24',
      'fit 4 of 6: candidate 4 of 5 on the validation part: gru',
      'fit 5 of 6: candidate 5 of 5 on the validation part: 16 units',
      'fit 6 of 6: the best network, refitted on the whole training part',
    ]);
    expect(await page.textContent('#progress-text')).toMatch(
      /^done: 2 epochs in [\d.]+ s \(the refit of the best network, after 5 candidate networks on the validation part\)$/,
    );
    const rows = await page.$$eval('#metrics table tbody th', (ths) => ths.map((th) => th.textContent));
    expect(rows).toEqual(['recommended', 'model', 'naive', 'seasonalNaive(12)', 'drift', 'mean', 'autoETS']);
    await checkRecommended(5);
    expect(await page.textContent('#recommended-intro')).toContain(
      'Searched: transform, window, model kind, units',
    );
    // horizon 1: no per-horizon table
    expect(await page.$('#by-horizon table')).toBeNull();
    expect(await page.textContent('#verdict')).toMatch(/^Verdict: (beats|ties|.*worse than) naive/);
    expect(await page.$$eval('#future-table tbody tr', (trs) => trs.length)).toBe(12);
    expect(pageErrors).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'trained.png'), fullPage: true });
  }, 180_000);

  it('with the search off, trains the network the form describes and still shows the candidates and the intervals', async () => {
    await page.uncheck('#model-form [name=search]');
    await page.selectOption('#model-form [name=kind]', 'simpleRNN');
    await page.fill('#model-form [name=window]', '12');
    await page.click('#train');
    await page.waitForSelector('body[data-results=trained]', { timeout: 120_000 });
    expect(await stages()).toEqual([
      'fit 1 of 2: candidate 1 of 1 on the validation part: the configuration as given',
      'fit 2 of 2: the best network, refitted on the whole training part',
    ]);
    expect(await page.textContent('#results-origin')).toMatch(
      /^Trained on sunspots in [\d.]+ s: SimpleRNN\(32\) → Dense\(1\), 1,121 parameters; window 12, horizon 1, transform diff/,
    );
    await checkRecommended(1);
    expect((await texts('#candidates tbody th'))[0]).toMatch(/^(✓ )?simpleRNN\(32\), window 12, diff$/);
    expect(await page.textContent('#recommended-intro')).toContain('No network search');
    // the network is the one the form describes, trained as Forecaster.fit trains it: Node fits the same
    // configuration and forecasts what the page forecast (the page's backend is WebAssembly or JavaScript)
    const series = readCsv(readFileSync(join(REPO, 'datasets', 'sunspots_monthly.csv'), 'utf8'), {
      source: 'sunspots_monthly.csv',
    });
    const node = await Forecaster.fit(series, {
      target: series.names[0],
      scaler: 'standard',
      window: 12,
      horizon: 1,
      trainFraction: 0.8,
      model: { kind: 'simpleRNN', bidirectional: false, layers: 1 },
      training: { epochs: 2, batchSize: 32, learningRate: 0.001, validationSplit: 0.1, seed: 42 },
    });
    const ahead = node.forecast(series, 12).values;
    const shown = (await texts('#future-table tbody td:nth-child(2)')).map((t) =>
      Number(t.replaceAll(',', '')),
    );
    expect(shown).toHaveLength(12);
    const gap = Math.max(...shown.map((v, i) => Math.abs(v - ahead[i])));
    console.log(
      `[e2e] search off: the page's 12 forecasts and Node's Forecaster.fit differ by at most ${gap}`,
    );
    expect(gap).toBeLessThan(0.05);
    const { longest } = await trainingTasks('long-tasks-no-search.json');
    expect(longest).toBeLessThanOrEqual(MAX_TASK_MS);
    expect(pageErrors).toEqual([]);
    await (await page.$('#results-panel'))!.screenshot({ path: join(ARTIFACTS, 'recommended.png') });
  }, 180_000);

  it('shows inside the model: hidden-state heatmap, gates and gradient flow for a chosen window', async () => {
    await page.waitForSelector('#hidden-heatmap[data-rendered] canvas');
    await page.waitForSelector('#window-flow-chart[data-rendered] svg');
    await page.waitForSelector('#training-flow-chart[data-rendered] svg');
    expect(await page.textContent('#gates-chart')).toContain('SimpleRNN has no gates');
    expect(await page.textContent('#window-label')).toMatch(
      /^window 2806: rows 1982-12-01 \.\. 1983-11-01 → predicts 1983-12-01$/,
    );

    await page.locator('#window-index').fill('100');
    await expect.poll(() => page.textContent('#window-label')).toMatch(/^window 100:/);
    expect(await page.textContent('#window-label')).toBe(
      'window 100: rows 1757-06-01 .. 1758-05-01 → predicts 1758-06-01',
    );
    await (await page.$('#inside-panel'))!.screenshot({ path: join(ARTIFACTS, 'inside-simple-rnn.png') });

    // an LSTM shows its four gates
    await page.selectOption('#model-form [name=kind]', 'lstm');
    await page.fill('#model-form [name=units]', '8');
    await page.fill('#model-form [name=epochs]', '1');
    await page.click('#train');
    await expect.poll(() => page.textContent('#results-origin'), { timeout: 120_000 }).toContain('LSTM(8)');
    await page.waitForSelector('#gates-chart[data-rendered] canvas');
    expect(await page.textContent('#inside-layer')).toBe('lstm');
    expect(pageErrors).toEqual([]);
    await (await page.$('#inside-panel'))!.screenshot({ path: join(ARTIFACTS, 'inside-lstm.png') });
  }, 180_000);

  it('downloads the model (model.json + weights.bin) and the report, and loads the model back', async () => {
    const dir = join(ARTIFACTS, 'model');
    mkdirSync(dir, { recursive: true });
    for (const name of ['model.json', 'weights.bin', 'report.md', 'report.json']) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click(`a[data-file="${name}"]`),
      ]);
      expect(download.suggestedFilename()).toBe(name);
      await download.saveAs(join(dir, name));
    }
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(/^# seqcast playground: sunspots/);
    // the playground's report is buildReport's document, as the command's --json and report.json are
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual([...REPORT_FIELDS, 'recommended']);
    // the page shows the report's recommended section: the winner, coverage and interval score per level
    const rec = report.recommended as {
      pipeline: string;
      intervals: { levels: { level: number; coverage: number; points: number }[] };
    };
    expect((await texts('#candidates tbody tr[data-winner] th'))[0]).toBe(`✓ ${rec.pipeline}`);
    expect(await texts('#interval-table tbody td.coverage')).toEqual(
      rec.intervals.levels.map((l) => `${(100 * l.coverage).toFixed(1)} % of ${l.points}`),
    );
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain(
      '## The recommended pipeline (chosen on validation)',
    );
    expect(report.verdict).toMatch(/^(beats|worse than|ties|[\d.]+× worse than) naive/);
    expect(await page.textContent('#verdict')).toBe(`Verdict: ${String(report.comparison)}.`);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain(
      `**Verdict: ${String(report.comparison)}**`,
    );

    // the saved folder is a seqcast model: Node loads it and forecasts what the page forecast
    const pageForecast = await page.$$eval('#future-table tbody td:nth-child(2)', (tds) =>
      tds.map((td) => td.textContent),
    );
    const f = await loadForecaster(dir);
    const series = readCsv(readFileSync(join(REPO, 'datasets', 'sunspots_monthly.csv'), 'utf8'), {
      source: 'sunspots_monthly.csv',
    });
    const node = f.forecast(series, 12);
    // the page computes with its backend (WebAssembly or JavaScript), Node with its own: equal to the cent
    const shown = pageForecast.map((t) => Number(t!.replaceAll(',', '')));
    shown.forEach((v, i) => expect(Math.abs(v - node.values[i])).toBeLessThan(0.02));

    // a model.json without its weights is refused with a message
    await page.setInputFiles('#model-files', [join(dir, 'model.json')]);
    await page.waitForSelector('#models-error:not([hidden])');
    expect(await page.textContent('#models-error')).toContain("needs the weight file(s) 'weights.bin'");

    // both files load; the loaded model forecasts exactly as before
    await page.setInputFiles('#model-files', [join(dir, 'model.json'), join(dir, 'weights.bin')]);
    await page.waitForSelector('body[data-results=loaded]', { timeout: 60_000 });
    await page.waitForSelector('#metrics table tbody tr');
    expect(await page.textContent('#results-origin')).toMatch(/^Loaded model\.json \(LSTM\(8\)/);
    // a loaded model has no recommendation: the note says so, and only the network is scored
    expect(await page.textContent('#recommended-note')).toMatch(
      /^A loaded model is scored as it is: no validation search/,
    );
    expect(await page.isVisible('#recommended-body')).toBe(false);
    expect((await texts('#metrics tbody th'))[0]).toBe('model');
    expect(await page.getAttribute('#forecast-chart', 'data-bands')).toBeNull();
    await expect
      .poll(() =>
        page.$$eval('#future-table tbody td:nth-child(2)', (tds) => tds.map((td) => td.textContent)),
      )
      .toEqual(pageForecast);
    expect(pageErrors).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'loaded.png'), fullPage: true });
  }, 120_000);

  it('stops training after the current epoch and keeps the model trained so far', async () => {
    await page.selectOption('#model-form [name=kind]', 'simpleRNN');
    await page.fill('#model-form [name=epochs]', '100000');
    await page.click('#train');
    // the live loss chart is drawn while training
    await page.waitForSelector('#loss-chart[data-rendered] svg', { timeout: 60_000 });
    expect(await page.getAttribute('body', 'data-state')).toBe('training');
    await expect
      .poll(async () => Number((await page.getAttribute('#progress-text', 'data-epoch')) ?? 0), {
        timeout: 60_000,
      })
      .toBeGreaterThanOrEqual(5);
    expect(await page.isEnabled('#train')).toBe(false);
    await page.click('#stop');
    await expect.poll(() => page.textContent('#results-origin'), { timeout: 30_000 }).toMatch(/ended early/);
    expect(await page.getAttribute('body', 'data-state')).toBe('ready');
    // the candidate was stopped; the refit of the network after it trained as many epochs
    const origin = (await page.textContent('#results-origin')) ?? '';
    const stopped =
      /Training ended early: a callback stopped training after epoch (\d+)\. You stopped a fit after (\d+) epochs; every fit after it trained as many\./.exec(
        origin,
      );
    expect(stopped, origin).not.toBeNull();
    expect(Number(stopped![1])).toBeGreaterThanOrEqual(5);
    expect(stopped![2]).toBe(stopped![1]);
    expect(await page.isEnabled('#train')).toBe(true);
    // a longer run, with the live chart updated every epoch: still no main-thread task over 200 ms
    const { ms, longest } = await trainingTasks('long-tasks-stopped-run.json');
    console.log(
      `[e2e] stopped run: training took ${ms.toFixed(0)} ms in the page; longest main-thread task: ${longest} ms`,
    );
    expect(longest).toBeLessThanOrEqual(MAX_TASK_MS);
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('shows a malformed CSV’s error in the page, with the message the CLI prints', async () => {
    const text = 'date,price\n2020-01-01,1.5\n2020-02-01,1,234.5\n';
    let expected = '';
    try {
      readCsv(text, { source: 'bad.csv' });
    } catch (e) {
      expected = (e as Error).message;
    }
    expect(expected).toMatch(/^bad\.csv: row 3 has 3 fields but the header \(row 1\) has 2/);
    await page.setInputFiles('#csv-file', {
      name: 'bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(text),
    });
    await page.waitForSelector('#data-error:not([hidden])');
    expect(await page.textContent('#data-error')).toBe(expected);
    expect(await page.isEnabled('#train')).toBe(false);
    expect(await page.$('#series-chart svg')).toBeNull();

    const bad = 'date,price\n2020-01-01,1.5\n2020-02-01,abc\n';
    await page.setInputFiles('#csv-file', {
      name: 'bad2.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(bad),
    });
    await expect.poll(() => page.textContent('#data-error')).toMatch(/^bad2\.csv/);
    expect(await page.textContent('#data-error')).toBe(
      "bad2.csv: row 3, column 'price': 'abc' is not a number; write a plain decimal such as 12.5, or leave the field empty for a missing value",
    );
    await (await page.$('#data-panel'))!.screenshot({ path: join(ARTIFACTS, 'malformed-csv.png') });
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('shows the per-horizon table with horizon > 1: the model and every baseline at horizons 1..N and overall', async () => {
    await page.selectOption('#dataset', 'air-passengers');
    await page.waitForSelector('#series-chart[data-rendered] svg');
    await page.fill('#model-form [name=horizon]', '3');
    await page.fill('#model-form [name=epochs]', '2');
    await page.click('#train');
    await expect
      .poll(() => page.textContent('#results-origin'), { timeout: 120_000 })
      .toMatch(/^Trained on air-passengers .*horizon 3/);
    await page.waitForSelector('#by-horizon table tbody tr');
    const header = await page.$$eval('#by-horizon thead th', (ths) => ths.map((th) => th.textContent));
    expect(header).toEqual([
      'horizon',
      'points',
      'recommended',
      'model',
      'naive',
      'seasonalNaive(12)',
      'drift',
      'mean',
      'autoETS',
    ]);
    const table = await page.$$eval('#by-horizon tbody tr', (trs) =>
      trs.map((tr) => [
        tr.getAttribute('data-horizon'),
        ...[...tr.querySelectorAll('td')].map((td) => td.textContent ?? ''),
      ]),
    );
    expect(table.map((r) => r[0])).toEqual(['1', '2', '3', 'overall']);
    // every horizon scores the same origins; overall pools them
    const points = table.slice(0, 3).map((r) => Number(r[1]));
    expect(points[0]).toBeGreaterThan(0);
    expect(points).toEqual([points[0], points[0], points[0]]);
    // the overall row is the metrics table's RMSE column: the recommended pipeline, the model, each baseline
    const rmse = await page.$$eval('#metrics tbody tr td:first-of-type', (tds) =>
      tds.map((td) => td.textContent),
    );
    const overall = table[3].slice(2).map((t) => t!.replace(' ✗', ''));
    expect(overall).toEqual(rmse);
    // naive's error grows with the horizon on a trending series
    const naive = table.slice(0, 3).map((r) => Number(r[4]!.replaceAll(',', '')));
    expect(naive[2]).toBeGreaterThan(naive[0]);
    // a ✗ exactly where the report says the model loses
    const marked = table.filter((r) => r[3]!.endsWith('✗')).map((r) => Number(r[0]));
    const verdict = (await page.textContent('#verdict')) ?? '';
    if (marked.length === 0)
      expect(verdict).toContain('at every horizon 1–3 it beats the best baseline there');
    else
      expect(verdict).toContain(
        `it loses at horizon${marked.length === 1 ? '' : 's'} ${marked.join(', ')} of 1–3`,
      );
    // the recommended pipeline's bands at each of the 3 future rows, shaded
    await page.waitForSelector('#recommended-future-chart[data-rendered] svg');
    expect(await page.getAttribute('#recommended-future-chart', 'data-bands')).toBe('80 95');
    expect((await page.$$('#recommended-future-chart g.mark-area path')).length).toBe(2);
    expect(await page.$$eval('#recommended-future-table tbody tr', (trs) => trs.length)).toBe(3);
    expect(pageErrors).toEqual([]);
    await (await page.$('#results-panel'))!.screenshot({ path: join(ARTIFACTS, 'by-horizon.png') });
  }, 180_000);

  it('a short series keeps the 80 % intervals only, and a shorter one is fitted without the validation part, with a note saying so', async () => {
    /** `n` monthly rows of a positive, wavy trend. */
    const csv = (n: number): string => {
      let text = 'date,value\n';
      for (let i = 0; i < n; i++) {
        const month = `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`;
        text += `${month},${(100 + 10 * Math.sin(i / 1.9) + i).toFixed(2)}\n`;
      }
      return text;
    };
    await page.fill('#model-form [name=horizon]', '1');
    await page.check('#model-form [name=search]');

    // 60 rows: a training part of 48, too short for the 95 % level's 19 validation rows, long enough for 80 %
    await page.setInputFiles('#csv-file', {
      name: 'short60.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv(60)),
    });
    await expect.poll(() => page.textContent('#data-summary')).toMatch(/^60 rows/);
    await page.click('#train');
    await page.waitForSelector('body[data-results=trained]', { timeout: 120_000 });
    expect(await page.textContent('#results-origin')).toMatch(/^Trained on short60\.csv/);
    await page.waitForSelector('#recommended-future-chart[data-rendered] svg');
    expect(await page.textContent('#recommended-note')).toBe(
      '80 % intervals only: the training part has 48 rows; a validation part of 19 (enough for 95 % intervals at horizon 1) leaves 29 to fit on, too few for a window of 12; the 80 % level needs fewer validation rows',
    );
    expect(await page.isVisible('#recommended-note')).toBe(true);
    expect(
      await page.$$eval('#interval-table tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-level'))),
    ).toEqual(['0.8']);
    expect(await page.getAttribute('#forecast-chart', 'data-bands')).toBe('80');
    expect(await page.getAttribute('#recommended-future-chart', 'data-bands')).toBe('80');
    expect((await page.$$('#candidates tbody tr[data-winner]')).length).toBe(1);

    // 40 rows: no room for any validation part; the network as configured, and no intervals
    await page.setInputFiles('#csv-file', {
      name: 'short40.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv(40)),
    });
    await expect.poll(() => page.textContent('#data-summary')).toMatch(/^40 rows/);
    await page.click('#train');
    await page.waitForSelector('body[data-results=trained]', { timeout: 120_000 });
    expect(await page.textContent('#results-origin')).toMatch(/^Trained on short40\.csv/);
    const note =
      'no validation search and no prediction intervals: the training part has 32 rows; a validation part of 7 (enough for 80 % intervals at horizon 1) leaves 25 to fit on, too few for a window of 12; the configured network was fitted on the whole training part';
    await expect.poll(() => page.textContent('#recommended-note')).toBe(note);
    expect(await page.isVisible('#recommended-note')).toBe(true);
    expect(await page.isVisible('#recommended-body')).toBe(false);
    expect(await stages()).toContain('fit 1 of 1: the configured network, on the whole training part');
    expect(await texts('#warnings li.warning')).toContain(`⚠ ${note}`);
    expect((await texts('#metrics tbody th'))[0]).toBe('model');
    expect(await page.getAttribute('#forecast-chart', 'data-bands')).toBeNull();
    expect(pageErrors).toEqual([]);
    await (await page.$('#results-panel'))!.screenshot({ path: join(ARTIFACTS, 'short-series.png') });
  }, 180_000);
});
