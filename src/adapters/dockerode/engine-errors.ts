// One place that turns dockerode/docker-modem failures into the runbook's error kinds, so every method
// reports "engine unreachable" and "no such container" the same way.
import { ContainerNotFoundError, RescueError, RuntimeUnavailableError } from '../../runbook/errors.js';

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOENT',
  'EACCES',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** HTTP status docker-modem attached to a failed API call, if any. */
export function getStatusCode(error: unknown): number | undefined {
  const code = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

// Connection-level failures: the engine never produced an HTTP answer.
export function isUnreachable(error: unknown): boolean {
  if (getStatusCode(error) !== undefined) return false;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  return error instanceof Error && /socket hang up/i.test(error.message);
}

export function makeUnavailableError(describe: string, cause: unknown): RuntimeUnavailableError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new RuntimeUnavailableError(
    `no Docker engine answered at ${describe}: ${reason}`,
    'check DOCKER_HOST (unset means /var/run/docker.sock) and that dockerd runs: `docker info`; ' +
      'start it with `sudo systemctl start docker` or, as root, `dockerd > /tmp/dockerd.log 2>&1 &`',
    cause,
  );
}

// The engine's own words without docker-modem's "(HTTP code 409) unexpected - " prefix.
export function getEngineMessage(error: unknown): string {
  const json = (error as { json?: unknown } | null)?.json;
  if (json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string') {
    return (json as { message: string }).message;
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '').trim() || message;
}

/**
 * Maps a failure of a call about container `idOrName`: unreachable engine → RuntimeUnavailableError,
 * 404 → ContainerNotFoundError, anything else → an external RescueError with lower-case context.
 */
export function toRuntimeError(error: unknown, context: string, describe: string, idOrName?: string): Error {
  if (error instanceof RescueError) return error;
  if (isUnreachable(error)) return makeUnavailableError(describe, error);
  const status = getStatusCode(error);
  if (status === 404 && idOrName !== undefined) return new ContainerNotFoundError(idOrName);
  return new RescueError(`${context}: ${getEngineMessage(error)}`, { kind: 'external', cause: error });
}
