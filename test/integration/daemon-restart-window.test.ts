// The Docker daemon restarts in the middle of the downtime window (issue 12): an app under `--restart always` comes
// back when the daemon restarts, even after it was stopped by hand, so the tool sets its policy to `no` before the stop.
// Here the run is frozen right after the stop, the engine it talks to is restarted, and the app must stay down; the
// frozen run is then killed, and `resume` finishes the recovery and puts `always` back.
//
// The engine restarted is the test's own (test/support/docker/private-engine.ts: dockerd in a network namespace of
// its own), never the shared one: other tests run against that one meanwhile.
import { execa } from 'execa';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAILPOINT_CLI_PATH, runCli } from '../support/cli.js';
import { APP_IMAGE, docker, ensureTestImages, makeTestPrefix, removeTestResources } from '../support/docker/index.js';
import { startPrivateEngine, type PrivateEngine } from '../support/docker/private-engine.js';
import { appState, corruptVolume, runApp, type CorruptVolume } from '../support/real-app-outage.js';
import { waitUntil } from '../support/wait-until.js';

const DB = '/data/app.db';
const prefix = makeTestPrefix('drw');
let engine: PrivateEngine;
let volume: CorruptVolume;
const app = `${prefix}app`;
const control = `${prefix}control`;

beforeAll(async () => {
  engine = await startPrivateEngine(`srt-drw-${process.pid}`);
  // This worker's docker CLI (the test's helpers) and the CLI under test both talk to the private engine from here on.
  process.env.DOCKER_HOST = engine.dockerHost;
  await ensureTestImages();
  volume = await corruptVolume(`${prefix}`);
  await runApp(app, volume.volume, APP_IMAGE, ['--restart', 'always']);
  // The control: `always`, stopped by hand, as the app will be. The daemon restart must bring it back.
  await runApp(control, `${prefix}control-data`, APP_IMAGE, ['--restart', 'always']);
  await waitUntil('the app runs its writer', async () => (await docker(['top', app])).includes('sqlite3'));
  await docker(['stop', control]);
}, 300_000);

afterAll(async () => {
  if (engine) {
    await removeTestResources(prefix).catch(() => undefined);
    await engine.stop();
  }
  if (volume) rmSync(volume.workDir, { recursive: true, force: true });
  delete process.env.DOCKER_HOST;
}, 120_000);

describe('the Docker daemon restarts during the downtime window', () => {
  it('cannot revive the writer before the swap (its policy is no by then), and resume puts the policy back', async () => {
    const incidentDir = join(volume.workDir, 'incident');
    const env = { DOCKER_HOST: engine.dockerHost, XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'drw-locks-')) };
    const args = [
      'restore',
      '--yes',
      '--json',
      '--container',
      app,
      '--db',
      DB,
      '--local',
      volume.local.path,
      '--incident-dir',
      incidentDir,
    ];
    // Frozen (SIGSTOP) right after the stop: the window is open, nothing swapped yet.
    const frozen = execa('node', [FAILPOINT_CLI_PATH, ...args], {
      env: { ...env, SQLITE_RESCUE_FAILPOINT: 'step-succeeded:stop-app:1:stop' },
      reject: false,
      stdin: 'ignore',
    });
    await waitUntil(
      'the run is frozen after the stop',
      async () => (await execa('ps', ['-o', 'stat=', '-p', String(frozen.pid)], { reject: false })).stdout.trim().startsWith('T'),
      { timeoutMs: 240_000 },
    );
    expect(await appState(app)).toMatchObject({ status: 'exited', policy: 'no' });

    await engine.restart();
    await waitUntil(
      'the daemon restarted the control (always, stopped by hand)',
      async () => (await appState(control)).status === 'running',
      { timeoutMs: 30_000 },
    );
    // The same daemon restart left the app down: nothing may write to the volume before the swap.
    expect(await appState(app)).toMatchObject({ status: 'exited', policy: 'no' });
    expect(existsSync(join(volume.data, 'app.db'))).toBe(true);

    // The frozen run dies as a crash would end it.
    process.kill(frozen.pid as number, 'SIGKILL');
    await frozen;
    const resumed = await runCli(['resume', incidentDir, '--yes', '--json'], { env });
    expect({ exit: resumed.exitCode, stderr: resumed.exitCode === 0 ? '' : resumed.stderr.slice(-2500) }).toEqual({ exit: 0, stderr: '' });
    expect(await appState(app)).toMatchObject({ status: 'running', policy: 'always' });
    expect((await docker(['exec', app, 'sqlite3', '-readonly', DB, 'PRAGMA integrity_check;'])).trim()).toBe('ok');
    expect(
      resumed.events.some((event) => event.type === 'finding' && event.text === `restart policy put back as it was: ${app}: always`),
    ).toBe(true);
  }, 300_000);
});
