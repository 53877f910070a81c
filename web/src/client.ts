/**
 * The page's side of a worker: starts it, sends it work, hands its messages on, and can end it outright (a
 * stop that does not wait for the current epoch) and start a fresh one. The forecasting mode's worker by
 * default; the classify mode passes its own (each `new Worker(new URL(…))` is written out, so Vite bundles it).
 */
import type { FromWorker, ToWorker } from './protocol';

interface WorkerError {
  readonly type: 'error';
  readonly during: 'train';
  readonly message: string;
}

function forecastingWorker(): Worker {
  return new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'seqcast-training' });
}

export class WorkerClient<In = ToWorker, Out = FromWorker> {
  private worker: Worker;
  private readonly onMessage: (message: Out) => void;
  private readonly start: () => Worker;

  constructor(onMessage: (message: Out) => void, start: () => Worker = forecastingWorker) {
    this.onMessage = onMessage;
    this.start = start;
    this.worker = this.spawn();
  }

  send(message: In, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  /** Ends the worker at once (whatever it holds is lost) and starts a fresh one. */
  restart(): void {
    this.worker.terminate();
    this.worker = this.spawn();
  }

  private spawn(): Worker {
    const worker = this.start();
    worker.onmessage = (e: MessageEvent<Out>) => this.onMessage(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      const error: WorkerError = {
        type: 'error',
        during: 'train',
        message: `the training worker failed: ${e.message === '' ? 'it could not be started' : e.message}`,
      };
      this.onMessage(error as Out);
    };
    return worker;
  }
}
