// @ts-check
// A job the caller aborted: the worker stops at its next check and rejects with this (the pool names it AbortError).
/** @import { JobContext } from './worker-protocol.js' */

export class AbortedJobError extends Error {
  kind = 'aborted';

  constructor(message = 'aborted by the caller') {
    super(message);
    this.name = 'AbortError';
  }
}

/** @param {JobContext<any>} job */
export function throwIfCancelled(job) {
  if (job.isCancelled()) throw new AbortedJobError();
}
