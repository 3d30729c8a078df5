import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveFromConfigText, resolveHostSpec } from '../../../src/adapters/ssh2/resolve-host.js';
import { UsageError } from '../../../src/runbook/errors.js';

const HOME = '/home/me';
const OPTS = { home: HOME, localUser: 'me', authSock: '/tmp/agent.sock' };
const DEFAULT_KEYS = ['/home/me/.ssh/id_rsa', '/home/me/.ssh/id_ecdsa', '/home/me/.ssh/id_ed25519'];

const CONFIG = `
# Coolify box
Host coolify
  HostName 203.0.113.10
  User deploy
  Port 2222
  IdentityFile ~/.ssh/coolify_ed25519
  IdentitiesOnly yes

host lowercase
  hostname 203.0.113.11
  user someone

Host *.prod
  User ops
  IdentityFile %d/.ssh/%h_%u

Host *.lan
  HostName %h.example.net
  HostKeyAlias lanbox

Host twice
  HostName 203.0.113.12
  User first
Host twice
  User second

Host noagent
  HostName 203.0.113.13
  IdentityAgent none
  UserKnownHostsFile ~/.ssh/known_hosts_work

Host jump
  HostName 10.0.0.2
  ProxyJump bastion

Host cmd
  HostName 10.0.0.3
  ProxyCommand ssh -W %h:%p bastion

Host nojump
  HostName 10.0.0.4
  ProxyJump none

Host *
  IdentityFile ~/.ssh/id_work
`;

describe('resolveFromConfigText', () => {
  it.each([
    [
      'alias with every directive',
      'coolify',
      {
        host: '203.0.113.10',
        port: 2222,
        user: 'deploy',
        alias: 'coolify',
        identitiesOnly: true,
        identityFiles: ['/home/me/.ssh/coolify_ed25519', '/home/me/.ssh/id_work'],
      },
    ],
    ['user@alias overrides User', 'admin@coolify', { host: '203.0.113.10', user: 'admin', port: 2222 }],
    ['alias:port overrides Port', 'coolify:2200', { host: '203.0.113.10', port: 2200 }],
    ['lower-case directives', 'lowercase', { host: '203.0.113.11', user: 'someone', port: 22, identitiesOnly: false }],
    [
      'wildcard Host with %d/%h/%u tokens',
      'db.prod',
      { host: 'db.prod', user: 'ops', alias: 'db.prod', identityFiles: ['/home/me/.ssh/db.prod_me', '/home/me/.ssh/id_work'] },
    ],
    ['HostName with %h, HostKeyAlias', 'nas.lan', { host: 'nas.lan.example.net', hostKeyName: 'lanbox' }],
    ['first value wins', 'twice', { host: '203.0.113.12', user: 'first' }],
    ['ProxyJump none is no proxy', 'nojump', { host: '10.0.0.4' }],
    [
      'user@host not in config: Host * still applies',
      'deploy@example.com',
      { host: 'example.com', user: 'deploy', port: 22, alias: undefined, identityFiles: ['/home/me/.ssh/id_work'] },
    ],
    ['host:port with local user', 'example.com:2222', { host: 'example.com', port: 2222, user: 'me' }],
    ['ssh:// URL', 'ssh://root@example.com:2022', { host: 'example.com', port: 2022, user: 'root' }],
    ['bracketed IPv6 with port', 'root@[2001:db8::1]:2200', { host: '2001:db8::1', port: 2200, user: 'root' }],
    ['bare IPv6', '::1', { host: '::1', port: 22 }],
    ['localhost needs no entry', 'localhost', { host: 'localhost' }],
  ])('%s: %s', (_name, spec, expected) => {
    expect(resolveFromConfigText(spec, CONFIG, OPTS)).toMatchObject(expected);
  });

  it('uses the default identity files and the agent when the config names none', () => {
    expect(resolveFromConfigText('root@example.com', '', OPTS)).toEqual({
      host: 'example.com',
      port: 22,
      user: 'root',
      identityFiles: DEFAULT_KEYS,
      identityFilesFromConfig: false,
      identitiesOnly: false,
      alias: undefined,
      hostKeyName: 'example.com',
      knownHostsFiles: ['/home/me/.ssh/known_hosts', '/etc/ssh/ssh_known_hosts'],
      agentSocket: '/tmp/agent.sock',
    });
  });

  it('honours IdentityAgent none and UserKnownHostsFile', () => {
    expect(resolveFromConfigText('noagent', CONFIG, OPTS)).toMatchObject({
      agentSocket: undefined,
      knownHostsFiles: ['/home/me/.ssh/known_hosts_work', '/etc/ssh/ssh_known_hosts'],
    });
  });

  it.each([
    [
      'ProxyJump',
      'jump',
      /ProxyJump \(bastion\) in the ~\/\.ssh\/config entry for 'jump' is not supported/,
      /ssh -N -L 2222:<target host>:22 bastion/,
    ],
    ['ProxyCommand', 'cmd', /ProxyCommand \(ssh -W %h:%p bastion\) .* is not supported/, /127\.0\.0\.1:2222/],
  ])('refuses %s with the directive and a workaround', (_name, spec, message, hint) => {
    const error = catchError(() => resolveFromConfigText(spec, CONFIG, OPTS));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(message);
    expect((error as UsageError).hint).toMatch(hint);
  });

  it.each([
    ['an alias that is nowhere', 'prod'],
    ['an alias only `Host *` matches', 'staging'],
  ])('refuses %s', (_name, spec) => {
    const error = catchError(() => resolveFromConfigText(spec, CONFIG, OPTS));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toBe(`no Host entry '${spec}' in /home/me/.ssh/config`);
  });

  it.each([
    ['bad port', 'root@example.com:99999', /invalid port "99999"/],
    ['empty user', '@example.com', /empty user name/],
    ['no host', 'root@', /no host name/],
  ])('refuses a malformed spec: %s', (_name, spec, message) => {
    expect(() => resolveFromConfigText(spec, '', OPTS)).toThrow(message);
  });
});

