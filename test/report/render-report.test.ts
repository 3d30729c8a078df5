import { describe, expect, it } from 'vitest';
import type { RunEvent, StepDecl } from '../../src/runbook/events.js';
import { renderReport } from '../../src/report/render-report.js';

const steps: StepDecl[] = [
  { id: 'check', title: 'Check the live database', why: 'w', mutates: false, skippable: false, commands: [] },
  { id: 'stop', title: 'Stop the app', why: 'w', mutates: true, skippable: false, commands: [] },
  { id: 'swap', title: 'Swap', why: 'w', mutates: true, skippable: true, commands: [] },
];
const started: RunEvent = {
  type: 'run-started',
  at: '2025-01-01T02:00:00.000Z',
  incidentId: '20250101T020000Z',
  incidentDir: '/inc',
  runbook: 'sqlite-wal-restore',
  dryRun: false,
  target: 'app:/data/app.db',
  steps,
};

const run: RunEvent[] = [
  started,
  { type: 'step-started', at: '2025-01-01T02:00:01.000Z', stepId: 'check' },
  {
    type: 'command',
    at: '2025-01-01T02:00:01.500Z',
    stepId: 'check',
    command: {
      action: {
        kind: 'argv',
        where: 'container',
        container: 'app',
        argv: ['sqlite3', '-readonly', '/data/app.db', 'PRAGMA integrity_check;'],
        mutates: false,
      },
      phase: 'action',
      exitCode: 0,
      durationMs: 340,
    },
  },
  { type: 'finding', at: '2025-01-01T02:00:02.000Z', stepId: 'check', text: 'the live database is corrupt:\nTree 3 page 7' },
  { type: 'step-succeeded', at: '2025-01-01T02:00:02.000Z', stepId: 'check', durationMs: 1000, summary: 'CORRUPT: 2 errors' },
  { type: 'step-started', at: '2025-01-01T02:00:03.000Z', stepId: 'stop' },
  {
    type: 'command',
    at: '2025-01-01T02:00:05.000Z',
    stepId: 'stop',
    command: {
      action: {
        kind: 'call',
        where: 'engine',
        call: 'POST /containers/c1/stop?t=30',
        cli: ['docker', 'stop', '-t', '30', 'app'],
        mutates: true,
      },
      phase: 'action',
      exitCode: 0,
      durationMs: 2500,
    },
  },
  {
    type: 'command',
    at: '2025-01-01T02:00:05.100Z',
    stepId: 'stop',
    command: {
      action: { kind: 'call', where: 'engine', call: 'GET /containers/c1/json', cli: ['docker', 'inspect', 'app'], mutates: false },
      phase: 'verify',
      exitCode: 1,
      durationMs: 20,
      error: 'socket hang up\nat …',
    },
  },
  { type: 'step-succeeded', at: '2025-01-01T02:00:05.500Z', stepId: 'stop', durationMs: 2500, summary: 'stopped app in 2.5 s' },
  { type: 'step-started', at: '2025-01-01T02:00:06.000Z', stepId: 'swap' },
  {
    type: 'step-failed',
    at: '2025-01-01T02:00:06.100Z',
    stepId: 'swap',
    durationMs: 100,
    message: 'mv failed',
    hint: 'move back',
    state: 'the app is STOPPED',
  },
  {
    type: 'run-finished',
    at: '2025-01-01T02:00:07.000Z',
    exitCode: 1,
    headline: 'Swap failed: mv failed',
    downtimeMs: 61_000,
    incidentDir: '/inc',
  },
];

