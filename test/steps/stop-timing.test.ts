import { describe, expect, it } from 'vitest';
import type { Pid1SignalsReading } from '../../src/ports/container-runtime.js';
import { decideStopTiming, describePid1Command, stopSeconds, type StopInput } from '../../src/steps/stop-timing.js';

const catches: Pid1SignalsReading = {
  known: true,
  signals: { catchesSigterm: true, ignoresSigterm: false, command: ['node', 'server.js'], via: 'exec' },
};
const deaf: Pid1SignalsReading = {
  known: true,
  signals: { catchesSigterm: false, ignoresSigterm: false, command: ['/bin/sh', '/app/run.sh'], via: 'exec' },
};
const ignores: Pid1SignalsReading = {
  known: true,
  signals: { catchesSigterm: false, ignoresSigterm: true, command: ['/app/server'], via: 'engine-host' },
};
const unknown: Pid1SignalsReading = { known: false, reason: 'the image has no cat to read /proc/1/status with' };
const base: StopInput = { name: 'app', state: 'running', stopTimeout: null, stopSignal: null, pid1: catches };

describe('decideStopTiming', () => {
  it.each<[string, Partial<StopInput>, { timeoutSec: number; fullSec: number; isDeaf: boolean; reason: string }]>([
    [
      'handles SIGTERM: docker default 10 s, never 30',
      {},
      {
        timeoutSec: 10,
        fullSec: 10,
        isDeaf: false,
        reason: "PID 1 `node server.js` handles SIGTERM: app gets docker's default 10 s to exit",
      },
    ],
    [
      'its own StopTimeout (Compose stop_grace_period)',
      { stopTimeout: 45 },
      {
        timeoutSec: 45,
        fullSec: 45,
        isDeaf: false,
        reason: 'PID 1 `node server.js` handles SIGTERM: app gets its own stop timeout of 45 s to exit',
      },
    ],
    [
      'a shell script without a trap: the short grace',
      { pid1: deaf },
      {
        timeoutSec: 1,
        fullSec: 10,
        isDeaf: true,
        reason:
          'PID 1 `/app/run.sh` ignores SIGTERM (it installs no handler, and the kernel drops it for a PID 1): docker would wait 10 s and ' +
          'then kill it; it is killed after a 1 s grace instead',
      },
    ],
    [
      'ignored outright, with its own timeout',
      { pid1: ignores, stopTimeout: 30 },
      {
        timeoutSec: 1,
        fullSec: 30,
        isDeaf: true,
        reason: 'PID 1 `/app/server` ignores SIGTERM: docker would wait 30 s and then kill it; it is killed after a 1 s grace instead',
      },
    ],
    [
      '--stop-timeout wins over everything',
      { flagSec: 3, stopTimeout: 45 },
      { timeoutSec: 3, fullSec: 3, isDeaf: false, reason: '--stop-timeout 3: app gets 3 s to exit' },
    ],
    [
      '--stop-timeout on a deaf PID 1: asked for, and said',
      { flagSec: 5, pid1: deaf },
      {
        timeoutSec: 5,
        fullSec: 5,
        isDeaf: true,
        reason: '--stop-timeout 5: app gets 5 s to exit; PID 1 `/app/run.sh` ignores SIGTERM, so all 5 s pass before docker kills it',
      },
    ],
    [
      'unknown signals: the full grace, saying why',
      { pid1: unknown },
      {
        timeoutSec: 10,
        fullSec: 10,
        isDeaf: false,
        reason:
          "whether PID 1 handles SIGTERM is unknown (the image has no cat to read /proc/1/status with): app gets docker's default 10 s " +
          'to exit',
      },
    ],
    [
      "another stop signal: SIGTERM's bit says nothing",
      { pid1: deaf, stopSignal: 'SIGQUIT' },
      { timeoutSec: 10, fullSec: 10, isDeaf: false, reason: "app stops on SIGQUIT, not SIGTERM: it gets docker's default 10 s to exit" },
    ],
    [
      'stop signal spelled TERM is SIGTERM',
      { pid1: deaf, stopSignal: 'TERM' },
      {
        timeoutSec: 1,
        fullSec: 10,
        isDeaf: true,
        reason:
          'PID 1 `/app/run.sh` ignores SIGTERM (it installs no handler, and the kernel drops it for a PID 1): docker would wait 10 s and ' +
          'then kill it; it is killed after a 1 s grace instead',
      },
    ],
    [
      'crash-looping: nothing to wait for',
      { state: 'restarting', pid1: null },
      {
        timeoutSec: 10,
        fullSec: 10,
        isDeaf: false,
        reason: 'app is restarting: it is between two crashes: the stop cancels the restart docker has scheduled',
      },
    ],
    [
      'exited',
      { state: 'exited', pid1: null },
      { timeoutSec: 10, fullSec: 10, isDeaf: false, reason: 'app is exited: nothing in it runs' },
    ],
    [
      'a Swarm task, deaf: killed at once',
      { pid1: deaf, isSwarmTask: true },
      {
        timeoutSec: 0,
        fullSec: 10,
        isDeaf: true,
        reason:
          'PID 1 `/app/run.sh` ignores SIGTERM: Swarm would wait 10 s and then kill its task; it is killed as soon as the service is ' +
          'scaled to 0',
      },
    ],
    [
      'a Swarm task that handles SIGTERM',
      { isSwarmTask: true },
      {
        timeoutSec: 10,
        fullSec: 10,
        isDeaf: false,
        reason:
          "PID 1 `node server.js` handles SIGTERM: Swarm gives its task docker's default 10 s to exit once the service is scaled to 0",
      },
    ],
  ])('%s', (_name, input, expected) => {
    expect(decideStopTiming({ ...base, ...input })).toMatchObject(expected);
  });

  it.each([
    [{ pid1: deaf }, { likely: 1, atMost: 1 }],
    [{}, { likely: 1, atMost: 10 }],
    [
      { state: 'restarting' as const, pid1: null },
      { likely: 0, atMost: 0 },
    ],
    [
      { pid1: deaf, flagSec: 4 },
      { likely: 4, atMost: 4 },
    ],
  ])('stopSeconds %#', (input, expected) => {
    expect(stopSeconds(decideStopTiming({ ...base, ...input }))).toEqual(expected);
  });

  it.each([
    [['/bin/sh', '/app/run.sh'], '/app/run.sh'],
    [['sh', '-c', 'exec node app.js'], 'sh -c exec node app.js'],
    [['node', 'app.js'], 'node app.js'],
    [['/bin/bash', '/entrypoint.sh', 'serve'], '/entrypoint.sh serve'],
    [[], 'PID 1'],
  ])('describePid1Command %j', (command, expected) => {
    expect(describePid1Command(command)).toBe(expected);
  });
});
