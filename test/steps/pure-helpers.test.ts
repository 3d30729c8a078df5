import { describe, expect, it } from 'vitest';
import type { SourceCandidate } from '../../src/steps/facts.js';
import { rankSources, totalRows } from '../../src/steps/choose-source.js';
import { missingRows } from '../../src/steps/verify.js';
import { describeRunState } from '../../src/steps/run-state.js';
import { makeProgressMeter } from '../../src/steps/progress-meter.js';
import type { ProgressInfo } from '../../src/runbook/events.js';
import type { Facts, Target } from '../../src/steps/facts.js';

function source(id: string, extra: Partial<SourceCandidate>): SourceCandidate {
  return {
    id,
    kind: 'backup',
    path: `/data/backups/${id}.db`,
    ok: true,
    mtime: '2025-01-01T00:00:00.000Z',
    size: 4096,
    tables: {},
    errors: [],
    ...extra,
  };
}

describe('rankSources', () => {
  it.each([
    [
      'more rows first even when older',
      [
        source('new-but-stale', { mtime: '2025-01-02T00:00:00.000Z', tables: { posts: 10 } }),
        source('old-but-full', { mtime: '2024-12-01T00:00:00.000Z', tables: { posts: 12 } }),
      ],
      ['old-but-full', 'new-but-stale'],
    ],
    [
      'newest mtime breaks a tie',
      [
        source('older', { mtime: '2025-01-01T00:00:00.000Z', tables: { posts: 3 } }),
        source('newer', { mtime: '2025-01-02T00:00:00.000Z', tables: { posts: 3 } }),
      ],
      ['newer', 'older'],
    ],
    [
      'unhealthy last, whatever its rows',
      [source('corrupt', { ok: false, tables: { posts: 1000 } }), source('small', { tables: { posts: 1 } })],
      ['small', 'corrupt'],
    ],
  ])('%s', (_name, input, expected) => {
    expect(rankSources(input).map((entry) => entry.id)).toEqual(expected);
  });

  it('does not reorder its input', () => {
    const input = [source('a', { tables: { t: 1 } }), source('b', { tables: { t: 2 } })];
    rankSources(input);
    expect(input.map((entry) => entry.id)).toEqual(['a', 'b']);
  });

  it('totalRows sums every table', () => {
    expect(totalRows({ posts: 3, users: 4 })).toBe(7);
    expect(totalRows({})).toBe(0);
  });
});

describe('missingRows', () => {
  it.each([
    ['same counts', { posts: 3 }, { posts: 3 }, []],
    ['more rows live (the app wrote)', { posts: 3 }, { posts: 5 }, []],
    ['fewer rows live', { posts: 3, users: 2 }, { posts: 1, users: 2 }, ['posts: 1 rows live, 3 in the snapshot']],
    ['table missing live', { posts: 3 }, {}, ['posts: 0 rows live, 3 in the snapshot']],
    ['extra live table', {}, { sessions: 9 }, []],
  ])('%s', (_name, snapshot, live, expected) => {
    expect(missingRows(snapshot, live)).toEqual(expected);
  });
});