describe('renderReport', () => {
  it('renders the header, timeline, findings and commands of a run', () => {
    expect(renderReport(run)).toBe(
      [
        '# Incident 20250101T020000Z',
        '',
        '- runbook: sqlite-wal-restore',
        '- target: app:/data/app.db',
        '- started: 2025-01-01 02:00:00Z',
        '- finished: 2025-01-01 02:00:07Z — exit 1: Swap failed: mv failed',
        '- downtime (app stopped → started): 61.0 s',
        '',
        '## Timeline',
        '',
        '| step | status | started | duration | result |',
        '|---|---|---|---|---|',
        '| Check the live database | ok | 2025-01-01 02:00:01Z | 1.0 s | CORRUPT: 2 errors |',
        '| Stop the app | ok | 2025-01-01 02:00:03Z | 2.5 s | stopped app in 2.5 s |',
        '| Swap | FAILED | 2025-01-01 02:00:06Z | 100 ms | mv failed — move back — state: the app is STOPPED |',
        '',
        '## Findings',
        '',
        '- 2025-01-01 02:00:02Z — the live database is corrupt:',
        '  Tree 3 page 7',
        '',
        '## Commands run',
        '',
        '### Check the live database',
        '',
        '```',
        "container app: sqlite3 -readonly /data/app.db 'PRAGMA integrity_check;'  → exit 0, 340 ms",
        '```',
        '',
        '### Stop the app',
        '',
        '```',
        // An API call is named as the call; what an operator would type is beside it, marked as an equivalent.
        'engine API: POST /containers/c1/stop?t=30  (CLI equivalent: docker stop -t 30 app)  → exit 0, 2.5 s',
        '(verify) engine API: GET /containers/c1/json  (CLI equivalent: docker inspect app)  → failed: socket hang up, 20 ms',
        '```',
        '',
        '',
      ].join('\n'),
    );
  });

  it('a run with no run-finished says it was interrupted; pending steps stay pending', () => {
    const report = renderReport(run.slice(0, 5));
    expect(report).toContain('- finished: not yet (or the run was interrupted: see events.ndjson)');
    expect(report).not.toContain('downtime');
    expect(report).toContain('| Stop the app | pending |  |  |  |');
  });

  it('a dry-run shows the commands it did not perform', () => {
    const report = renderReport([
      { ...started, dryRun: true } as RunEvent,
      { type: 'step-started', at: '2025-01-01T02:00:01.000Z', stepId: 'stop' },
      {
        type: 'step-not-performed',
        at: '2025-01-01T02:00:01.000Z',
        stepId: 'stop',
        summary: 'would stop app',
        commands: ['docker stop -t 30 app'],
        actions: [],
      },
    ]);
    expect(report).toContain('# Incident 20250101T020000Z (dry-run)');
    expect(report).toContain('| Stop the app | not performed (dry-run) | 2025-01-01 02:00:01Z |  | would stop app |');
    expect(report).toContain('### Stop the app\n\n```\nwould stop app\n  $ docker stop -t 30 app\n```');
    expect(report).toContain('## Findings\n\n(none yet)');
    expect(report).toContain('## What this dry-run could not tell\n\n(nothing listed)');
  });

  it('a dry-run lists what it could not tell, from its findings', () => {
    const report = renderReport([
      { ...started, dryRun: true } as RunEvent,
      {
        type: 'finding',
        at: '2025-01-01T02:00:01.000Z',
        stepId: 'stop',
        text: 'dry-run could not tell: whether app stops cleanly within 30 s',
      },
      { type: 'finding', at: '2025-01-01T02:00:01.000Z', stepId: 'stop', text: 'free space: plenty' },
    ]);
    expect(report).toContain('## What this dry-run could not tell\n\n- whether app stops cleanly within 30 s\n\n## Commands run');
  });

  it('a real run has no dry-run section', () => {
    expect(renderReport(run)).not.toContain('could not tell');
  });

  // BUG (src/report/render-report.ts, the timeline row): the result cell escapes '|' but the step title does not, so
  // a runbook title with a '|' breaks the Markdown table. Flip to `it` when fixed.
  it('escapes | in step titles too', () => {
    const report = renderReport([{ ...started, steps: [{ ...steps[0], title: 'Check | verify' }] } as RunEvent]);
    expect(report).toContain('| Check \\| verify | pending |');
  });

  it('a retried step shows its last attempt; a skipped one its reason', () => {
    const report = renderReport([
      started,
      { type: 'step-started', at: '2025-01-01T02:00:01.000Z', stepId: 'check' },
      { type: 'step-failed', at: '2025-01-01T02:00:01.000Z', stepId: 'check', durationMs: 5, message: 'flaky' },
      { type: 'step-started', at: '2025-01-01T02:00:09.000Z', stepId: 'check' },
      { type: 'step-succeeded', at: '2025-01-01T02:00:10.000Z', stepId: 'check', durationMs: 1000, summary: 'ok now' },
      { type: 'step-skipped', at: '2025-01-01T02:00:11.000Z', stepId: 'swap', reason: 'skipped by the operator' },
    ]);
    expect(report).toContain('| Check the live database | ok | 2025-01-01 02:00:09Z | 1.0 s | ok now |');
    expect(report).toContain('| Swap | skipped |  |  | skipped by the operator |');
  });

  it('no run-started: says so', () => {
    expect(renderReport([])).toBe('# Incident record\n\n(no run started)\n');
  });
});

describe('renderReport: data loss', () => {
  it('a section with every candidate side by side, the one taken, and where a merge got its rows', () => {
    const dataLoss = {
      chosen: 'merged',
      loss: { totalMissing: 0, perTable: { posts: 0 } },
      mergedFrom: { base: 'local', perTable: { posts: { fromHealthy: 800, fromSalvage: 150 } } },
      candidates: [
        { id: 'salvaged', tables: { posts: 950 }, loss: { totalMissing: 0 } },
        { id: 'merged', tables: { posts: 950 }, loss: { totalMissing: 0 } },
        { id: 'local', tables: { posts: 800 }, loss: { totalMissing: 150 } },
      ],
    };
    const report = renderReport([
      started,
      {
        type: 'finding',
        at: '2025-01-01T02:00:02.000Z',
        stepId: 'check',
        text: 'data loss: restoring the merged loses nothing the damaged database still holds',
        data: { dataLoss },
      },
    ]);
    expect(report).toContain(
      [
        '## Data loss',
        '',
        'data loss: restoring the merged loses nothing the damaged database still holds',
        '',
        '| candidate | rows | rows it lacks that the damaged database still holds |',
        '|---|---|---|',
        '| salvaged | 950 | 0 |',
        '| merged (taken) | 950 | 0 |',
        '| local | 800 | 150 |',
        '',
        'Rows per table in the merge: from local / from the salvage',
        '',
        '- posts: 800 / 150',
      ].join('\n'),
    );
  });
});
