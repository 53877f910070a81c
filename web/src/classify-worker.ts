/**
 * The classify mode's worker. It holds the current SequenceClassifier; the page sends it work (train, stop,
 * words) and it answers with progress, the scores beside the baselines, word traces and errors. All of
 * seqcast's computing for the mode happens here, so the page stays responsive while a model trains.
 */
import { SequenceClassifier, wordTrace } from 'seqcast';
import type { ClassifyConfig } from 'seqcast';
import { readTexts } from './classify-data';
import type { FromClassifyWorker, TextSpec, ToClassifyWorker } from './classify-protocol';
import { messageOf } from './data';
import { workerProgress } from './worker-progress';

interface WorkerScope {
  onmessage: ((ev: MessageEvent<ToClassifyWorker>) => void) | null;
  postMessage(message: FromClassifyWorker): void;
}
const scope = self as unknown as WorkerScope;

let classifier: SequenceClassifier | null = null;
let training = false;
let stopRequested = false;

function post(message: FromClassifyWorker): void {
  scope.postMessage(message);
}

scope.onmessage = (ev) => {
  const msg = ev.data;
  switch (msg.type) {
    case 'train':
      void run('train', () => train(msg.data, msg.config));
      break;
    case 'stop':
      if (training) {
        stopRequested = true;
        post({ type: 'stopping' });
      }
      break;
    case 'words':
      void run('words', () => words(msg.text));
      break;
  }
};

async function run(during: 'train' | 'words', work: () => unknown): Promise<void> {
  try {
    await work();
  } catch (e) {
    post({ type: 'error', during, message: messageOf(e) });
  }
}

async function train(spec: TextSpec, config: ClassifyConfig): Promise<void> {
  if (training) throw new Error('a model is already training');
  training = true;
  stopRequested = false;
  try {
    const started = performance.now();
    const { data } = readTexts(spec);
    const c = await SequenceClassifier.fit({ texts: data.texts, labels: data.labels }, config, {
      callbacks: [workerProgress(post, () => stopRequested, started)],
    });
    classifier = c;
    const f = c.fitInfo!;
    post({
      type: 'result',
      result: {
        name: spec.name,
        config: c.config,
        summary: summaryOf(c),
        classes: c.classes,
        split: {
          train: f.trainSamples,
          validation: f.validationSamples,
          test: f.testSamples,
          inputLength: f.inputLength,
          vocabularySize: f.vocabularySize,
        },
        evaluation: c.testEvaluation!,
        history: c.history,
        seconds: (performance.now() - started) / 1000,
      },
    });
  } finally {
    training = false;
  }
}

function words(text: string): void {
  if (classifier === null) throw new Error('there is no model yet: train one first');
  if (training) throw new Error('a model is training; wait for it to finish or stop it');
  const w = wordTrace(classifier, text);
  post({
    type: 'words',
    words: {
      text,
      words: w.words,
      known: w.known,
      classes: classifier.classes,
      probabilities: w.probabilities,
      trace: w.trace,
      inputLength: classifier.inputLength,
    },
  });
}

/** The layers as built (whatever the classifier's defaults are), the sizes and the input. */
function summaryOf(c: SequenceClassifier): string {
  const m = c.config.model;
  return (
    `${c.model.layers.map((l) => l.className).join(' → ')} (${m.kind}, ${m.units} units` +
    `${m.bidirectional ? ', bidirectional' : ''}), ${c.model.countParams().toLocaleString('en-US')} parameters; ` +
    `${c.inputLength} words per text, a vocabulary of ${c.fitInfo?.vocabularySize ?? 0}`
  );
}
