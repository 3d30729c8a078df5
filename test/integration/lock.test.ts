// One restore at a time on a container's database: a second one is refused while the first runs; a lock left by a
// killed run is named as stale, with how to resume that run or clear the lock.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILPOINT_CLI_PATH, runCli } from '../support/cli.js';
import { docker } from '../support/docker/docker-cli.js';
import { makeTestPrefix, removeTestResources } from '../support/docker/app-container.js';
import { buildOutage, type Outage } from '../support/outage.js';

const DB = '/data/app.db';

describe('the target lock', () => {
  let outage: Outage;
  const env = { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'lock-state-')) };
  const args = (incidentDir: string, extra: string[] = []) => [
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
    ...extra,
  ];

  beforeAll(async () => {
    outage = await buildOutage(makeTestPrefix('lock'), { backups: 1 });
  }, 120_000);

  afterAll(async () => {
    if (outage) await removeTestResources(outage.prefix);
  });

  it('refuses a second restore while the first one runs, and names it', async () => {
    const first = execa('node', [FAILPOINT_CLI_PATH, ...args(join(outage.workDir, 'first'))], {
      env: { ...env, SQLITE_RESCUE_FAILPOINT: 'step-succeeded:check-live-db:1:stop' },
      reject: false,
      stdin: 'ignore',
    });
    try {
      // Frozen (SIGSTOP) after it took the lock: alive, holding it.
      for (let waited = 0; waited < 30_000; waited += 200) {
        const status = await execa('ps', ['-o', 'stat=', '-p', String(first.pid)], { reject: false });
        if (status.stdout.trim().startsWith('T')) break;
        await new Promise((done) => setTimeout(done, 200));
      }
      const second = await runCli(args(join(outage.workDir, 'second')), { env });
      expect(second.exitCode).toBe(2);
      expect(second.stderr).toContain(`another sqlite-rescue run (pid ${first.pid}`);
      expect(second.stderr).toContain('what to do: wait for it to finish');
      expect(await docker(['inspect', '--format', '{{.State.Status}}', outage.production.name])).toBe('running');
    } finally {
      first.kill('SIGKILL');
      await first;
    }
  }, 120_000);

  it('names a stale lock from a killed run, and clears it on request', async () => {
    // The first test's run was killed holding the lock: it is stale now.
    const refused = await runCli(args(join(outage.workDir, 'third')), { env });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/a stale lock on .*was killed before it finished/);
    expect(refused.stderr).toContain('sqlite-rescue resume');
    expect(refused.stderr).toContain('--break-stale-lock');

    const cleared = await runCli(args(join(outage.workDir, 'fourth'), ['--break-stale-lock']), { env });
    expect({ exit: cleared.exitCode, stderr: cleared.exitCode === 0 ? '' : cleared.stderr.slice(-2000) }).toEqual({ exit: 0, stderr: '' });
  }, 120_000);
});
