/**
 * The training worker. It holds the current forecaster and its data; the page sends it work (train, stop,
 * load, inspect, forecast) and it answers with progress, results and errors. All of seqcast's computing
 * happens here, so the page stays responsive while a model trains.
 */
import type { Callback, Forecaster, ForecastConfig, Recommendation, Sequential, Series } from 'seqcast';
import {
  buildReport,
  forecasterFromArtifacts,
  forecasterToArtifacts,
  getTransform,
  gradientFlow,
  reportJson,
  reportMarkdown,
  trace,
} from 'seqcast';
import { messageOf, readSpec } from './data';
import type {
  DataSpec,
  FromWorker,
  FutureResult,
  InsidePayload,
  RecommendedPayload,
  ResultPayload,
  ToWorker,
} from './protocol';
import type { TrainRun } from './train-run';
import { trainRun } from './train-run';
import { workerProgress } from './worker-progress';

interface WorkerScope {
  onmessage: ((ev: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

let session: { forecaster: Forecaster; series: Series; spec: DataSpec; windowCount: number } | null = null;
let training = false;
let stopRequested = false;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

scope.onmessage = (ev) => {
  const msg = ev.data;
  switch (msg.type) {
    case 'train':
      void run('train', () => train(msg.data, msg));
      break;
    case 'stop':
      if (training) {
        stopRequested = true;
        post({ type: 'stopping' });
      }
      break;
    case 'load':
      void run('load', () => load(msg));
      break;
    case 'inspect':
      void run('inspect', () => inspect(msg.window));
      break;
    case 'forecast':
      void run('forecast', () => {
        const s = current();
        post({ type: 'future', future: future(s.forecaster, s.series, msg.steps) });
      });
      break;
  }
};

async function run(during: 'train' | 'load' | 'inspect' | 'forecast', work: () => unknown): Promise<void> {
  try {
    await work();
  } catch (e) {
    post({ type: 'error', during, message: messageOf(e) });
  }
}

function current(): NonNullable<typeof session> {
  if (session === null) throw new Error('there is no model yet: train one or load a saved one');
  if (training) throw new Error('a model is training; wait for it to finish or stop it');
  return session;
}

async function train(
  data: DataSpec,
  msg: { readonly config: ForecastConfig; readonly search: boolean; readonly futureSteps: number },
): Promise<void> {
  if (training) throw new Error('a model is already training');
  training = true;
  stopRequested = false;
  try {
    const started = performance.now();
    const series = readSpec(data);
    // Stop ends the fit in progress after its epoch; the fits after it (the other candidates, the refit of
    // the winner) then train as many epochs as it did, so the run ends soon and its fits stay comparable
    let budget: number | null = null;
    let budgeted = 0; // fits trained with the budget
    const run = await trainRun(series, { ...msg.config, target: data.valueColumn }, msg.search, {
      stage: (index, count, text) => post({ type: 'stage', index, count, text }),
      callbacks: () => {
        const limit = budget;
        if (limit !== null) budgeted += 1;
        const progress = workerProgress(post, () => stopRequested && limit === null, started);
        return limit === null ? [progress] : [progress, epochBudget(limit)];
      },
      fitted: (epochs) => {
        if (stopRequested && budget === null) budget = Math.max(1, epochs);
      },
    });
    training = false;
    publish('trained', run, series, data, null, msg.futureSteps, started, budgeted > 0 ? budget : null);
  } finally {
    training = false;
  }
}

/** Stops a fit after `epochs` epochs. */
function epochBudget(epochs: number): Callback {
  let model: Sequential | null = null;
  return {
    onTrainBegin(info) {
      model = info.model;
    },
    onEpochEnd(epoch) {
      if (epoch + 1 >= epochs && model !== null) model.stopTraining = true;
    },
  };
}

function load(msg: Extract<ToWorker, { type: 'load' }>): void {
  if (training) throw new Error('a model is training; wait for it to finish or stop it');
  const started = performance.now();
  const f = forecasterFromArtifacts({ modelJson: msg.modelJson, weightData: msg.weightData });
  const series = readSpec(msg.data);
  let evaluation: TrainRun['evaluation'] | null = null;
  let evaluationNote: string | null = null;
  try {
    evaluation = f.evaluate(series);
  } catch (e) {
    evaluationNote = messageOf(e);
  }
  publish(
    'loaded',
    { forecaster: f, evaluation, evaluationNote, recommendation: null, note: null },
    series,
    msg.data,
    msg.fileName,
    msg.futureSteps,
    started,
    null,
  );
}

/** Scores, forecasts and packs the model, keeps it for later requests, and posts the result. */
function publish(
  origin: 'trained' | 'loaded',
  run: {
    readonly forecaster: Forecaster;
    readonly evaluation: TrainRun['evaluation'] | null;
    readonly evaluationNote?: string | null;
    readonly recommendation: Recommendation | null;
    readonly note: string | null;
  },
  series: Series,
  data: DataSpec,
  modelFile: string | null,
  futureSteps: number,
  started: number,
  stoppedAt: number | null,
): void {
  const f = run.forecaster;
  const cfg = f.config;
  const target = cfg.target[0];
  const lag = getTransform(cfg.transform).lag;
  const windowCount = Math.max(0, series.length - lag - cfg.window + 1);
  session = { forecaster: f, series, spec: data, windowCount };

  const evaluation = run.evaluation;
  const evaluationNote = run.evaluationNote ?? null;
  const labels = series.labels();
  const values = series.column(target);
  let context = { labels: [] as string[], values: new Float64Array(0) };
  if (evaluation !== null) {
    const testStart = labels.indexOf(evaluation.labels[0]);
    const from = Math.max(0, testStart - 3 * evaluation.labels.length);
    context = { labels: labels.slice(from, testStart), values: values.slice(from, testStart) };
  }
  let fut: FutureResult | null = null;
  let futureError: string | null = null;
  try {
    fut = future(f, series, futureSteps);
  } catch (e) {
    futureError = messageOf(e);
  }
  const { modelJson, weightData } = forecasterToArtifacts(f);
  const seconds = (performance.now() - started) / 1000;
  // the same report document as the command's --json and report.json
  const report =
    evaluation === null
      ? null
      : buildReport({
          title: `seqcast playground: ${data.name}`,
          source: data.name,
          series,
          forecaster: f,
          evaluation,
          ...(run.recommendation !== null ? { recommendation: run.recommendation } : {}),
          timings: {
            ...(f.fitInfo !== null ? { fitSeconds: f.fitInfo.fitSeconds } : {}),
            totalSeconds: seconds,
          },
        });
  const result: ResultPayload = {
    origin,
    name: data.name,
    modelFile,
    config: cfg,
    summary: summaryOf(f),
    target,
    evaluation,
    evaluationNote,
    recommended:
      run.recommendation === null || report?.recommended === undefined
        ? null
        : recommendedPayload(run.recommendation, report.recommended, labels, values),
    recommendedNote: run.note,
    stoppedAt,
    context,
    future: fut,
    futureError,
    history: f.history,
    fitInfo: f.fitInfo,
    windowCount,
    modelJson,
    weightData,
    reportMarkdown: report === null ? '' : reportMarkdown(report),
    reportJson: report === null ? '' : reportJson(report),
    seconds,
  };
  post({ type: 'result', result }, [weightData]);
}

/** The recommended pipeline's report section and chart paths: one-step (h = 1) test forecasts, the future. */
function recommendedPayload(
  r: Recommendation,
  summary: RecommendedPayload['summary'],
  labels: readonly string[],
  values: Float64Array,
): RecommendedPayload {
  const p = r.evaluation.paths;
  const recent = Math.min(labels.length, Math.max(36, 3 * r.future.labels.length));
  const H = p.horizon;
  const first = (x: Float64Array): Float64Array => x.filter((_, i) => i % H === 0);
  return {
    summary,
    oneStep: {
      labels: Array.from(p.origins, (o) => labels[o]),
      actual: first(p.actual),
      forecast: first(r.test.forecast),
      bands: r.test.bands.map((b) => ({ level: b.level, lower: first(b.lower), upper: first(b.upper) })),
    },
    future: {
      labels: r.future.labels,
      values: r.future.values,
      bands: r.future.bands,
      historyLabels: labels.slice(labels.length - recent),
      historyValues: values.slice(values.length - recent),
    },
  };
}

function future(f: Forecaster, series: Series, steps: number): FutureResult {
  const target = f.config.target[0];
  const out = f.forecast(series, steps, target);
  const n = Math.min(series.length, Math.max(36, 3 * steps));
  const labels = series.labels();
  return {
    labels: out.labels,
    values: out.values,
    method: out.method,
    historyLabels: labels.slice(series.length - n),
    historyValues: series.column(target).slice(series.length - n),
  };
}

/** One window through the model (trace), and the gradient of its loss back through time (gradientFlow). */
function inspect(window: number): void {
  const { forecaster: f, series, windowCount } = current();
  const i = window < 0 ? windowCount + window : window;
  const { x, labels } = f.inputWindow(series, i);
  const t = trace(f.model, x);
  const W = f.config.window;
  const H = f.config.horizon;
  const K = f.config.target.length;
  const C = f.columns.length;
  let gradient: InsidePayload['gradient'] = null;
  let targetLabel: string | null = null;
  if (i + H <= windowCount - 1) {
    // the targets of window i are the rows that end windows i + 1 … i + H, scaled as the model reads them
    const y = new Float32Array(H * K);
    for (let h = 0; h < H; h++) {
      const next = f.inputWindow(series, i + 1 + h);
      if (h === 0) targetLabel = next.labels[W - 1];
      for (let k = 0; k < K; k++) y[h * K + k] = next.x.data[(W - 1) * C + k];
    }
    gradient = gradientFlow(f.model, x, { shape: [1, H * K], data: y });
  }
  const inside: InsidePayload = {
    window: i,
    labels,
    targetLabel,
    trace: t,
    gradient,
    trainingFlow: f.fitInfo?.gradientFlow ?? null,
  };
  post({ type: 'inside', inside });
}

function summaryOf(f: Forecaster): string {
  const m = f.config.model;
  const layer = { simpleRNN: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU' }[m.kind];
  const stack = `${m.layers > 1 ? `${m.layers} × ` : ''}${m.bidirectional ? 'Bidirectional ' : ''}${layer}(${m.units})`;
  return (
    `${stack} → Dense(${f.config.horizon * f.config.target.length}), ${f.model.countParams().toLocaleString('en-US')} parameters; ` +
    `window ${f.config.window}, horizon ${f.config.horizon}, transform ${f.config.transform}, scaler ${f.config.scaler}`
  );
}
