/**
 * The classify mode: wires its panels to its worker (classify-worker.ts). The page reads and checks the
 * texts; the worker trains the SequenceClassifier, scores it beside the baselines and reads sentences word by
 * word. Training is bracketed by the same User Timing marks as forecasting ('seqcast:train-start',
 * 'seqcast:train-end'), and <main id="classify-mode" data-state> says what the mode is doing (idle,
 * training, ready, failed) and data-results="trained" once results are shown, for people and for the tests.
 */
import type { FromClassifyWorker, ToClassifyWorker } from './classify-protocol';
import { WorkerClient } from './client';
import { messageOf } from './data';
import { ClassifyDataPanel } from './ui/classify-data-panel';
import type { LoadedTexts } from './ui/classify-data-panel';
import { ClassifyModelPanel } from './ui/classify-model-panel';
import { ClassifyResultsPanel } from './ui/classify-results-panel';
import { ClassifyWordsPanel } from './ui/classify-words-panel';
import { byId, nextTask } from './ui/dom';
import { TrainingPanel } from './ui/training-panel';

/** After Stop, the current epoch may finish; past this many ms the worker is ended outright. */
const STOP_GRACE_MS = 8000;

type State = 'idle' | 'training' | 'ready' | 'failed';

export function startClassifyMode(): void {
  const root = byId('classify-mode');
  let data: LoadedTexts | null = null;
  let state: State = 'idle';
  let stopTimer: ReturnType<typeof setTimeout> | null = null;

  const training = new TrainingPanel('c-', 'cross-entropy', 'training texts');
  const model = new ClassifyModelPanel();
  const results = new ClassifyResultsPanel();
  const client = new WorkerClient<ToClassifyWorker, FromClassifyWorker>(
    (m) => void handle(m),
    () =>
      new Worker(new URL('./classify-worker.ts', import.meta.url), {
        type: 'module',
        name: 'seqcast-classify',
      }),
  );
  const words = new ClassifyWordsPanel((text) => {
    if (state === 'ready') client.send({ type: 'words', text });
  });
  new ClassifyDataPanel((d) => {
    data = d;
    refresh();
  });

  const setState = (s: State): void => {
    state = s;
    root.dataset.state = s;
    refresh();
  };
  function refresh(): void {
    training.train.disabled = state === 'training' || data === null;
    training.stop.disabled = state !== 'training';
    words.read.disabled = state !== 'ready';
  }

  const endTraining = (): void => {
    if (stopTimer !== null) clearTimeout(stopTimer);
    stopTimer = null;
    if (state === 'training') performance.mark('seqcast:train-end');
  };

  training.train.addEventListener('click', () => {
    if (data === null || state === 'training') return;
    let config;
    try {
      config = model.read();
    } catch (e) {
      training.fail(messageOf(e));
      return;
    }
    performance.clearMarks('seqcast:train-start');
    performance.clearMarks('seqcast:train-end');
    performance.mark('seqcast:train-start');
    delete root.dataset.results;
    setState('training');
    training.start();
    client.send({ type: 'train', data: data.spec, config });
  });

  training.stop.addEventListener('click', () => {
    if (state !== 'training') return;
    client.send({ type: 'stop' });
    training.stopping();
    stopTimer = setTimeout(() => {
      // the epoch did not finish in time: end the worker; the model in training is lost
      client.restart();
      endTraining();
      training.fail('Training was stopped before its epoch ended; no model was kept.');
      results.hide();
      words.hide();
      setState('failed');
    }, STOP_GRACE_MS);
  });

  async function handle(m: FromClassifyWorker): Promise<void> {
    switch (m.type) {
      case 'begin':
        training.begin(m.epochs, m.stepsPerEpoch, m.samples, m.validationSamples);
        break;
      case 'batch':
        training.batch(m.epoch, m.batch, m.loss);
        break;
      case 'epoch':
        training.epoch(m.epoch, m.loss, m.valLoss);
        break;
      case 'stopping':
        break;
      case 'result': {
        endTraining();
        await nextTask(); // training is over; the drawing below runs in tasks of its own
        const epochs = m.result.history?.epoch.length ?? 0;
        await training.finish(
          m.result.history,
          `done: ${epochs} epoch${epochs === 1 ? '' : 's'} in ${m.result.seconds.toFixed(1)} s`,
        );
        setState('ready');
        results.show(m.result);
        words.open();
        root.dataset.results = 'trained';
        if (words.sentence.value.trim() !== '') client.send({ type: 'words', text: words.sentence.value });
        break;
      }
      case 'words':
        words.show(m.words);
        break;
      case 'error':
        if (m.during === 'train') {
          endTraining();
          training.fail(m.message);
          results.hide();
          words.hide();
          setState('failed');
        } else words.fail(m.message);
        break;
    }
  }
}