describe('describeRunState', () => {
  const target: Target = {
    containerId: 'c1',
    containerName: 'app',
    image: 'app:1',
    appName: 'app',
    dbPath: '/data/app.db',
    dataMount: { type: 'volume', name: 'v', source: '/v', destination: '/data' },
  };
  it.each([
    ['nothing known', {}, undefined],
    ['nothing changed', { target }, 'nothing was changed'],
    ['staged only', { target, stagedPath: '/data/.x' }, 'the live database is unchanged; a verified copy waits at /data/.x'],
    [
      'stopped, not started',
      { target, stoppedAt: 1, stagedPath: '/data/.x' },
      'the app is STOPPED: start it with `docker start app`; the live database is unchanged; a verified copy waits at /data/.x',
    ],
    [
      'half moved',
      {
        target,
        stoppedAt: 1,
        quarantineDir: '/data/q',
        quarantined: [{ from: '/data/app.db', to: '/data/q/app.db', size: 1, sha256: '' }],
      },
      // Started now, the app would create an empty database under the live name.
      'the app is STOPPED: do not start it before the swap is finished (`sqlite-rescue resume`); /data/app.db moved to /data/q but the ' +
        'staged copy is not in place yet',
    ],
    [
      'swapped and started',
      { target, stoppedAt: 1, startedAt: 2, swapped: true, quarantineDir: '/data/q' },
      'the restored database is in place; the old files are in /data/q',
    ],
  ])('%s', (_name, facts, expected) => {
    expect(describeRunState(facts)).toBe(expected);
  });

  it.each([
    ['running, as this run left it', {}, 'running', 'nothing was changed'],
    [
      'down although this run never stopped it',
      {},
      'exited',
      'the app is NOT running (exited) although this run did not stop it (did the Docker engine restart?): start it with `docker start app`; nothing was changed',
    ],
    [
      'stopped by this run: said once',
      { stoppedAt: 1 },
      'exited',
      'the app is STOPPED: start it with `docker start app`; nothing was changed',
    ],
    [
      'engine silent',
      {},
      'unknown: the engine does not answer',
      "the app's state is unknown: the engine does not answer: check it with `docker ps -a`; nothing was changed",
    ],
  ])("with the engine's view: %s", (_name, facts, actual, expected) => {
    expect(describeRunState({ target, ...facts }, actual)).toBe(expected);
  });

  const policies = [{ id: 'c1', name: 'app', policy: { name: 'always' as const, maximumRetryCount: 0 } }];
  it.each<[string, Partial<Facts>, string]>([
    [
      'stopped, its policy set to no: says what it was and how to put it back',
      { stoppedAt: 1, stagedPath: '/data/.x', downtime: { policies } },
      'the app is STOPPED: start it with `docker start app`; restart policy set to no for the downtime window (it was app: always): ' +
        '`sqlite-rescue resume` puts it back, or by hand: docker update --restart always app; the live database is unchanged; a verified ' +
        'copy waits at /data/.x',
    ],
    [
      'half swapped: the policy goes back only once the restore is finished',
      {
        stoppedAt: 1,
        downtime: { policies },
        quarantineDir: '/data/q',
        quarantined: [{ from: '/data/app.db', to: '/data/q/app.db', size: 1, sha256: '' }],
      },
      'the app is STOPPED: do not start it before the swap is finished (`sqlite-rescue resume`); restart policy set to no for the ' +
        'downtime window (it was app: always): `sqlite-rescue resume` finishes the restore and puts it back; by hand only once the swap ' +
        'is finished: docker update --restart always app; /data/app.db moved to /data/q but the staged copy is not in place yet',
    ],
    [
      'put back already: nothing more to say about it',
      { stoppedAt: 1, startedAt: 2, swapped: true, quarantineDir: '/data/q', downtime: { policies, restoredAt: 'x' } },
      'the restored database is in place; the old files are in /data/q',
    ],
    [
      'a Swarm service scaled to 0',
      {
        stoppedAt: 1,
        stagedPath: '/data/.x',
        writers: { kind: 'swarm', service: { id: 's', name: 'shop_web', replicas: 2 } },
        downtime: { policies: [], service: { id: 's', name: 'shop_web', replicas: 2 } },
      },
      'the app is STOPPED: Swarm service shop_web runs no task; Swarm service shop_web is scaled to 0 (it had 2): `sqlite-rescue resume` ' +
        'scales it back, or by hand: docker service scale shop_web=2; the live database is unchanged; a verified copy waits at /data/.x',
    ],
    [
      'an app that was down when the run began is not news',
      { appWasDown: { state: 'restarting', restartCount: 3 } },
      'the app is ' + 'restarting, as it was when the run began; nothing was changed',
    ],
  ])('what this run changed: %s', (_name, facts, expected) => {
    expect(describeRunState({ target, ...facts }, facts.appWasDown ? 'restarting' : undefined)).toBe(expected);
  });
});

describe('makeProgressMeter', () => {
  it('emits at most once an interval, always the last, with rate and ETA', () => {
    let now = 0;
    const seen: ProgressInfo[] = [];
    const meter = makeProgressMeter(
      () => now,
      (progress) => seen.push(progress),
      200,
    );
    now = 100;
    meter(100, 1000);
    now = 150;
    meter(150, 1000);
    now = 500;
    meter(500, 1000);
    now = 600;
    meter(1000, 1000);
    expect(seen).toEqual([
      { done: 100, total: 1000, unit: 'bytes', rate: 1000, etaSec: 0.9 },
      { done: 500, total: 1000, unit: 'bytes', rate: 1000, etaSec: 0.5 },
      { done: 1000, total: 1000, unit: 'bytes', rate: 1000 / 0.6, etaSec: 0 },
    ]);
  });
});
