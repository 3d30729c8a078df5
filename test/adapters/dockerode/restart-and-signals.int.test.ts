// DockerRuntime's restart policy, stop settings, kill and PID 1's SIGTERM mask, against the real engine and the test
// apps that misbehave the way real ones do (test/support/docker/app-scripts.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Dockerode from 'dockerode';
import { createLocalRuntime, DockerRuntime } from '../../../src/adapters/dockerode/index.js';
import { parseProc } from '../../../src/adapters/dockerode/pid1-signals.js';
import { ContainerNotFoundError } from '../../../src/runbook/errors.js';
import {
  APP_IGNORES_SIGTERM_IMAGE,
  APP_IMAGE,
  APP_SLOW_SIGTERM_IMAGE,
  docker,
  makeTestPrefix,
  NO_CAT_IMAGE,
  removeTestResources,
  startAppContainer,
} from '../../support/docker/index.js';

const prefix = makeTestPrefix('rsig');
const runtime = createLocalRuntime();
// The same engine, but an adapter that cannot read the engine host's files.
const withoutHost = new DockerRuntime(new Dockerode({ socketPath: '/var/run/docker.sock' }), 'local engine, host unreadable');

beforeAll(async () => {
  await removeTestResources(prefix);
});

afterAll(async () => {
  await removeTestResources(prefix);
});

