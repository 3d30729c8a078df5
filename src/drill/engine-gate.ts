// The drill's recovery reaches the engine only through this gate, so a signal can end it cleanly: once closed, every
// new engine call rejects (the recovery creates nothing more — no read helper appears after the cleanup has listed
// what to remove), and close() resolves once the calls already in flight have settled, or after its timeout.
import type { ContainerRuntime } from '../ports/container-runtime.js';
import { RescueError } from '../runbook/errors.js';

export interface EngineGate {
  runtime: ContainerRuntime;
  /** Refuses new calls from now on; resolves when none is in flight, or after timeoutMs (a hung exec must not hold the exit). */
  close(timeoutMs: number): Promise<void>;
}

export function gateRuntime(inner: ContainerRuntime, reason: string): EngineGate {
  let isClosed = false;
  const inFlight = new Set<Promise<unknown>>();
  const runtime = new Proxy(inner, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      // describe() is a plain string for humans, not an engine call.
      if (typeof value !== 'function' || key === 'describe') return value;
      return (...args: unknown[]) => {
        if (isClosed) return Promise.reject(new RescueError(`the engine is closed to this run: ${reason}`, { kind: 'external' }));
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!(result instanceof Promise)) return result;
        const settled = result.then(
          () => undefined,
          () => undefined,
        );
        inFlight.add(settled);
        void settled.then(() => inFlight.delete(settled));
        return result;
      };
    },
  });
  return {
    runtime,
    async close(timeoutMs) {
      isClosed = true;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((done) => {
        timer = setTimeout(done, timeoutMs);
      });
      await Promise.race([Promise.all([...inFlight]), timeout]);
      clearTimeout(timer);
    },
  };
}
