import { describe, expect, it } from 'vitest';
import { chooseSource } from '../../src/steps/choose-source.js';
import type { BackupReport } from '../../src/steps/facts.js';
import { fakeDb } from '../fakes/fake-db.js';
import { makeDeps } from '../fakes/make-deps.js';
import { LOCAL, LOCAL_TABLES } from '../fakes/outage.js';
import { runStep } from '../fakes/run-step.js';

function backup(path: string, extra: Partial<BackupReport> & { ok?: boolean } = {}): BackupReport {
  const { ok = true, ...rest } = extra;
  const verdict = {
    verdict: ok ? 'ok' : 'corrupt',
    check: 'integrity_check',
    errors: ok ? [] : ['Page 2: never used'],
    errorCount: ok ? 0 : 1,
    ranBy: 'sqlite3 in the container',
    onCopy: false,
  } as const;
  return { path, size: 8192, mtime: '2025-01-01T00:00:00.000Z', verdict, tables: { posts: 30 }, ...rest };
}

describe('choose-source', () => {
  it('--yes prefers the healthy --local copy, even over a backup with more rows, and says so', async () => {
    const world = makeDeps({ local: LOCAL });
    world.files.put(LOCAL, fakeDb({ tables: LOCAL_TABLES }), '2024-12-30T00:00:00.000Z');
    world.files.put(`${LOCAL}-wal`, 'wal', '2024-12-30T06:00:00.000Z');
    world.facts.backups = [
      backup('/data/backups/big.db', { tables: { posts: 900 } }),
      backup('/data/backups/bad.db', { ok: false, tables: undefined }),
    ];
    const run = await runStep(chooseSource, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.facts.source).toMatchObject({
      id: 'local',
      kind: 'local',
      path: LOCAL,
      mtime: '2024-12-30T06:00:00.000Z',
      tables: LOCAL_TABLES,
    });
    expect(world.facts.sources?.map((source) => source.id)).toEqual(['backup:/data/backups/big.db', 'local']);
    expect(run.findings[0]).toBe('note: /data/backups/big.db hold(s) more rows than the chosen source');
    // The local copy is looked at read-only, through SQLite on this machine, and each call is recorded as such.
    expect(run.commands.map((command) => command.action)).toEqual([
      { kind: 'call', where: 'local', call: `stat ${LOCAL}`, cli: ['stat', LOCAL], mutates: false },
      { kind: 'call', where: 'local', call: `stat ${LOCAL}-wal`, cli: ['stat', `${LOCAL}-wal`], mutates: false },
      {
        kind: 'call',
        where: 'local',
        call: `better-sqlite3, read-only: PRAGMA quick_check on ${LOCAL}`,
        cli: ['sqlite3', '-readonly', LOCAL, 'PRAGMA quick_check;'],
        mutates: false,
      },
      {
        kind: 'call',
        where: 'local',
        call: `better-sqlite3, read-only: count(*) of every table in ${LOCAL}`,
        cli: ['sqlite3', '-readonly', LOCAL, 'SELECT count(*) FROM <table>;'],
        mutates: false,
      },
    ]);
  });

  it('no --local: the healthy backup with the most rows', async () => {
    const world = makeDeps({});
    world.facts.backups = [
      backup('/b/new.db', { mtime: '2025-01-02T00:00:00.000Z', tables: { posts: 10 } }),
      backup('/b/old.db', { mtime: '2024-12-01T00:00:00.000Z', tables: { posts: 20 } }),
    ];
    const run = await runStep(chooseSource, world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.facts.source?.path).toBe('/b/old.db');
    expect(run.events.find((event) => event.type === 'step-succeeded')).toMatchObject({ summary: 'backup /b/old.db (20 rows)' });
  });

  it('interactive: only healthy copies are offered, the preferred one preselected', async () => {
    const world = makeDeps({ local: LOCAL });
    world.files.put(LOCAL, fakeDb({ tables: { posts: 1 } }));
    world.facts.backups = [backup('/b/a.db'), backup('/b/bad.db', { ok: false })];
    const run = await runStep(chooseSource, world.deps, {
      answer: (prompt) => {
        expect(prompt).toMatchObject({ kind: 'select', initialIndex: 1 });
        expect(prompt.kind === 'select' && prompt.options.map((option) => option.value)).toEqual(['backup:/b/a.db', 'local']);
        return { kind: 'select', value: 'backup:/b/a.db' };
      },
    });
    expect(run.exitCode).toBe(0);
    expect(world.facts.source?.id).toBe('backup:/b/a.db');
  });

  it('no healthy source: fails, nothing changed, the hint names .recover', async () => {
    const world = makeDeps({ local: LOCAL });
    world.files.put(LOCAL, fakeDb({ tables: { posts: 1 }, errors: ['Page 4: never used'] }));
    world.facts.backups = [backup('/b/bad.db', { ok: false })];
    const run = await runStep(chooseSource, world.deps);
    expect(run.exitCode).toBe(1);
    expect(run.failed?.message).toBe(
      'no healthy source: the local copy is corrupt (Page 4: never used) and no backup passes integrity_check',
    );
    expect(run.failed?.hint).toContain('nothing was changed');
    expect(run.failed?.hint).toContain('.recover');
    expect(world.facts.source).toBeUndefined();
  });

  it('dry-run with no healthy source: ends the run with the reason, which is the dry-run verdict; the options as a finding', async () => {
    const world = makeDeps({});
    world.facts.backups = [];
    const run = await runStep(chooseSource, world.deps, { isDryRun: true });
    expect(run.failed).toBeUndefined();
    expect(run.finished.headline).toBe('no healthy source: no --local copy was given and no backup passes integrity_check');
    expect(world.facts.noSourceReason).toBe('no healthy source: no --local copy was given and no backup passes integrity_check');
    expect(run.findings[0]).toContain('.recover');
  });

  it('no --local and no backups: the message says both', async () => {
    const world = makeDeps({});
    world.facts.backups = [];
    const run = await runStep(chooseSource, world.deps);
    expect(run.failed?.message).toBe('no healthy source: no --local copy was given and no backup passes integrity_check');
  });

  it.each([
    ['missing', () => undefined, '--local /home/op/app.db: no such file'],
    ['a folder', (world: ReturnType<typeof makeDeps>) => world.files.dirs.add(LOCAL), '--local /home/op/app.db: not a regular file'],
  ])('--local %s: usage error', async (_name, arrange, message) => {
    const world = makeDeps({ local: LOCAL });
    arrange(world);
    const run = await runStep(chooseSource, world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.failed?.message).toBe(message);
  });

  it('no --local at the terminal: asks for a path; a missing file and a file that is not SQLite are said and asked again', async () => {
    const world = makeDeps({ cwd: '/home/op' });
    world.files.put('/home/op/notes.txt', 'hello, not a database');
    world.files.put(LOCAL, fakeDb({ tables: LOCAL_TABLES }));
    world.facts.backups = [];
    const typed = ['nope.db', 'notes.txt', LOCAL];
    const messages: string[] = [];
    const run = await runStep(chooseSource, world.deps, {
      answer: (prompt) => {
        if (prompt.kind === 'select') return { kind: 'select', value: 'local' };
        messages.push(prompt.message);
        return { kind: 'path', value: typed.shift() as string };
      },
    });
    expect(run.exitCode).toBe(0);
    expect(messages.slice(1)).toEqual([
      '/home/op/nope.db: no such file. Type another path, or leave it empty for none',
      '/home/op/notes.txt: not a SQLite database (its first bytes are not "SQLite format 3"). Type another path, or leave it empty for none',
    ]);
    expect(world.facts.source).toMatchObject({ id: 'local', path: LOCAL });
  });

  it('Esc at the path question or at the choice: the run is aborted there, nothing chosen', async () => {
    for (const escapeAt of ['path', 'select'] as const) {
      const world = makeDeps({ cwd: '/home/op' });
      world.files.put(LOCAL, fakeDb({ tables: LOCAL_TABLES }));
      world.facts.backups = [];
      const run = await runStep(chooseSource, world.deps, {
        answer: (prompt) =>
          prompt.kind === escapeAt
            ? { kind: 'cancel' }
            : prompt.kind === 'path'
              ? { kind: 'path', value: LOCAL }
              : { kind: 'select', value: 'local' },
      });
      expect(run.exitCode, escapeAt).toBe(3);
      expect(run.failed?.message, escapeAt).toMatch(/^question not answered: (Is there a healthy copy|Restore from which copy)/);
      expect(world.facts.source, escapeAt).toBeUndefined();
    }
  });
});
