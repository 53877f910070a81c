/**
 * The page's side of the training worker: starts it, sends it work, hands its messages on, and can end it
 * outright (a stop that does not wait for the current epoch) and start a fresh one.
 */
import type { FromWorker, ToWorker } from './protocol';

export class WorkerClient {
  private worker: Worker;
  private readonly onMessage: (message: FromWorker) => void;

  constructor(onMessage: (message: FromWorker) => void) {
    this.onMessage = onMessage;
    this.worker = this.spawn();
  }

  send(message: ToWorker, transfer: Transferable[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  /** Ends the worker at once (whatever it holds is lost) and starts a fresh one. */
  restart(): void {
    this.worker.terminate();
    this.worker = this.spawn();
  }

  private spawn(): Worker {
    const worker = new Worker(new URL('./worker.ts', import.meta.url), {
      type: 'module',
      name: 'seqcast-training',
    });
    worker.onmessage = (e: MessageEvent<FromWorker>) => this.onMessage(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      this.onMessage({
        type: 'error',
        during: 'train',
        message: `the training worker failed: ${e.message === '' ? 'it could not be started' : e.message}`,
      });
    };
    return worker;
  }
}
