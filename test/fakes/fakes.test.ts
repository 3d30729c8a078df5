// The fakes keep the promises the steps rely on; a fake that lied would make every step test meaningless.
import { describe, expect, it } from 'vitest';
import { fakeDb } from './fake-db.js';
import { makeDeps } from './make-deps.js';

function world() {
  const made = makeDeps();
  made.runtime.addContainer({
    name: 'app',
    mounts: [
      { destination: '/data', volume: 'app-data' },
      { destination: '/uploads', volume: 'up' },
    ],
  });
  made.runtime.putFile('app', '/data/app.db', fakeDb({ tables: { t: 1 } }));
  return made;
}

describe('FakeContainerRuntime', () => {
  it('throws on an argv it does not model', async () => {
    const { runtime } = world();
    await expect(runtime.exec('app', ['rm', '-rf', '/data'])).rejects.toThrow('exec of an argv it does not model: ["rm","-rf","/data"]');
    await expect(runtime.exec('app', ['rm', '-f', '/data/app.db'])).rejects.toThrow(
      'rm of /data/app.db, which is not a staged copy: nothing else may be deleted',
    );
    await expect(runtime.exec('app', ['sqlite3', '/data/app.db', 'PRAGMA integrity_check;'])).rejects.toThrow('does not model');
  });

  it('answers 127 for a binary the image lacks', async () => {
    const { runtime } = world();
    runtime.withoutBinary('sqlite3');
    expect(
      await runtime.exec('app', ['sqlite3', '-readonly', '/data/app.db', 'PRAGMA mmap_size=2147418112; PRAGMA integrity_check;']),
    ).toMatchObject({ exitCode: 127 });
  });

  it('a helper sees the target volumes, even with the target stopped; exec on the stopped target rejects', async () => {
    const { runtime } = world();
    await runtime.stop('app', 1);
    await expect(runtime.exec('app', ['mkdir', '-p', '/data/q'])).rejects.toThrow('not running');
    const helper = await runtime.startHelper('app', { name: 'app-helper', label: 'I' });
    expect(await runtime.exec(helper, ['mkdir', '-p', '/data/q'])).toMatchObject({ exitCode: 0 });
    expect(await runtime.exec(helper, ['mv', '/data/app.db', '/data/q/app.db'])).toMatchObject({ exitCode: 0 });
    expect(runtime.listFiles('app', '/data')).toEqual(['/data/q/app.db']);
    await runtime.removeHelper(helper);
    // Idempotent, as the adapter is: a helper already gone resolves.
    await runtime.removeHelper(helper);
    expect((await runtime.listContainers()).map((container) => container.id)).not.toContain(helper);
  });

  it('mv into a missing folder fails; across volumes it throws (a copy, not a rename)', async () => {
    const { runtime } = world();
    expect(await runtime.exec('app', ['mv', '/data/app.db', '/data/nope/app.db'])).toMatchObject({ exitCode: 1 });
    await expect(runtime.exec('app', ['mv', '/data/app.db', '/uploads/app.db'])).rejects.toThrow('crosses filesystems');
  });

  it('refuses to remove a container that is not a helper', async () => {
    const { runtime } = world();
    await expect(runtime.removeHelper('app')).rejects.toThrow('not a helper');
  });
});

describe('FakeClock', () => {
  it('moves only when someone sleeps', async () => {
    const { clock } = makeDeps();
    const start = clock.now();
    await clock.sleep(500);
    expect(clock.now() - start).toBe(500);
    expect(clock.sleeps).toEqual([500]);
  });
});
