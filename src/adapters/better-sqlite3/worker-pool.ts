// A small pool of worker threads started on demand: jobs queue until a worker is free. Idle workers are unref'd so
// a forgotten close() never keeps the process alive, and ended after IDLE_WORKER_MS; a worker that dies fails its job
// and is replaced on demand.
import { Worker } from 'node:worker_threads';

export interface WorkerFailure {
  message: string;
  code?: string;
  kind?: string;
  stack?: string;
}

interface Job {
  id: number;
  op: string;
  args: unknown[];
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
  idleTimer?: NodeJS.Timeout;
}

/**
 * A worker idle this long is ended: that returns its isolate and malloc arena (about 8 MB, more after a large job)
 * rather than keeping them until close(). The jobs of one step follow each other within milliseconds and reuse it; a
 * new one starts in about 0.2 s.
 */
export const IDLE_WORKER_MS = 250;

export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly script: URL,
    private readonly size: number,
    private readonly toError: (failure: WorkerFailure) => Error,
    private readonly idleMs = IDLE_WORKER_MS,
  ) {}

  run<T>(op: string, args: unknown[]): Promise<T> {
    if (this.closed) return Promise.reject(new Error('sqlite inspector is closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, op, args, resolve: resolve as (value: unknown) => void, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('sqlite inspector closed before the job ran'));
    await Promise.all(this.slots.splice(0).map((slot) => {
      clearTimeout(slot.idleTimer);
      return slot.worker.terminate();
    }));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.job === null) ?? this.startWorker();
      if (!slot) return;
      const job = this.queue.shift()!;
      clearTimeout(slot.idleTimer);
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage({ id: job.id, op: job.op, args: job.args });
    }
  }

  private startWorker(): Slot | undefined {
    if (this.slots.length >= this.size) return undefined;
    const slot: Slot = { worker: new Worker(this.script), job: null };
    slot.worker.on('message', (message: { id: number; result?: unknown; error?: WorkerFailure }) => {
      const job = slot.job;
      if (!job || job.id !== message.id) return;
      slot.job = null;
      slot.worker.unref();
      if (message.error) job.reject(this.toError(message.error));
      else job.resolve(message.result);
      this.dispatch();
      if (slot.job === null) this.endWhenIdle(slot);
    });
    slot.worker.on('error', (error) => this.retire(slot, error));
    slot.worker.on('exit', (code) => this.retire(slot, new Error(`sqlite worker exited with code ${code}`)));
    this.slots.push(slot);
    return slot;
  }

  // Jobs queued by the callers of the job just settled arrive after this (they run in microtasks): the timer waits.
  private endWhenIdle(slot: Slot): void {
    clearTimeout(slot.idleTimer);
    slot.idleTimer = setTimeout(() => {
      if (slot.job !== null) return;
      const index = this.slots.indexOf(slot);
      if (index === -1) return;
      this.slots.splice(index, 1);
      void slot.worker.terminate();
    }, this.idleMs);
    slot.idleTimer.unref();
  }

  private retire(slot: Slot, error: Error): void {
    const index = this.slots.indexOf(slot);
    if (index === -1) return;
    this.slots.splice(index, 1);
    clearTimeout(slot.idleTimer);
    slot.job?.reject(error);
    slot.job = null;
    if (!this.closed) this.dispatch();
  }
}
