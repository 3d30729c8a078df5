// A small pool of worker threads started on demand: jobs queue until a worker is free. Idle workers are unref'd so
// a forgotten close() never keeps the process alive, and ended after IDLE_WORKER_MS; a worker that dies fails its job
// and is replaced on demand. Messages follow worker-protocol.ts; the pool is generic over the table of operations.
import { Worker } from 'node:worker_threads';
import type { OperationMap, Operations, WorkerFailure, WorkerRequest, WorkerResponse } from './worker-protocol.js';

export type { WorkerFailure } from './worker-protocol.js';

export interface RunOptions<P> {
  onProgress?: (event: P) => void;
  /**
   * Aborting a queued job drops it; a running one is told through shared memory and stops at its next check. If it
   * has not answered within CANCEL_GRACE_MS its worker is terminated. Either way the job rejects with AbortError.
   */
  signal?: AbortSignal;
}

interface Job {
  id: number;
  request: WorkerRequest<OperationMap<unknown>>;
  onProgress?: (event: unknown) => void;
  signal?: AbortSignal;
  cancel?: Int32Array;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  cleanup: () => void;
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

/** How long a running job may take to notice it was aborted before its worker is terminated. */
export const CANCEL_GRACE_MS = 2000;

export class WorkerPool<Ops extends OperationMap<Ops> = Operations> {
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

  run<K extends keyof Ops & string>(op: K, args: Ops[K]['args'], opts: RunOptions<Ops[K]['progress']> = {}): Promise<Ops[K]['result']> {
    if (this.closed) return Promise.reject(new Error('sqlite inspector is closed'));
    if (opts.signal?.aborted) return Promise.reject(this.abortError());
    return new Promise<Ops[K]['result']>((resolve, reject) => {
      const id = this.nextId++;
      const cancel = opts.signal ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
      const job: Job = {
        id,
        request: { id, op, args, cancel } as WorkerRequest<OperationMap<unknown>>,
        onProgress: opts.onProgress as ((event: unknown) => void) | undefined,
        signal: opts.signal,
        cancel,
        resolve: resolve as (value: unknown) => void,
        reject,
        cleanup: () => {},
      };
      if (opts.signal) {
        const onAbort = () => this.abort(job);
        opts.signal.addEventListener('abort', onAbort, { once: true });
        job.cleanup = () => opts.signal?.removeEventListener('abort', onAbort);
      }
      this.queue.push(job);
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) this.settle(job, new Error('sqlite inspector closed before the job ran'));
    await Promise.all(
      this.slots.splice(0).map((slot) => {
        clearTimeout(slot.idleTimer);
        return slot.worker.terminate();
      }),
    );
  }

  private abortError(): Error {
    return this.toError({ message: 'aborted by the caller', kind: 'aborted' });
  }

  private abort(job: Job): void {
    const queued = this.queue.indexOf(job);
    if (queued !== -1) {
      this.queue.splice(queued, 1);
      this.settle(job, this.abortError());
      return;
    }
    const slot = this.slots.find((s) => s.job === job);
    if (!slot || !job.cancel) return;
    Atomics.store(job.cancel, 0, 1);
    const timer = setTimeout(() => {
      if (slot.job !== job) return;
      this.retire(slot, this.abortError());
      void slot.worker.terminate();
    }, CANCEL_GRACE_MS);
    timer.unref();
  }

  private settle(job: Job, error: unknown, value?: unknown): void {
    job.cleanup();
    if (error === undefined) job.resolve(value);
    else job.reject(error);
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.slots.find((s) => s.job === null) ?? this.startWorker();
      if (!slot) return;
      const job = this.queue.shift()!;
      clearTimeout(slot.idleTimer);
      slot.job = job;
      slot.worker.ref();
      slot.worker.postMessage(job.request);
    }
  }

  private startWorker(): Slot | undefined {
    if (this.slots.length >= this.size) return undefined;
    const slot: Slot = { worker: new Worker(this.script), job: null };
    slot.worker.on('message', (message: WorkerResponse<OperationMap<unknown>, never>) => {
      const job = slot.job;
      if (!job || job.id !== message.id) return;
      if ('progress' in message) {
        job.onProgress?.(message.progress);
        return;
      }
      slot.job = null;
      slot.worker.unref();
      if ('error' in message) this.settle(job, this.toError(message.error));
      else this.settle(job, undefined, message.result);
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
    if (slot.job) this.settle(slot.job, error);
    slot.job = null;
    if (!this.closed) this.dispatch();
  }
}