async function until(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('inspect: restart policy and stop settings', () => {
  it('reads what docker run set', async () => {
    const id = await docker([
      'run',
      '--detach',
      '--name',
      `${prefix}set`,
      '--restart',
      'on-failure:3',
      '--stop-timeout',
      '25',
      '--stop-signal',
      'SIGQUIT',
      APP_IMAGE,
    ]);
    const details = await runtime.inspect(id);
    expect(details).toMatchObject({
      restartPolicy: { name: 'on-failure', maximumRetryCount: 3 },
      restartCount: 0,
      stopTimeout: 25,
      stopSignal: 'SIGQUIT',
      swarm: null,
    });
    expect(details.pid).toBe(Number(await docker(['inspect', '--format', '{{.State.Pid}}', id])));
    expect(details.pid).toBeGreaterThan(1);
  });

  it('reads the defaults as no policy, no stop timeout, no stop signal; no pid once stopped', async () => {
    const app = await startAppContainer({ name: `${prefix}plain`, volumeName: `${prefix}plain-data` });
    await docker(['stop', app.name]);
    expect(await runtime.inspect(app.id)).toMatchObject({
      restartPolicy: { name: 'no', maximumRetryCount: 0 },
      stopTimeout: null,
      stopSignal: null,
      pid: null,
    });
  });
});

describe('setRestartPolicy', () => {
  it('changes the policy of a running and of a stopped container, as docker inspect shows it', async () => {
    const id = await docker(['run', '--detach', '--name', `${prefix}pol`, '--restart', 'unless-stopped', APP_IMAGE]);
    await runtime.setRestartPolicy(id, { name: 'no', maximumRetryCount: 0 });
    expect(await docker(['inspect', '--format', '{{.HostConfig.RestartPolicy.Name}}', id])).toBe('no');
    await docker(['stop', id]);
    await runtime.setRestartPolicy(id, { name: 'on-failure', maximumRetryCount: 5 });
    expect(
      await docker(['inspect', '--format', '{{.HostConfig.RestartPolicy.Name}} {{.HostConfig.RestartPolicy.MaximumRetryCount}}', id]),
    ).toBe('on-failure 5');
    await runtime.setRestartPolicy(id, { name: 'unless-stopped', maximumRetryCount: 0 });
    expect((await runtime.inspect(id)).restartPolicy).toEqual({ name: 'unless-stopped', maximumRetryCount: 0 });
  });

  it('throws ContainerNotFoundError for an unknown container', async () => {
    await expect(runtime.setRestartPolicy(`${prefix}nobody`, { name: 'no', maximumRetryCount: 0 })).rejects.toBeInstanceOf(
      ContainerNotFoundError,
    );
  });
});

describe('kill', () => {
  it('SIGKILL ends a running container (exit 137); a stopped one answers false', async () => {
    const id = await docker(['run', '--detach', '--name', `${prefix}kill`, APP_IGNORES_SIGTERM_IMAGE]);
    expect(await runtime.kill(id, 'SIGKILL')).toBe(true);
    await until(async () => (await runtime.inspect(id)).state === 'exited', 10_000);
    expect(await docker(['inspect', '--format', '{{.State.ExitCode}}', id])).toBe('137');
    expect(await runtime.kill(id, 'SIGKILL')).toBe(false);
  });

  it('SIGTERM is delivered to a PID 1 that ignores it, and it keeps running', async () => {
    const id = await docker(['run', '--detach', '--name', `${prefix}term`, APP_IGNORES_SIGTERM_IMAGE]);
    expect(await runtime.kill(id, 'SIGTERM')).toBe(true);
    // Nothing to await: the claim is that nothing happens; one second is what docker stop would have started with.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await runtime.inspect(id)).state).toBe('running');
  });

  it('throws ContainerNotFoundError for an unknown container', async () => {
    await expect(runtime.kill(`${prefix}nobody`, 'SIGKILL')).rejects.toBeInstanceOf(ContainerNotFoundError);
  });
});

describe('readPid1Signals', () => {
  it('the drill app traps SIGTERM (read through exec)', async () => {
    const app = await startAppContainer({ name: `${prefix}app`, volumeName: `${prefix}app-data` });
    expect(await runtime.readPid1Signals(app.id)).toEqual({
      known: true,
      signals: { catchesSigterm: true, ignoresSigterm: false, command: ['/bin/sh', '/app/run.sh'], via: 'exec' },
    });
  });

  it('a shell script without a trap does not catch it', async () => {
    const id = await docker(['run', '--detach', '--name', `${prefix}ign`, APP_IGNORES_SIGTERM_IMAGE]);
    expect(await runtime.readPid1Signals(id)).toMatchObject({
      known: true,
      signals: { catchesSigterm: false, ignoresSigterm: false, via: 'exec' },
    });
  });

  it('the slow app traps it too', async () => {
    const id = await docker(['run', '--detach', '--name', `${prefix}slow`, APP_SLOW_SIGTERM_IMAGE]);
    expect(await runtime.readPid1Signals(id)).toMatchObject({ known: true, signals: { catchesSigterm: true } });
  });

  it('an image without cat is read on the engine host, proven by its cgroup', async () => {
    const id = await docker(['run', '--detach', '--name', `${prefix}nocat`, NO_CAT_IMAGE]);
    expect(await runtime.readPid1Signals(id)).toEqual({
      known: true,
      signals: { catchesSigterm: false, ignoresSigterm: false, command: ['/bin/busybox', 'sleep', '86400'], via: 'engine-host' },
    });
  });

  it('says why when neither way works', async () => {
    const id = await docker(['run', '--detach', '--name', `${prefix}nocat2`, NO_CAT_IMAGE]);
    const reading = await withoutHost.readPid1Signals(id);
    expect(reading).toEqual({
      known: false,
      reason: "the image has no cat to read /proc/1/status with, and the engine's host cannot be read from here",
    });
  });

  it('a stopped container has no PID 1 to read', async () => {
    const id = await docker(['create', '--name', `${prefix}never`, APP_IMAGE]);
    expect(await runtime.readPid1Signals(id)).toEqual({ known: false, reason: `${prefix}never is created: it has no PID 1 to look at` });
  });

  it('throws ContainerNotFoundError for an unknown container', async () => {
    await expect(runtime.readPid1Signals(`${prefix}nobody`)).rejects.toBeInstanceOf(ContainerNotFoundError);
  });
});

describe('parseProc', () => {
  const status = (cgt: string, ign: string) =>
    `Name:\tnode\nState:\tS (sleeping)\nSigQ:\t0/31413\nSigPnd:\t0000000000000000\nShdPnd:\t0000000000000000\nSigBlk:\t0000000000000000\nSigIgn:\t${ign}\nSigCgt:\t${cgt}\n`;
  it.each([
    [
      'SIGTERM is signal 15: bit 14 (0x4000)',
      status('0000000000004002', '0000000000000000'),
      { catchesSigterm: true, ignoresSigterm: false },
    ],
    ['SIGINT and SIGCHLD only', status('0000000000010002', '0000000000000000'), { catchesSigterm: false, ignoresSigterm: false }],
    ['ignored outright', status('0000000000000000', '0000000000004000'), { catchesSigterm: false, ignoresSigterm: true }],
    ['high signals do not confuse it', status('fffffffe00000000', '0000000000000000'), { catchesSigterm: false, ignoresSigterm: false }],
  ])('%s', (_name, text, expected) => {
    expect(parseProc(text, 'node\0server.js\0', 'exec')).toEqual({ signals: { ...expected, command: ['node', 'server.js'], via: 'exec' } });
  });

  it('an empty command line and a status without the masks', () => {
    expect(parseProc(status('0', '0'), '', 'exec')).toMatchObject({ signals: { command: [] } });
    expect(parseProc('Name:\tx\n', 'x\0', 'exec')).toEqual({ reason: 'its /proc status has no SigCgt/SigIgn lines' });
  });
});
