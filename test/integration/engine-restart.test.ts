// The Docker engine restarts in the middle of a run (which stops every container): the run ends in a clear, safe
// state that says what happened and what to do, and once the app is started again `resume` finishes the recovery.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILPOINT_CLI_PATH, runCli } from '../support/cli.js';
import { docker } from '../support/docker/docker-cli.js';
import { makeTestPrefix, removeTestResources } from '../support/docker/app-container.js';
import { DOCKERD_LOG, isEngineAnswering } from '../support/docker/ensure-docker-engine.js';
import { buildOutage, type Outage } from '../support/outage.js';

const DB = '/data/app.db';

async function waitUntil(what: string, predicate: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) return;
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`timed out waiting until ${what}`);
}

// Stops dockerd (SIGTERM, as a package upgrade or `systemctl restart docker` does) and starts it again.
async function restartDockerd(): Promise<void> {
  const pid = Number((await execa('pidof', ['dockerd'])).stdout.trim().split(' ')[0]);
  process.kill(pid, 'SIGTERM');
  await waitUntil('dockerd has exited', async () => (await execa('kill', ['-0', String(pid)], { reject: false })).exitCode !== 0, 60_000);
  const log = openSync(DOCKERD_LOG, 'a');
  spawn('dockerd', [], { detached: true, stdio: ['ignore', log, log] }).unref();
  closeSync(log);
  await waitUntil('the restarted dockerd answers', isEngineAnswering, 60_000);
}

describe('the Docker engine restarts during a run', () => {
  let outage: Outage;

  beforeAll(async () => {
    outage = await buildOutage(makeTestPrefix('enginerestart'), { backups: 1 });
  }, 120_000);

  afterAll(async () => {
    if (outage) await removeTestResources(outage.prefix);
  });

  it('ends safe, says the app is down and why it may be, and resume finishes after docker start', async () => {
    const incidentDir = join(outage.workDir, 'incident');
    const env = { XDG_STATE_HOME: join(outage.workDir, 'state') };
    const run = execa(
      'node',
      [
        FAILPOINT_CLI_PATH,
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
      ],
      {
        // Frozen (SIGSTOP) right after the snapshot, so the restart lands between two steps that talk to the engine.
        env: { ...env, SQLITE_RESCUE_FAILPOINT: 'step-succeeded:snapshot-source:1:stop' },
        reject: false,
        stdin: 'ignore',
      },
    );
    await waitUntil(
      'the run is frozen after the snapshot',
      async () => (await execa('ps', ['-o', 'stat=', '-p', String(run.pid)], { reject: false })).stdout.trim().startsWith('T'),
      60_000,
    );
    await restartDockerd();
    process.kill(run.pid as number, 'SIGCONT');
    const result = await run;

    expect(result.exitCode).toBe(1);
    const stderr = String(result.stderr);
    expect(stderr).toMatch(/✘ .+/);
    expect(stderr).toContain('what to do:');
    expect(stderr).toContain(
      `the app is NOT running (exited) although this run did not stop it (did the Docker engine restart?): start it with \`docker start ${outage.prefix}app\``,
    );
    expect(stderr).not.toMatch(/\n\s+at /);
    // Safe: the live database is where it was, nothing moved into quarantine.
    expect(existsSync(join(outage.productionData, 'rescue-quarantine'))).toBe(false);
    expect(existsSync(join(outage.productionData, 'app.db'))).toBe(true);

    await docker(['start', outage.production.name]);
    const resumed = await runCli(['resume', incidentDir, '--yes', '--json'], { env });
    expect({ exit: resumed.exitCode, stderr: resumed.exitCode === 0 ? '' : resumed.stderr.slice(-2500) }).toEqual({ exit: 0, stderr: '' });
    expect((await docker(['exec', outage.production.name, 'sqlite3', '-readonly', DB, 'PRAGMA integrity_check;'])).trim()).toBe('ok');
  }, 300_000);
});
