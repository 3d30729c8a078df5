// The SSH link dropped in the middle of the upload: the run ends in a clear, safe state (nothing in the container
// touched, no file on the server that looks complete), says what happened and what to do, and `resume` finishes it.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/runbook/events.js';
import { CLI_PATH, runCli } from '../support/cli.js';
import { docker } from '../support/docker/docker-cli.js';
import { makeTestPrefix, removeTestResources } from '../support/docker/app-container.js';
import { buildOutage, type Outage } from '../support/outage.js';
import { makeLocalCopyWithWalOnlyRows } from '../support/sqlite-fixtures.js';
import { startSshd, TEST_ALIAS, type Sshd } from '../support/sshd/sshd.js';

const DB = '/data/app.db';

describe('the SSH link drops during the upload', () => {
  let outage: Outage;
  let sshd: Sshd;
  const work = mkdtempSync(join(tmpdir(), 'ssh-drop-'));
  const env = () => ({ HOME: sshd.home, SSH_AUTH_SOCK: '', XDG_STATE_HOME: join(work, 'state') });

  beforeAll(async () => {
    [outage, sshd] = await Promise.all([buildOutage(makeTestPrefix('sshdrop'), { backups: 1 }), startSshd()]);
    // A local copy big enough that the upload is still going when the link is cut.
    makeLocalCopyWithWalOnlyRows(outage.local.path, { rows: 150_000, walRows: 500, seed: 43 });
  }, 300_000);

  afterAll(async () => {
    await sshd?.stop();
    if (outage) await removeTestResources(outage.prefix);
  });

  it('ends safe and says so; resume completes the recovery', async () => {
    const incidentDir = join(work, 'incident');
    const run = execa(
      'node',
      [
        CLI_PATH,
        'restore',
        '--yes',
        '--json',
        '--host',
        TEST_ALIAS,
        '--container',
        `${outage.prefix}app`,
        '--db',
        DB,
        '--local',
        outage.local.path,
        '--incident-dir',
        incidentDir,
      ],
      { env: env(), reject: false, stdin: 'ignore' },
    );
    const events: RunEvent[] = [];
    let isCut = false;
    run.stdout?.setEncoding('utf8');
    let pending = '';
    run.stdout?.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.trim()) continue;
        const event = JSON.parse(line) as RunEvent;
        events.push(event);
        if (!isCut && event.type === 'step-progress' && event.stepId === 'stage-in-container') {
          isCut = true;
          // The server side of the connection dies, as when a link drops: sshd's per-connection processes are killed.
          const daemon = readFileSync(join(sshd.dir, 'sshd.pid'), 'utf8').trim();
          void execa('pkill', ['-KILL', '-P', daemon], { reject: false });
        }
      }
    });
    const result = await run;
    expect(isCut).toBe(true);
    expect(result.exitCode).toBe(1);
    const failed = events.find((event) => event.type === 'step-failed');
    expect(failed).toMatchObject({ stepId: 'stage-in-container' });
    expect(String(result.stderr)).toMatch(/what to do:/);
    expect(String(result.stderr)).toContain('the live database is unchanged');
    expect(String(result.stderr)).not.toMatch(/\n\s+at /);

    // Safe: the app never stopped, nothing was staged in the volume, no complete-looking upload on the server.
    expect(await docker(['inspect', '--format', '{{.State.Status}}', outage.production.name])).toBe('running');
    expect(existsSync(join(outage.productionData, 'rescue-quarantine'))).toBe(false);
    expect(readdirSync(outage.productionData).filter((name) => name.includes('.rescue-'))).toEqual([]);
    const incidentId = (events[0] as { incidentId: string }).incidentId;
    const staging = `/tmp/sqlite-rescue/${incidentId}`;
    expect(existsSync(join(staging, 'snapshot.db'))).toBe(false);

    const resumed = await runCli(['resume', incidentDir, '--yes', '--json'], { env: env() });
    expect({ exit: resumed.exitCode, stderr: resumed.exitCode === 0 ? '' : resumed.stderr.slice(-2500) }).toEqual({ exit: 0, stderr: '' });
    expect((await docker(['exec', outage.production.name, 'sqlite3', '-readonly', DB, 'PRAGMA integrity_check;'])).trim()).toBe('ok');
  }, 240_000);
});
