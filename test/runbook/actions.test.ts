import { describe, expect, it } from 'vitest';
import { commandLine, displayLine, recordLine, sameAction, type ActionDecl } from '../../src/runbook/actions.js';

const exec = (container: string, argv: string[], extra: Partial<ActionDecl> = {}): ActionDecl =>
  ({ kind: 'argv', where: 'container', container, argv, mutates: false, ...extra }) as ActionDecl;
const call: ActionDecl = {
  kind: 'call',
  where: 'engine',
  call: 'POST /containers/abc/stop?t=10',
  cli: ['docker', 'stop', '-t', '10', 'my app'],
  mutates: true,
};

describe('commandLine: what an operator could paste', () => {
  it.each([
    ['an exec, as docker exec', exec('app', ['ls', '/data']), 'docker exec app ls /data'],
    ['a name with a space', exec('my app', ['ls']), "docker exec 'my app' ls"],
    ['a quote in a path', exec('app', ['cat', "/data/o'neil.db"]), "docker exec app cat '/data/o'\\''neil.db'"],
    ['a command substitution in a path stays text', exec('app', ['cat', '/data/$(reboot).db']), "docker exec app cat '/data/$(reboot).db'"],
    [
      'SQL as one word',
      exec('app', ['sqlite3', '-readonly', '/data/app.db', 'PRAGMA quick_check;']),
      "docker exec app sqlite3 -readonly /data/app.db 'PRAGMA quick_check;'",
    ],
    [
      'a command on the server',
      { kind: 'argv', where: 'host', argv: ['mkdir', '-p', '/tmp/x'], mutates: true } as ActionDecl,
      'mkdir -p /tmp/x',
    ],
    ['an API call, as its CLI equivalent', call, "docker stop -t 10 'my app'"],
  ])('%s', (_name, action, expected) => {
    expect(commandLine(action)).toBe(expected);
  });
});

describe('displayLine and recordLine', () => {
  it('a conditional action says when it runs', () => {
    expect(displayLine(exec('app', ['sqlite3', 'x'], { when: 'when quick_check passes' }))).toBe(
      'docker exec app sqlite3 x   # when quick_check passes',
    );
  });

  it('the record names an API call as the call, its CLI line marked as an equivalent', () => {
    expect(recordLine(call)).toBe("engine API: POST /containers/abc/stop?t=10  (CLI equivalent: docker stop -t 10 'my app')");
    expect(recordLine(exec('app-rescue-I-swap', ['mv', '/a', '/b'], { where: 'helper' }))).toBe('helper app-rescue-I-swap: mv /a /b');
    expect(recordLine({ kind: 'call', where: 'local', call: 'SFTP put a → b', cli: ['scp', 'a', 'h:b'], mutates: true })).toBe(
      'local: SFTP put a → b  (CLI equivalent: scp a h:b)',
    );
  });

  it('sameAction: what an operator reads of two declarations, and whether they mutate', () => {
    expect(sameAction(exec('app', ['ls']), exec('app', ['ls']))).toBe(true);
    expect(sameAction(exec('app', ['ls']), exec('app', ['ls', '-l']))).toBe(false);
    expect(sameAction(exec('app', ['ls']), exec('app', ['ls'], { mutates: true }))).toBe(false);
    expect(sameAction(exec('app', ['ls']), exec('app', ['ls'], { where: 'helper' }))).toBe(false);
  });
});
