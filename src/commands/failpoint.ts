// Fault injection for the crash tests: SQLITE_RESCUE_FAILPOINT=<event type>:<step id>[:<n>[:stop]] kills the process
// with SIGKILL right after the n-th (default first) such event of that step is journaled — the same as `kill -9` from
// outside at that instant, but at a point a test can name. `:stop` sends SIGSTOP instead: a run frozen mid-way, alive,
// holding its lock. Unset, it costs nothing.
import type { RunEvent } from '../runbook/events.js';

export function parseFailpoint(spec: string | undefined): ((event: RunEvent) => void) | undefined {
  if (!spec) return undefined;
  const [type, stepId, nth = '1', action = 'kill'] = spec.split(':');
  const wanted = Number(nth);
  let seen = 0;
  return (event) => {
    if (event.type !== type || !('stepId' in event) || event.stepId !== stepId) return;
    seen += 1;
    if (seen === wanted) process.kill(process.pid, action === 'stop' ? 'SIGSTOP' : 'SIGKILL');
  };
}
