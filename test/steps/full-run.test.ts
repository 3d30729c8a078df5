// All ten steps of the shipped runbook through the real engine, against the fakes: the whole recovery, non-interactive.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/runbook/events.js';
import { renderReport } from '../../src/report/render-report.js';
import { INCIDENT_ID } from '../fakes/make-deps.js';
import { DB, LOCAL } from '../fakes/outage.js';
import { outage, restore } from '../fakes/run-runbook.js';

const STAGED = `/data/.app.db.rescue-${INCIDENT_ID}.incoming`;
const QUARANTINE = `/data/rescue-quarantine/${INCIDENT_ID}`;

const stepResults = (events: readonly RunEvent[]) =>
  events.flatMap((event) =>
    event.type === 'step-succeeded' || event.type === 'step-not-performed' || event.type === 'step-failed'
      ? [`${event.stepId} ${event.type}`]
      : [],
  );

describe('the whole restore against the fakes', () => {
  it.each([
    ['sqlite3 in the image', false],
    ['no sqlite3 in the image (checks on copies)', true],
  ])('%s: exit 0, the snapshot live, the old files quarantined, nothing deleted', async (_name, withoutSqlite3) => {
    const world = outage();
    if (withoutSqlite3) world.runtime.withoutBinary('sqlite3');
    const { exitCode, events } = await restore(world);

    const failed = events.find((event) => event.type === 'step-failed');
    expect(failed).toBeUndefined();
    expect(exitCode).toBe(0);
    expect(stepResults(events)).toEqual(
      [
        'find-container',
        'check-live-db',
        'test-backups',
        'choose-source',
        'snapshot-source',
        'stage-in-container',
        'stop-app',
        'quarantine-and-swap',
        'start-app',
        'verify',
      ].map((id) => `${id} step-succeeded`),
    );
    const snapshot = world.files.read(join(world.deps.incident.dir, 'snapshot.db'));
    expect(world.runtime.fileAt('app', DB)?.content).toEqual(snapshot);
    expect(world.runtime.fileAt('app', STAGED)).toBeUndefined();
    for (const [name, content] of Object.entries(world.old))
      expect(world.runtime.fileAt('app', `${QUARANTINE}/${name}`)?.content).toEqual(content);
    expect(world.runtime.listFiles('app', '/data')).toEqual([
      '/data/app.db',
      '/data/app.db-wal',
      '/data/backups/2024-12-31.db',
      '/data/backups/2025-01-01.db',
      '/data/backups/notes.txt',
      `${QUARANTINE}/app.db`,
      `${QUARANTINE}/app.db-shm`,
      `${QUARANTINE}/app.db-wal`,
    ]);
    expect(world.runtime.listFiles('app-pr-12', '/data')).toEqual(['/data/app.db']);
    expect(world.runtime.execArgvs().filter((argv) => argv[0] === 'rm')).toEqual([]);
    expect(world.runtime.state('app')).toBe('running');
    expect((await world.runtime.listContainers()).map((container) => container.name)).toEqual(['app', 'app-pr-12']);

    const finished = events.at(-1) as Extract<RunEvent, { type: 'run-finished' }>;
    expect(finished).toMatchObject({ exitCode: 0, headline: 'restored and verified', downtimeMs: 0 });
    expect(world.facts.source?.path).toBe(LOCAL);
    expect(world.incidentFiles.read('quarantine.sha256').trim().split('\n')).toHaveLength(3);
    expect(renderReport(events)).toContain('- downtime (app stopped → started): 0 ms');
  });

  it('dry-run: every read-only step runs, every mutating one is only planned, nothing changes', async () => {
    const world = outage();
    const before = world.runtime.listFiles('app', '/');
    const { events } = await restore(world, true);
    expect(stepResults(events).slice(0, 9)).toEqual([
      'find-container step-succeeded',
      'check-live-db step-succeeded',
      'test-backups step-succeeded',
      'choose-source step-succeeded',
      'snapshot-source step-succeeded',
      'stage-in-container step-not-performed',
      'stop-app step-not-performed',
      'quarantine-and-swap step-not-performed',
      'start-app step-not-performed',
    ]);
    expect(world.runtime.listFiles('app', '/')).toEqual(before);
    expect(world.runtime.fileAt('app', DB)?.content).toEqual(world.old['app.db']);
    const mutating = world.runtime.calls.filter((call) => ['copyIn', 'stop', 'start', 'startHelper'].includes(call.method));
    expect(mutating).toEqual([]);
    expect(world.runtime.execArgvs().filter((argv) => ['mv', 'mkdir'].includes(argv[0]) && argv[1] !== '--help')).toEqual([]);
    expect(world.runtime.state('app')).toBe('running');
  });

  it('dry-run of a corrupt database ends without a failed step, with exit 4 and the source a restore would use', async () => {
    const world = outage();
    const { exitCode, events } = await restore(world, true);
    expect(events.find((event) => event.type === 'step-failed')).toBeUndefined();
    expect(exitCode).toBe(4);
    expect(events.at(-1)).toMatchObject({
      headline: `dry-run: the live database is CORRUPT; a restore from ${LOCAL} would be possible; nothing was changed`,
    });
  });
});
