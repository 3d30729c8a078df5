// Real apps against the real Docker engine (issue 12), each restored as `restore --yes --json` runs it in a script: an
// app that crash-loops on its corrupt database under `--restart unless-stopped`, apps whose PID 1 ignores SIGTERM or
// traps it and takes 3 s, a one-replica Swarm service, a global one, Compose-labelled replicas, and a stranger on the
// volume. Every resource is prefixed and removed.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandRecord, RunEvent } from '../../src/runbook/events.js';
import { runCli, type CliRun } from '../support/cli.js';
import {
  APP_IGNORES_SIGTERM_IMAGE,
  APP_IMAGE,
  APP_QUICK_CHECK_IMAGE,
  APP_SLOW_SIGTERM_IMAGE,
  createReplicatedService,
  docker,
  leaseSingleNodeSwarm,
  makeTestPrefix,
  removeTestResources,
  removeTestServices,
  runningTaskContainers,
  type SwarmLease,
} from '../support/docker/index.js';
import { appState, corruptVolume as makeCorruptVolume, exitCodesSince, runApp, type CorruptVolume } from '../support/real-app-outage.js';
import { sha256File } from '../support/sqlite-fixtures.js';
import { waitUntil } from '../support/wait-until.js';

const DB = '/data/app.db';
const STEPS = [
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
];
const prefix = makeTestPrefix('realapps');
const workDirs: string[] = [];

async function corruptVolume(volumePrefix: string): Promise<CorruptVolume> {
  const volume = await makeCorruptVolume(volumePrefix);
  workDirs.push(volume.workDir);
  return volume;
}

afterAll(async () => {
  await removeTestServices(prefix);
  await removeTestResources(prefix);
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
});

const restore = (container: string, volume: CorruptVolume, extra: string[] = []) =>
  runCli([
    'restore',
    '--yes',
    '--json',
    '--container',
    container,
    '--db',
    DB,
    '--local',
    volume.local.path,
    '--incident-dir',
    join(volume.workDir, 'incident'),
    ...extra,
  ]);

function expectSucceeded(run: CliRun): void {
  const succeeded = run.events.flatMap((event) => (event.type === 'step-succeeded' ? [event.stepId] : []));
  expect({ exitCode: run.exitCode, succeeded, stderr: run.exitCode === 0 ? '' : run.stderr.slice(-2500) }).toEqual({
    exitCode: 0,
    succeeded: STEPS,
    stderr: '',
  });
}

const commandsOf = (run: CliRun, stepId: string): CommandRecord[] =>
  run.events.flatMap((event) => (event.type === 'command' && event.stepId === stepId ? [event.command] : []));
const findings = (run: CliRun) => run.events.flatMap((event) => (event.type === 'finding' ? [event.text] : []));

async function countEvents(container: string): Promise<number> {
  return (
    JSON.parse(await docker(['exec', container, 'sqlite3', '-readonly', '-json', DB, 'SELECT count(*) AS n FROM events;'])) as Array<{
      n: number;
    }>
  )[0].n;
}

// Every row of the healthy copy (its -wal's included) is in the live database, unchanged.
async function expectEveryLocalRow(container: string, volume: CorruptVolume): Promise<void> {
  const scratch = mkdtempSync(join(volume.workDir, 'read-local-'));
  copyFileSync(volume.local.path, join(scratch, 'local.db'));
  copyFileSync(`${volume.local.path}-wal`, join(scratch, 'local.db-wal'));
  const local = new Database(join(scratch, 'local.db'), { readonly: true });
  const expected = local.prepare('SELECT id, at, note FROM events ORDER BY id').all();
  local.close();
  const sql = `SELECT id, at, note FROM events WHERE id <= ${volume.local.maxEventId} ORDER BY id;`;
  expect(JSON.parse(await docker(['exec', container, 'sqlite3', '-readonly', '-json', DB, sql]))).toEqual(expected);
}

