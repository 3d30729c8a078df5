// Test-only entry: the built CLI with a kill point attached, for the crash tests. SQLITE_RESCUE_FAILPOINT=
// <event type>:<step id>[:<n>[:stop]] kills the process with SIGKILL right after the n-th (default first) such event
// of that step is journaled (`action` counts only the command events of the step's declared actions, not its probes) — the same as `kill -9` from outside at that instant, but at a point a test can name.
// `:stop` sends SIGSTOP instead: a run frozen mid-way, alive, holding its lock. The shipped program knows nothing of
// this: it only lets observers subscribe to each run (observeRuns), and this file is never shipped.
import { observeRuns } from '../../dist/commands/restore.js';

const spec = process.env.SQLITE_RESCUE_FAILPOINT;
if (!spec) throw new Error('failpoint-cli.mjs: SQLITE_RESCUE_FAILPOINT is not set');
const [type, stepId, nth = '1', action = 'kill'] = spec.split(':');
const wanted = Number(nth);
let seen = 0;
const matches = (event) => (type === 'action' ? event.type === 'command' && event.command.phase === 'action' : event.type === type);
observeRuns((event) => {
  if (!matches(event) || event.stepId !== stepId) return;
  seen += 1;
  // The record subscribed first, so the event is journaled before the process dies.
  if (seen === wanted) process.kill(process.pid, action === 'stop' ? 'SIGSTOP' : 'SIGKILL');
});
await import('../../dist/cli.js');
