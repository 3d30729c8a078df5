// Monitor over Node's fetch: a plain GET with a deadline; the body is read and dropped.
import type { Monitor, PingResult } from '../../ports/monitor.js';

export function createMonitor(): Monitor {
  return {
    async ping(url, timeoutMs): Promise<PingResult> {
      const started = Date.now();
      try {
        const response = await fetch(url, { method: 'GET', signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
        await response.arrayBuffer().catch(() => undefined);
        const result = { url, status: response.status, durationMs: Date.now() - started };
        return response.ok ? { ...result, ok: true } : { ...result, ok: false, error: `HTTP ${response.status}` };
      } catch (error) {
        const name = (error as Error).name;
        const message = name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : describeFetchError(error);
        return { url, ok: false, error: message, durationMs: Date.now() - started };
      }
    },
  };
}

// fetch says "fetch failed" and keeps the reason (ECONNREFUSED, ENOTFOUND) in `cause`.
function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}