describe('resolveHostSpec', () => {
  const homes: string[] = [];
  const tempHome = async (): Promise<string> => {
    const home = await mkdtemp(join(tmpdir(), 'resolve-host-'));
    homes.push(home);
    return home;
  };
  afterAll(() => Promise.all(homes.map((home) => rm(home, { recursive: true, force: true }))));

  it('reads ~/.ssh/config under the given home and follows Include', async () => {
    const home = await tempHome();
    await mkdir(join(home, '.ssh', 'config.d'), { recursive: true });
    await writeFile(join(home, '.ssh', 'config'), 'Include config.d/*.conf\n\nHost *\n  User fallback\n');
    await writeFile(join(home, '.ssh', 'config.d', 'coolify.conf'), 'Host coolify\n  HostName 198.51.100.7\n  User deploy\n');
    await expect(resolveHostSpec('coolify', { home })).resolves.toMatchObject({ host: '198.51.100.7', user: 'deploy', alias: 'coolify' });
    await expect(resolveHostSpec('other.example', { home })).resolves.toMatchObject({ user: 'fallback' });
  });

  it('follows $HOME when no home is passed', async () => {
    const home = await tempHome();
    await mkdir(join(home, '.ssh'));
    await writeFile(join(home, '.ssh', 'config'), 'Host viahome\n  HostName 192.0.2.1\n');
    const saved = process.env.HOME;
    process.env.HOME = home;
    try {
      await expect(resolveHostSpec('viahome')).resolves.toMatchObject({ host: '192.0.2.1' });
    } finally {
      process.env.HOME = saved;
    }
  });

  it('treats a missing ~/.ssh/config as empty', async () => {
    const home = await tempHome();
    await expect(resolveHostSpec('root@192.0.2.9', { home })).resolves.toMatchObject({ host: '192.0.2.9', user: 'root' });
    await expect(resolveHostSpec('coolify', { home })).rejects.toThrow(`no Host entry 'coolify' in ${home}/.ssh/config`);
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
