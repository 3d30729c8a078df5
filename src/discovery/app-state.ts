// Whether commands can run in the app's container now and a moment from now. A crash-looping container is
// `restarting` most of the time and `running` for the instants between two crashes: an exec aimed at such an instant
// fails half-way. Docker resets its restart back-off once a container has stayed up 10 s; until then it may be one
// crash from restarting.
import type { ContainerDetails } from '../ports/container-runtime.js';

export const RESTART_BACKOFF_RESET_MS = 10_000;

/** Running, and not restarted by the engine within the last 10 s. */
export function isSteady(details: Pick<ContainerDetails, 'state' | 'restartCount' | 'startedAt'>, now: number): boolean {
  if (details.state !== 'running') return false;
  if (details.restartCount === 0 || details.startedAt === null) return true;
  return now - Date.parse(details.startedAt) >= RESTART_BACKOFF_RESET_MS;
}

/** "restarting (restarted 7 times under unless-stopped)", for findings. */
export function describeUnsteady(details: Pick<ContainerDetails, 'state' | 'restartCount' | 'restartPolicy'>): string {
  const restarts =
    details.restartCount > 0
      ? `, restarted ${details.restartCount} time${details.restartCount === 1 ? '' : 's'} under ${details.restartPolicy.name}`
      : '';
  return `${details.state === 'running' ? 'running but crash-looping' : details.state}${restarts}`;
}
