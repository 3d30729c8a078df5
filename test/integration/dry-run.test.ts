// --dry-run against a real container: every read-only step runs for real, nothing changes anywhere, and the exit
// code says whether the target is healthy (0) or corrupt (4).
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { hashTree } from '../support/hash-tree.js';
import { APP_IMAGE } from '../support/docker/ensure-test-images.js';
import { docker } from '../support/docker/docker-cli.js';
import { makeTestPrefix, removeTestResources } from '../support/docker/app-container.js';
import { volumePath } from '../support/outage.js';
import { corruptBtreePage, makeAppDb, makeLocalCopyWithWalOnlyRows, sidecarHashes, tornCopy } from '../support/sqlite-fixtures.js';

const DB = '/data/app.db';

async function engineState(prefix: string): Promise<string> {
  const containers = await docker(['ps', '-a', '--format', '{{.ID}} {{.Names}} {{.State}}']);
  const ours = containers.split('\n').filter((line) => line.includes(prefix));
  const details = await Promise.all(
    ours.map((line) =>
      docker(['inspect', '--format', '{{.Name}} {{.State.Status}} {{.State.StartedAt}} {{.RestartCount}}', line.split(' ')[0]]),
    ),
  );
  return [...ours, ...details].sort().join('\n');
}

describe('restore --dry-run', () => {
  const prefix = makeTestPrefix('dryrun');
  const work = mkdtempSync(join(tmpdir(), 'dry-run-'));
  let data: string;
  let healthyData: string;
  let local: string;

  beforeAll(async () => {
    // Production holds its database without writing to it (the container runs `sleep`), so every byte of its data
    // folder can be compared before and after.
    const live = join(work, 'live.db');
    makeAppDb(live, { rows: 1500, seed: 3 });
    corruptBtreePage(live, { seed: 4, target: 'index' });
    const source = join(work, 'source.db');
    makeLocalCopyWithWalOnlyRows(source, { rows: 800, walRows: 200, seed: 5 });
    tornCopy(source, join(work, 'daily.db'));
    local = join(work, 'local.db');
    makeLocalCopyWithWalOnlyRows(local, { rows: 1600, walRows: 100, seed: 6 });

    await docker(['volume', 'create', `${prefix}data`]);
    data = await volumePath(`${prefix}data`);
    copyFileSync(live, join(data, 'app.db'));
    mkdirSync(join(data, 'backups'));
    copyFileSync(join(work, 'daily.db'), join(data, 'backups', 'daily.db'));
    await docker([
      'run',
      '-d',
      '--name',
      `${prefix}app`,
      '--label',
      'coolify.pullRequestId=0',
      '-v',
      `${prefix}data:/data`,
      APP_IMAGE,
      'sleep',
      '86400',
    ]);

    await docker(['volume', 'create', `${prefix}healthy`]);
    healthyData = await volumePath(`${prefix}healthy`);
    makeAppDb(join(healthyData, 'app.db'), { rows: 500, seed: 8 });
    await docker(['run', '-d', '--name', `${prefix}fine`, '-v', `${prefix}healthy:/data`, APP_IMAGE, 'sleep', '86400']);
  }, 120_000);

  afterAll(async () => {
    await removeTestResources(prefix);
  });

  it('on a corrupt target: exit 4, every mutating step shown and not performed, and nothing changed', async () => {
    const before = {
      data: hashTree(data),
      local: sidecarHashes(local),
      engine: await engineState(prefix),
      images: (await docker(['images', '-q'])).split('\n').sort().join(' '),
    };
    const incidentDir = join(work, 'incident-corrupt');
    const run = await runCli([
      'restore',
      '--dry-run',
      '--yes',
      '--json',
      '--container',
      `${prefix}app`,
      '--db',
      DB,
      '--local',
      local,
      '--incident-dir',
      incidentDir,
    ]);
    const after = {
      data: hashTree(data),
      local: sidecarHashes(local),
      engine: await engineState(prefix),
      images: (await docker(['images', '-q'])).split('\n').sort().join(' '),
    };

    expect({ exit: run.exitCode, stderr: run.exitCode === 4 ? '' : run.stderr.slice(-2000) }).toEqual({ exit: 4, stderr: '' });
    expect(after).toEqual(before);
    expect(Object.keys(before.data).sort()).toEqual(['app.db', 'backups/', 'backups/daily.db']);

    const notPerformed = run.events.filter((event) => event.type === 'step-not-performed');
    expect(notPerformed.map((event) => event.stepId)).toEqual(['stage-in-container', 'stop-app', 'quarantine-and-swap', 'start-app']);
    for (const event of notPerformed) {
      if (event.type !== 'step-not-performed') continue;
      expect(event.commands.join('\n')).toContain(`${prefix}app`);
    }
    const succeeded = run.events.flatMap((event) => (event.type === 'step-succeeded' ? [event.stepId] : []));
    expect(succeeded).toEqual(['find-container', 'check-live-db', 'test-backups', 'choose-source', 'snapshot-source', 'verify']);
    expect(run.events.find((event) => event.type === 'step-succeeded' && event.stepId === 'verify')).toMatchObject({
      summary: 'nothing to verify: nothing was restored',
    });

    const finished = run.events.at(-1);
    // The damage is in one index, every table intact: --yes takes the lossless repair (issue 13), not the older copy.
    expect(finished?.type === 'run-finished' && finished.headline).toMatch(
      /CORRUPT; a restore from .*repaired\.db would be possible; nothing was changed/,
    );
    const report = readFileSync(join(incidentDir, 'report.md'), 'utf8');
    expect(report).toContain('## What this dry-run could not tell');
    expect(report).toContain('not performed (dry-run)');
    expect(report).toMatch(/the swap helper can run/);
    expect(report).toMatch(/free space beside \/data\/app\.db in \S+: \d+ bytes/);
    // The snapshot is the one thing a dry-run makes, and it goes into the local incident folder.
    expect(statSync(join(incidentDir, 'snapshot.db')).size).toBeGreaterThan(0);
  });

  it('on a healthy target: exit 0, nothing to recover', async () => {
    const before = hashTree(healthyData);
    const run = await runCli([
      'restore',
      '--dry-run',
      '--yes',
      '--json',
      '--container',
      `${prefix}fine`,
      '--db',
      DB,
      '--incident-dir',
      join(work, 'incident-healthy'),
    ]);
    expect(run.exitCode).toBe(0);
    const finished = run.events.at(-1);
    expect(finished?.type === 'run-finished' && finished.headline).toMatch(/nothing to recover/);
    expect(hashTree(healthyData)).toEqual(before);
  });
});