// The corrupted files are in the incident's quarantine with the sha256 the record lists, and the .db still fails.
function expectQuarantined(volume: CorruptVolume): void {
  const manifest = readFileSync(join(volume.workDir, 'incident', 'quarantine.sha256'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(/\s+/));
  expect(manifest.map(([, path]) => path.split('/').pop())).toContain('app.db');
  for (const [hash, path] of manifest) expect(sha256File(join(volume.data, path.replace(/^\/data\//, '')))).toBe(hash);
}

describe('an app that crash-loops on its corrupt database under --restart unless-stopped', () => {
  const name = `${prefix}loop`;
  let volume: CorruptVolume;
  let run: CliRun;

  beforeAll(async () => {
    volume = await corruptVolume(`${prefix}loop-`);
    await runApp(name, volume.volume, APP_QUICK_CHECK_IMAGE, ['--restart', 'unless-stopped']);
    await waitUntil('the app crash-loops (restarted at least twice)', async () => (await appState(name)).restartCount >= 2, {
      timeoutMs: 60_000,
    });
    run = await restore(name, volume);
  }, 300_000);

  it('restore --yes --json exits 0, every step succeeded', () => {
    expectSucceeded(run);
    const stopped = run.events.find((event) => event.type === 'step-succeeded' && event.stepId === 'stop-app') as { durationMs: number };
    console.log(
      `[figures] crash loop: stop-app ${stopped.durationMs} ms; downtime ${(run.events.at(-1) as { downtimeMs?: number }).downtimeMs} ms`,
    );
  });

  it('nothing was run inside the app while it looped: its reads and the staging went through helpers', () => {
    const before = STEPS.slice(0, STEPS.indexOf('stop-app')).flatMap((step) => commandsOf(run, step));
    const inApp = before.filter(
      (command) => command.action.kind === 'argv' && command.action.where === 'container' && command.action.container === name,
    );
    expect(inApp).toEqual([]);
    expect(before.some((command) => command.action.kind === 'argv' && command.action.where === 'helper')).toBe(true);
  });

  it('ends running and stable: the restart count unchanged while it writes, its policy back to unless-stopped', async () => {
    const after = await appState(name);
    expect(after).toMatchObject({ status: 'running', restartCount: 0, policy: 'unless-stopped' });
    const rows = await countEvents(name);
    await waitUntil('the app writes 10 more rows', async () => (await countEvents(name)) >= rows + 10, { timeoutMs: 30_000 });
    expect(await appState(name)).toEqual(after);
  });

  it('holds every row of the healthy copy, and the corrupted files are in quarantine', async () => {
    await expectEveryLocalRow(name, volume);
    expectQuarantined(volume);
  });

  it('the record says what the policy was and that it was put back', () => {
    const report = readFileSync(join(volume.workDir, 'incident', 'report.md'), 'utf8');
    expect(report).toContain(`restart policy set to no for the downtime window (it was ${name}: unless-stopped)`);
    expect(report).toContain(`restart policy put back as it was: ${name}: unless-stopped`);
    expect(
      findings(run).some((text) =>
        /^verified: .*the app stayed up \d+\.\d s \(restart count 0, unchanged\) and wrote to the database$/.test(text),
      ),
    ).toBe(true);
  });
});

describe('the stop of an app, by what its PID 1 does with SIGTERM', () => {
  it.each([
    ['ignores it: killed after the 1 s grace, not the 10 s docker would wait', APP_IGNORES_SIGTERM_IMAGE, 'ign', 1, 137, [900, 4000]],
    ['traps it and takes 3 s to shut down cleanly: gets its 3 s', APP_SLOW_SIGTERM_IMAGE, 'slow', 10, 0, [3000, 9000]],
  ])(
    'PID 1 %s',
    async (_name, image, label, timeoutSec, exitCode, [least, most]) => {
      const name = `${prefix}${label}`;
      const volume = await corruptVolume(`${prefix}${label}-`);
      await runApp(name, volume.volume, image);
      await waitUntil(`${name} runs its writer`, async () => (await docker(['top', name])).includes('sqlite3'));
      const since = Math.floor(Date.now() / 1000);
      const run = await restore(name, volume);
      expectSucceeded(run);
      const stop = commandsOf(run, 'stop-app').find(
        (command) => command.action.kind === 'call' && command.action.call.includes('/stop?t='),
      );
      expect(stop?.action).toMatchObject({ cli: ['docker', 'stop', '-t', String(timeoutSec), name] });
      expect(stop?.durationMs).toBeGreaterThanOrEqual(least);
      expect(stop?.durationMs).toBeLessThan(most);
      // 137: killed; 0: it ran its handler to the end (its clean-shutdown row written, then exit 0).
      expect((await exitCodesSince(name, since))[0]).toBe(exitCode);
      if (exitCode === 137)
        expect(findings(run)).toContain(
          'PID 1 `/app/run.sh` ignores SIGTERM (it installs no handler, and the kernel drops it for a PID 1): docker would wait 10 s and ' +
            'then kill it; it is killed after a 1 s grace instead',
        );
      else expect(findings(run)).toContain(`PID 1 \`/app/run.sh\` handles SIGTERM: ${name} gets docker's default 10 s to exit`);
      expect(
        run.events.find(
          (event): event is Extract<RunEvent, { type: 'step-waiting' }> =>
            event.type === 'step-waiting' && event.stepId === 'stop-app' && event.what !== undefined,
        ),
      ).toMatchObject({ untilMs: expect.any(Number) });
      console.log(
        `[figures] PID 1 ${label}: stop ${stop?.durationMs} ms; downtime ${(run.events.at(-1) as { downtimeMs?: number }).downtimeMs} ms`,
      );
    },
    300_000,
  );
});

describe('Docker Swarm', () => {
  let lease: SwarmLease;

  beforeAll(async () => {
    lease = await leaseSingleNodeSwarm();
  }, 120_000);

  afterAll(async () => {
    await removeTestServices(prefix);
    await lease?.release();
  });

  it('a one-replica service with a volume: recovered, replicas back to 1, the new task writes', async () => {
    const service = `${prefix}svc`;
    const volume = await corruptVolume(`${prefix}svc-`);
    await createReplicatedService({ name: service, volumeName: volume.volume, image: APP_IMAGE });
    const [oldTask] = await runningTaskContainers(service);
    const run = await restore(service, volume);
    expectSucceeded(run);
    expect(await docker(['service', 'inspect', '--format', '{{.Spec.Mode.Replicated.Replicas}}', service])).toBe('1');
    const tasks = await runningTaskContainers(service);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).not.toBe(oldTask);
    const rows = await countEvents(tasks[0]);
    await waitUntil('the new task writes', async () => (await countEvents(tasks[0])) > rows, { timeoutMs: 30_000 });
    await expectEveryLocalRow(tasks[0], volume);
    expectQuarantined(volume);
    expect(
      commandsOf(run, 'stop-app').map((command) => command.action.kind === 'call' && command.action.cli.slice(0, 3).join(' ')),
    ).toEqual(expect.arrayContaining(['docker service scale', 'docker service ps']));
    const stopped = run.events.find((event) => event.type === 'step-succeeded' && event.stepId === 'stop-app') as { durationMs: number };
    console.log(
      `[figures] Swarm: stop-app ${stopped.durationMs} ms; downtime ${(run.events.at(-1) as { downtimeMs?: number }).downtimeMs} ms`,
    );
  }, 300_000);

  it('a global service is refused before anything changes, with what to do', async () => {
    const service = `${prefix}glob`;
    const volume = await corruptVolume(`${prefix}glob-`);
    await docker([
      'service',
      'create',
      '--detach',
      '--quiet',
      '--name',
      service,
      '--mode',
      'global',
      '--mount',
      `type=volume,source=${volume.volume},target=/data`,
      APP_IMAGE,
    ]);
    await waitUntil('its task runs', async () => (await runningTaskContainers(service)).length === 1, { timeoutMs: 60_000 });
    const [task] = await runningTaskContainers(service);
    const version = await docker(['service', 'inspect', '--format', '{{.Version.Index}}', service]);
    const run = await restore(service, volume);
    expect(run.exitCode).toBe(2);
    const failed = run.events.find((event): event is Extract<RunEvent, { type: 'step-failed' }> => event.type === 'step-failed');
    expect(failed).toMatchObject({
      stepId: 'find-container',
      message: expect.stringMatching(/is a task of the global Swarm service .+: it cannot be scaled to 0/),
      hint: expect.stringMatching(/— nothing was changed$/),
    });
    expect(run.stderr).toContain('what to do: recreate it as a replicated service for the restore');
    expect(await runningTaskContainers(service)).toEqual([task]);
    expect(await docker(['service', 'inspect', '--format', '{{.Version.Index}}', service])).toBe(version);
    expect(await docker(['ps', '-a', '--quiet', '--filter', 'label=sqlite-rescue.helper', '--filter', `name=${prefix}`])).toBe('');
    expect(existsSync(join(volume.data, 'rescue-quarantine'))).toBe(false);
  }, 300_000);
});

describe('Compose-labelled containers', () => {
  const project = `${prefix}shop`;
  const compose = (projectName: string, number: number) => [
    '--label',
    `com.docker.compose.project=${projectName}`,
    '--label',
    'com.docker.compose.service=web',
    '--label',
    `com.docker.compose.container-number=${number}`,
  ];
  let volume: CorruptVolume;

  beforeAll(async () => {
    volume = await corruptVolume(`${prefix}shop-`);
    const preview = await corruptVolume(`${prefix}shop-pr-3-`);
    await runApp(`${project}-web-1`, volume.volume, APP_IMAGE, [...compose(project, 1), '--restart', 'unless-stopped']);
    await runApp(`${project}-web-2`, volume.volume, APP_IMAGE, [...compose(project, 2), '--restart', 'unless-stopped']);
    await runApp(`${project}-pr-3-web-1`, preview.volume, APP_IMAGE, compose(`${project}-pr-3`, 1));
  }, 120_000);

  it('are ranked (production, replicas side by side, then the preview) and named by their service', async () => {
    const run = await runCli([
      'restore',
      '--dry-run',
      '--yes',
      '--json',
      '--container',
      project,
      '--db',
      DB,
      '--local',
      volume.local.path,
      '--incident-dir',
      join(volume.workDir, 'dry-1'),
    ]);
    // Two replicas of production: --yes will not guess which one the operator means.
    expect(run.exitCode).toBe(2);
    const listed = run.events.flatMap((event) =>
      event.type === 'step-output' && event.stepId === 'find-container' ? [event.line.split(/\s+/).slice(0, 3).join(' ')] : [],
    );
    expect(listed).toEqual([`production web ${project}-web-1`, `production web ${project}-web-2`, `preview web ${project}-pr-3-web-1`]);
  }, 120_000);

  it('replicas on one database: named as a risk, both stopped and started together (dry-run)', async () => {
    const run = await runCli([
      'restore',
      '--dry-run',
      '--yes',
      '--json',
      '--container',
      `${project}-web-1`,
      '--db',
      DB,
      '--local',
      volume.local.path,
      '--incident-dir',
      join(volume.workDir, 'dry-2'),
    ]);
    expect(run.exitCode).toBe(4);
    expect(findings(run)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          new RegExp(`^RISK: Compose service web has 2 replicas on one database .*: ${project}-web-1, ${project}-web-2$`),
        ),
      ]),
    );
    const plan = run.events.find((event) => event.type === 'step-not-performed' && event.stepId === 'stop-app') as Extract<
      RunEvent,
      { type: 'step-not-performed' }
    >;
    expect(plan.commands.slice(1, 3)).toEqual([
      `docker update --restart no ${project}-web-1`,
      `docker update --restart no ${project}-web-2`,
    ]);
    expect(plan.commands.slice(3)).toEqual([
      expect.stringMatching(new RegExp(`^docker stop -t \\d+ ${project}-web-1$`)),
      expect.stringMatching(new RegExp(`^docker stop -t \\d+ ${project}-web-2$`)),
    ]);
  }, 120_000);

  it('a stranger writing to the same volume is refused before anything changes, named, with what to do', async () => {
    const stranger = `${prefix}shop-backup`;
    await runApp(stranger, volume.volume, APP_IMAGE);
    const run = await runCli([
      'restore',
      '--yes',
      '--json',
      '--container',
      `${project}-web-1`,
      '--db',
      DB,
      '--local',
      volume.local.path,
      '--incident-dir',
      join(volume.workDir, 'refused'),
    ]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(`not part of the stop: ${stranger} (running)`);
    expect(run.stderr).toContain(
      `what to do: stop it first (\`docker stop ${stranger}\`) and start it again after the restore — nothing was changed`,
    );
    expect(await appState(`${project}-web-1`)).toMatchObject({ status: 'running', policy: 'unless-stopped' });
    expect(await docker(['ps', '-a', '--quiet', '--filter', 'label=sqlite-rescue.helper', '--filter', `name=${prefix}`])).toBe('');
    expect(existsSync(join(volume.data, 'rescue-quarantine'))).toBe(false);
    await docker(['rm', '--force', stranger]);
  }, 120_000);
});
