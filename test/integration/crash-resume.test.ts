// kill -9 of the tool at many points of a real restore: after each, the live database path holds the old database or
// the complete new one (never a partial file, never a missing one while the app runs), and `resume` finishes the
// recovery with the same outcome as an uninterrupted run.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { docker, tryDocker } from '../support/docker/docker-cli.js';
import { makeTestPrefix, removeTestResources } from '../support/docker/app-container.js';
import { buildOutage } from '../support/outage.js';
import { sha256File } from '../support/sqlite-fixtures.js';

const DB = '/data/app.db';

// <event type>:<step id>[:<n>] — see test/support/failpoint-cli.mjs (`action`: the n-th declared action performed).
// Every step's start and end, and inside the steps that change things: the copy into the container, the swap helper
// started before the stop, each command of the swap and the helper's removal, the start.
const KILL_POINTS = [
  'step-started:find-container',
  'step-succeeded:find-container',
  'step-succeeded:check-live-db',
  'step-started:test-backups',
  'step-succeeded:choose-source',
  'step-output:snapshot-source:1',
  'step-succeeded:snapshot-source',
  'step-started:stage-in-container',
  'step-progress:stage-in-container:1',
  'action:stage-in-container:1',
  'step-succeeded:stage-in-container',
  'step-started:stop-app',
  'action:stop-app:1',
  'step-succeeded:stop-app',
  'action:quarantine-and-swap:1',
  'action:quarantine-and-swap:2',
  'action:quarantine-and-swap:3',
  'action:quarantine-and-swap:4',
  'action:quarantine-and-swap:5',
  'action:quarantine-and-swap:6',
  'step-succeeded:quarantine-and-swap',
  'step-started:start-app',
  'action:start-app:1',
  'step-succeeded:start-app',
  'command:verify:1',
  'step-output:verify:1',
];

async function state(container: string): Promise<string> {
  return docker(['inspect', '--format', '{{.State.Status}}', container]);
}

describe('kill -9 at any point, then resume', () => {
  it.each(KILL_POINTS)(
    'killed at %s: never a partial or missing live database while the app runs; resume completes',
    async (point) => {
      const outage = await buildOutage(makeTestPrefix('crash'), { backups: 1 });
      const stateHome = mkdtempSync(join(tmpdir(), 'crash-locks-'));
      const env = { XDG_STATE_HOME: stateHome };
      try {
        const incidentDir = join(outage.workDir, 'incident');
        const args = [
          'restore',
          '--yes',
          '--json',
          '--container',
          `${outage.prefix}app`,
          '--db',
          DB,
          '--local',
          outage.local.path,
          '--incident-dir',
          incidentDir,
        ];
        const killed = await runCli(args, { env: { ...env, SQLITE_RESCUE_FAILPOINT: point } });
        expect({ exit: killed.exitCode, signal: killed.signal }).toEqual({ exit: -1, signal: 'SIGKILL' });

        const incidentId = () => (JSON.parse(readFileSync(join(incidentDir, 'run.json'), 'utf8')) as { incidentId: string }).incidentId;
        // The invariant right after the kill.
        const snapshotPath = join(incidentDir, 'snapshot.db');
        const quarantine = join(outage.productionData, 'rescue-quarantine');
        const isSwapStarted = existsSync(quarantine);
        const live = join(outage.productionData, 'app.db');
        const running = (await state(outage.production.name)) === 'running';
        if (running) expect(existsSync(live)).toBe(true);
        if (existsSync(live) && isSwapStarted && existsSync(join(quarantine, incidentId(), 'app.db'))) {
          // The old database already left: whatever holds the live name is the whole snapshot, nothing less.
          if (!running) expect(sha256File(live)).toBe(sha256File(snapshotPath));
          else
            expect((await docker(['exec', outage.production.name, 'sqlite3', '-readonly', DB, 'PRAGMA integrity_check;'])).trim()).toBe(
              'ok',
            );
        }

        const resumed = await runCli(['resume', incidentDir, '--yes', '--json'], { env });
        const finished = resumed.events.at(-1);
        expect({
          exit: resumed.exitCode,
          finished: finished?.type === 'run-finished' ? finished.headline : undefined,
          stderr: resumed.exitCode === 0 ? '' : resumed.stderr.slice(-2500),
        }).toEqual({
          exit: 0,
          finished: 'restored and verified',
          stderr: '',
        });

        // The same outcome as an uninterrupted run.
        expect(await state(outage.production.name)).toBe('running');
        expect((await docker(['exec', outage.production.name, 'sqlite3', '-readonly', DB, 'PRAGMA integrity_check;'])).trim()).toBe('ok');
        const kept = JSON.parse(
          await docker([
            'exec',
            outage.production.name,
            'sqlite3',
            '-readonly',
            '-json',
            DB,
            `SELECT count(*) AS n FROM events WHERE id <= ${outage.local.maxEventId};`,
          ]),
        );
        expect(kept).toEqual([{ n: outage.local.counts.events }]);
        const manifest = readFileSync(join(incidentDir, 'quarantine.sha256'), 'utf8')
          .trim()
          .split('\n')
          .map((line) => line.split(/\s+/));
        expect(manifest.map(([, path]) => path.split('/').pop())).toContain('app.db');
        for (const [hash, path] of manifest) expect(sha256File(join(outage.productionData, path.replace(/^\/data\//, '')))).toBe(hash);
        expect((await tryDocker(['ps', '-aq', '--filter', `label=sqlite-rescue.helper=${incidentId()}`])).stdout).toBe('');
      } finally {
        await removeTestResources(outage.prefix);
      }
    },
    180_000,
  );
});
