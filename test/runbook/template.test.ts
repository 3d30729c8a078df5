import { describe, expect, it } from 'vitest';
import { quoteForDisplay, renderCommand, shellLine } from '../../src/runbook/template.js';

describe('quoteForDisplay', () => {
  it.each([
    ['/data/app.db', '/data/app.db'],
    ['user@host:2222', 'user@host:2222'],
    ['a b', "'a b'"],
    ["it's", "'it'\\''s'"],
    ['$(rm -rf /)', "'$(rm -rf /)'"],
    ['`id`', "'`id`'"],
    ['*.db', "'*.db'"],
    ['PRAGMA integrity_check;', "'PRAGMA integrity_check;'"],
    ['', "''"],
  ])('%j → %s', (value, expected) => {
    expect(quoteForDisplay(value)).toBe(expected);
  });
});

describe('renderCommand', () => {
  it.each([
    ['docker exec <container> ls', { container: 'app' }, 'docker exec app ls'],
    ['docker exec <container> ls', { container: 'my app' }, "docker exec 'my app' ls"],
    ['cat <db>', { db: "/data/o'neil.db" }, "cat '/data/o'\\''neil.db'"],
    ['cat <db>', { db: '/data/$(reboot).db' }, "cat '/data/$(reboot).db'"],
    ['mv <db> <db>-wal <quarantine>/', { db: '/data/app.db', quarantine: '/data/q' }, 'mv /data/app.db /data/app.db-wal /data/q/'],
    ['docker start <container>', {}, 'docker start <container>'],
    ['docker start <container>', { container: undefined }, 'docker start <container>'],
    ['cp <snapshot> <unknownThing>', { snapshot: '/tmp/s.db' }, 'cp /tmp/s.db <unknownThing>'],
    ["docker ps --format '{{.Names}}'", { container: 'app' }, "docker ps --format '{{.Names}}'"],
    ['a <not a placeholder> <1x>', { container: 'app' }, 'a <not a placeholder> <1x>'],
  ])('%s with %j', (command, values, expected) => {
    expect(renderCommand(command, values)).toBe(expected);
  });
});

describe('shellLine', () => {
  it.each([
    [['docker', 'stop', '-t', '30', 'app'], 'docker stop -t 30 app'],
    [['sqlite3', '-readonly', '/data/app.db', 'PRAGMA integrity_check;'], "sqlite3 -readonly /data/app.db 'PRAGMA integrity_check;'"],
    [['mv', '/data/my db.db', '/q/'], "mv '/data/my db.db' /q/"],
    [['echo', "'; rm -rf / #"], "echo ''\\''; rm -rf / #'"],
    [[], ''],
  ])('%j', (argv, expected) => {
    expect(shellLine(argv)).toBe(expected);
  });
});
