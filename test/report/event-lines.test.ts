import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/runbook/events.js';
import { formatEventLine } from '../../src/report/event-lines.js';

const at = '2025-01-01T02:00:00.000Z';

describe('formatEventLine', () => {
  it.each<[string, RunEvent, string | undefined]>([
    [
      'run-started',
      {
        type: 'run-started',
        at,
        incidentId: 'I1',
        incidentDir: '/inc/I1',
        runbook: 'sqlite-wal-restore',
        dryRun: true,
        target: 'app:/data/app.db',
        steps: [{ id: 'stop-app', title: 'Stop the app', why: 'w', mutates: true, skippable: false, commands: [] }],
      },
      'sqlite-rescue DRY-RUN sqlite-wal-restore on app:/data/app.db — incident I1, record in /inc/I1',
    ],
    ['step-started (title from run-started)', { type: 'step-started', at, stepId: 'stop-app' }, '▶ Stop the app'],
    ['step-started (unknown id)', { type: 'step-started', at, stepId: 'zzz-unknown' }, '▶ zzz-unknown'],
    ['step-output', { type: 'step-output', at, stepId: 's', line: 'moved a' }, '    moved a'],
    ['step-succeeded', { type: 'step-succeeded', at, stepId: 's', durationMs: 1234, summary: 'done' }, '  ✔ done (1.2 s)'],
    [
      'step-not-performed',
      {
        type: 'step-not-performed',
        at,
        stepId: 's',
        summary: 'would stop',
        commands: ['docker stop app', 'docker start app'],
        actions: [],
      },
      '  ○ not performed: would stop\n      $ docker stop app\n      $ docker start app',
    ],
    [
      'step-failed with hint and state',
      { type: 'step-failed', at, stepId: 's', durationMs: 1, message: 'boom', hint: 'retry', state: 'app STOPPED' },
      '  ✘ boom\n    what to do: retry\n    state: app STOPPED',
    ],
    ['step-failed bare', { type: 'step-failed', at, stepId: 's', durationMs: 1, message: 'boom' }, '  ✘ boom'],
    ['step-skipped', { type: 'step-skipped', at, stepId: 's', reason: 'skipped by the operator' }, '  ↷ skipped: skipped by the operator'],
    [
      'run-finished ok',
      { type: 'run-finished', at, exitCode: 0, headline: 'restored and verified', downtimeMs: 61_000, incidentDir: '/inc' },
      '✔ restored and verified (exit 0)\n  downtime (stop → start): 61.0 s\n  record: /inc',
    ],
    [
      'run-finished failed',
      { type: 'run-finished', at, exitCode: 2, headline: 'ambiguous', incidentDir: '/inc' },
      '✘ ambiguous (exit 2)\n  record: /inc',
    ],
    [
      'command: not printed',
      {
        type: 'command',
        at,
        stepId: 's',
        command: {
          action: { kind: 'argv', where: 'container', container: 'app', argv: ['ls'], mutates: false },
          phase: 'action',
          exitCode: 0,
          durationMs: 1,
        },
      },
      undefined,
    ],
    ['finding: not printed', { type: 'finding', at, stepId: 's', text: 'x' }, undefined],
    ['step-progress: not printed', { type: 'step-progress', at, stepId: 's', progress: { done: 1, total: 2, unit: 'bytes' } }, undefined],
  ])('%s', (_name, event, expected) => {
    expect(formatEventLine(event)).toBe(expected);
  });
});
