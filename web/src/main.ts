/**
 * The playground page: wires the panels to the training worker. The page reads and shows the data; the
 * worker trains, scores, forecasts and traces. Training is bracketed by the User Timing marks
 * 'seqcast:train-start' and 'seqcast:train-end', and <body data-state> says what the page is doing
 * (idle, training, ready, failed) and <body data-results> (trained, loaded) that the last result is all
 * shown, for people and for the end-to-end tests. The header's tabs switch to the
 * classify mode (classify-main.ts), which has its own panels and worker.
 */
import { startClassifyMode } from './classify-main';
import { WorkerClient } from './client';
import { messageOf } from './data';
import type { FromWorker, ResultPayload } from './protocol';
import { nextTask } from './ui/dom';
import { modeSwitch } from './ui/mode-switch';
import type { LoadedData } from './ui/data-panel';
import { DataPanel } from './ui/data-panel';
import { InsidePanel } from './ui/inside-panel';
import { ModelPanel } from './ui/model-panel';
import { ModelsPanel } from './ui/models-panel';
import { ResultsPanel } from './ui/results-panel';
import { TrainingPanel } from './ui/training-panel';

/**
 * After Stop, the current epoch may finish; past this many ms without its end the worker is ended outright.
 * Once an epoch ends after the Stop the worker is known to honour it, and the fits still to come of a run
 * (the search's other candidates, the refit) each train as many epochs as the stopped one did.
 */
const STOP_GRACE_MS = 8000;

type State = 'idle' | 'training' | 'loading' | 'ready' | 'failed';

let data: LoadedData | null = null;
let state: State = 'idle';
let futureSteps = 12;
let stopTimer: ReturnType<typeof setTimeout> | null = null;

const training = new TrainingPanel();
const model = new ModelPanel();
const results = new ResultsPanel();
const client = new WorkerClient((m) => void handle(m));
const inside = new InsidePanel((window) => client.send({ type: 'inspect', window }));
const models = new ModelsPanel((request) => {
  if (data === null) {
    models.fail('choose the data first: a model forecasts from a series, so pick a dataset or a CSV file');
    return;
  }
  setState('loading');
  futureSteps = readFutureSteps();
  client.send(
    {
      type: 'load',
      modelJson: request.modelJson,
      weightData: request.weightData,
      fileName: request.fileName,
      data: data.spec,
      futureSteps,
    },
    [request.weightData],
  );
});
new DataPanel((d) => {
  data = d;
  refreshButtons();
});
modeSwitch();
startClassifyMode();

function setState(s: State): void {
  state = s;
  document.body.dataset.state = s;
  refreshButtons();
}

function refreshButtons(): void {
  const busy = state === 'training' || state === 'loading';
  training.train.disabled = busy || data === null;
  training.stop.disabled = state !== 'training';
  results.forecastButton.disabled = busy;
  models.busy(busy);
}

function readFutureSteps(): number {
  try {
    return model.read().futureSteps;
  } catch {
    return futureSteps;
  }
}

training.train.addEventListener('click', () => train());
training.stop.addEventListener('click', () => stop());
results.forecastButton.addEventListener('click', () => {
  const steps = Number(results.steps.value);
  if (!Number.isInteger(steps) || steps < 1) {
    results.failFuture(`steps must be an integer ≥ 1 (got '${results.steps.value}')`);
    return;
  }
  client.send({ type: 'forecast', steps });
});

function train(): void {
  if (data === null || state === 'training') return;
  let choice;
  try {
    choice = model.read();
  } catch (e) {
    training.fail(messageOf(e));
    return;
  }
  futureSteps = choice.futureSteps;
  performance.clearMarks('seqcast:train-start');
  performance.clearMarks('seqcast:train-end');
  performance.mark('seqcast:train-start');
  delete document.body.dataset.results; // set again when this run's results are all shown
  setState('training');
  training.start();
  client.send({
    type: 'train',
    data: data.spec,
    config: choice.config,
    search: choice.search,
    futureSteps: choice.futureSteps,
  });
}

function stop(): void {
  if (state !== 'training') return;
  client.send({ type: 'stop' });
  training.stopping();
  stopTimer = setTimeout(() => {
    // the epoch did not finish in time: end the worker; the model in training is lost
    client.restart();
    endTraining();
    training.fail('Training was stopped before its epoch ended; no model was kept.');
    setState('failed');
  }, STOP_GRACE_MS);
}

function endTraining(): void {
  if (stopTimer !== null) clearTimeout(stopTimer);
  stopTimer = null;
  if (state === 'training') performance.mark('seqcast:train-end');
}

async function handle(m: FromWorker): Promise<void> {
  switch (m.type) {
    case 'begin':
      training.begin(m.epochs, m.stepsPerEpoch, m.samples, m.validationSamples);
      break;
    case 'batch':
      training.batch(m.epoch, m.batch, m.loss);
      break;
    case 'epoch':
      training.epoch(m.epoch, m.loss, m.valLoss);
      if (stopTimer !== null) {
        clearTimeout(stopTimer);
        stopTimer = null;
      }
      break;
    case 'stage':
      training.stage(m.index, m.count, m.text);
      break;
    case 'stopping':
      break;
    case 'result':
      await showResult(m.result);
      break;
    case 'inside':
      await inside.show(m.inside);
      break;
    case 'future':
      await results.showFuture(m.future);
      break;
    case 'error':
      if (m.during === 'train') {
        endTraining();
        training.fail(m.message);
        setState('failed');
      } else if (m.during === 'load') {
        models.fail(m.message);
        setState(data === null ? 'idle' : 'failed');
      } else if (m.during === 'inspect') inside.fail(m.message);
      else results.failFuture(m.message);
      break;
  }
}

async function showResult(r: ResultPayload): Promise<void> {
  const trained = r.origin === 'trained';
  if (trained) {
    endTraining();
    await nextTask(); // training is over; the drawing below runs in tasks of its own
    const epochs = r.history?.epoch.length ?? 0;
    const nets = r.recommended?.summary.candidates.filter((c) => c.kind === 'network').length ?? 0;
    await training.finish(
      r.history,
      `done: ${epochs} epoch${epochs === 1 ? '' : 's'} in ${r.seconds.toFixed(1)} s` +
        (nets > 0
          ? ` (the refit of the best network, after ${nets} candidate network${nets === 1 ? '' : 's'} on the validation part)`
          : ''),
    );
  } else {
    training.clear();
    models.loaded(`Loaded ${r.modelFile ?? 'the model'}: ${r.summary}.`);
  }
  setState('ready');
  models.offer(r);
  await results.show(r, futureSteps);
  inside.configure(r);
  document.body.dataset.results = r.origin;
}
