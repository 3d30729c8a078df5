import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHost, type ConnectOptions } from '../../../src/adapters/ssh2/connect.js';
import { AbortedError, RescueError } from '../../../src/runbook/errors.js';
import { freePort, keygen, startSshd, TEST_ALIAS, type Sshd } from '../../support/sshd/sshd.js';

let sshd: Sshd;
const homes: string[] = [];

beforeAll(async () => {
  sshd = await startSshd();
});

afterAll(async () => {
  await sshd?.stop();
  await Promise.all(homes.map((home) => rm(home, { recursive: true, force: true })));
});

// A copy of the fixture's client HOME, with known_hosts or config replaced.
async function cloneHome(change: { knownHosts?: string; config?: string } = {}): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'ssh-client-home-'));
  homes.push(home);
  await cp(sshd.home, home, { recursive: true });
  if (change.knownHosts !== undefined) await writeFile(join(home, '.ssh', 'known_hosts'), change.knownHosts);
  if (change.config !== undefined) await writeFile(join(home, '.ssh', 'config'), change.config);
  return home;
}

async function connectError(spec: string, opts: ConnectOptions): Promise<RescueError> {
  try {
    const host = await connectHost(spec, opts);
    await host.close();
  } catch (error) {
    expect(error).toBeInstanceOf(RescueError);
    return error as RescueError;
  }
  throw new Error('expected the connection to fail');
}

const knownName = () => `[127.0.0.1]:${sshd.port}`;

describe('connectHost', () => {
  it('connects through the ~/.ssh/config alias with its key and checks the host key', async () => {
    const host = await connectHost(TEST_ALIAS, { home: sshd.home, hostKeyPolicy: 'refuse-unknown' });
    try {
      expect(host.identity()).toEqual({
        spec: TEST_ALIAS,
        host: '127.0.0.1',
        port: sshd.port,
        user: 'root',
        hostKeyFingerprint: sshd.hostKeyFingerprint,
        hostKeyStatus: 'known',
      });
      expect((await host.exec(['id', '-un'])).stdout).toBe('root\n');
    } finally {
      await host.close();
    }
  });

  it('connects with user@host:port and the default identity file', async () => {
    const home = await cloneHome({ config: '' });
    const host = await connectHost(`root@127.0.0.1:${sshd.port}`, { home, hostKeyPolicy: 'refuse-unknown' });
    expect(host.identity().hostKeyStatus).toBe('known');
    await host.close();
  });

  it('refuses an unknown host key under refuse-unknown, naming its fingerprint', async () => {
    const home = await cloneHome({ knownHosts: '' });
    const error = await connectError(TEST_ALIAS, { home, hostKeyPolicy: 'refuse-unknown' });
    expect(error.message).toBe(
      `the host key of ${knownName()} is not in known_hosts: ssh-ed25519 ${sshd.hostKeyFingerprint}; refusing to connect`,
    );
    expect(error.hint).toMatch(/--accept-new-host-key/);
    expect(error.hint).toMatch(/`ssh rescue-test`/);
    expect(await readFile(join(home, '.ssh', 'known_hosts'), 'utf8')).toBe('');
  });

  it('accepts and records a new host key under accept-new', async () => {
    const home = await cloneHome({ knownHosts: '' });
    const host = await connectHost(TEST_ALIAS, { home, hostKeyPolicy: 'accept-new' });
    expect(host.identity()).toMatchObject({ hostKeyStatus: 'accepted-new', hostKeyFingerprint: sshd.hostKeyFingerprint });
    await host.close();
    expect(await readFile(join(home, '.ssh', 'known_hosts'), 'utf8')).toBe(`${knownName()} ssh-ed25519 ${sshd.hostKeyBase64}\n`);

    const again = await connectHost(TEST_ALIAS, { home, hostKeyPolicy: 'refuse-unknown' });
    expect(again.identity().hostKeyStatus).toBe('known');
    await again.close();
  });

  it('asks about an unknown key under ask, and the time spent asking does not count against the timeout', async () => {
    const home = await cloneHome({ knownHosts: '' });
    const asked: string[][] = [];
    const slowYes = async (fingerprint: string, host: string) => {
      asked.push([fingerprint, host]);
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      return true;
    };
    const host = await connectHost(TEST_ALIAS, { home, hostKeyPolicy: 'ask', askHostKey: slowYes, timeoutMs: 1_000 });
    expect(asked).toEqual([[sshd.hostKeyFingerprint, knownName()]]);
    expect(host.identity().hostKeyStatus).toBe('accepted-new');
    await host.close();
  });

  it('aborts when the operator declines an unknown key, writing nothing', async () => {
    const home = await cloneHome({ knownHosts: '' });
    const error = await connectError(TEST_ALIAS, { home, hostKeyPolicy: 'ask', askHostKey: async () => false });
    expect(error).toBeInstanceOf(AbortedError);
    expect(error.message).toContain(sshd.hostKeyFingerprint);
    expect(await readFile(join(home, '.ssh', 'known_hosts'), 'utf8')).toBe('');
  });

  it.each(['accept-new', 'ask'] as const)('always refuses a changed host key (policy %s)', async (hostKeyPolicy) => {
    const other = join(await cloneHome(), 'other_host_key');
    await keygen(other, '', 'impostor');
    const otherBase64 = (await readFile(`${other}.pub`, 'utf8')).split(' ')[1];
    const knownHosts = `${knownName()} ssh-ed25519 ${otherBase64}\n`;
    const home = await cloneHome({ knownHosts });
    let asked = false;
    const error = await connectError(TEST_ALIAS, { home, hostKeyPolicy, askHostKey: async () => (asked = true) });
    expect(asked).toBe(false);
    expect(error.message).toContain(`the host key of ${knownName()} has CHANGED`);
    expect(error.message).toContain(sshd.hostKeyFingerprint);
    expect(error.message).toMatch(/reinstalled.*man-in-the-middle/s);
    expect(error.hint).toContain(`ssh-keygen -R '${knownName()}' -f ${join(home, '.ssh', 'known_hosts')}`);
    expect(await readFile(join(home, '.ssh', 'known_hosts'), 'utf8')).toBe(knownHosts);
  });

  it('says which key the server refused, for which user', async () => {
    const home = await cloneHome();
    const wrongKey = join(home, '.ssh', 'id_wrong');
    await keygen(wrongKey, '', 'not authorized');
    await writeFile(
      join(home, '.ssh', 'config'),
      `Host ${TEST_ALIAS}\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User root\n  IdentityFile ~/.ssh/id_wrong\n  IdentityFile ~/.ssh/id_missing\n  IdentitiesOnly yes\n`,
    );
    const error = await connectError(TEST_ALIAS, { home, hostKeyPolicy: 'refuse-unknown' });
    expect(error.message).toMatch(new RegExp(`^the server refused key ${wrongKey} \\(SHA256:[^)]+\\) for user root\\.`));
    expect(error.message).toContain(`${join(home, '.ssh', 'id_missing')}: no such file`);
    expect(error.hint).toMatch(/authorized_keys/);
  });

  it('fails fast and clearly when nothing listens on the port', async () => {
    const port = await freePort();
    const started = performance.now();
    const error = await connectError(`root@127.0.0.1:${port}`, { home: sshd.home, hostKeyPolicy: 'refuse-unknown', timeoutMs: 5_000 });
    const elapsed = performance.now() - started;
    expect(error.message).toBe(`connection refused by 127.0.0.1:${port}: nothing listens for SSH there`);
    expect(elapsed).toBeLessThan(1_000);
    console.log(`[measure] refused port answered in ${Math.round(elapsed)} ms`);
  });

  it('gives up after the timeout when the server never answers', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((socket) => sockets.push(socket)); // accepts, never sends a banner
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const started = performance.now();
      const error = await connectError(`root@127.0.0.1:${port}`, { home: sshd.home, hostKeyPolicy: 'refuse-unknown', timeoutMs: 2_000 });
      const elapsed = performance.now() - started;
      expect(error.message).toBe(`no SSH answer from 127.0.0.1:${port} within 2 s`);
      expect(error.hint).toMatch(/firewall/);
      expect(elapsed).toBeGreaterThanOrEqual(1_950);
      expect(elapsed).toBeLessThan(2_500);
      console.log(`[measure] silent server: gave up after ${Math.round(elapsed)} ms (timeout 2000 ms)`);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      silent.close();
    }
  });

  it('says when the host name does not resolve', async () => {
    const error = await connectError('root@no-such-host.invalid', { home: sshd.home, hostKeyPolicy: 'refuse-unknown', timeoutMs: 5_000 });
    expect(error.message).toBe('host not found: no-such-host.invalid does not resolve (DNS)');
  });
});

describe('connectHost with an encrypted key', () => {
  const PASSPHRASE = 'correct horse battery staple';
  let locked: Sshd;

  beforeAll(async () => {
    locked = await startSshd({ clientKeyPassphrase: PASSPHRASE });
  });

  afterAll(async () => {
    await locked?.stop();
  });

  it('asks for the passphrase, again after a wrong one, and logs in', async () => {
    const asked: Array<[string, number]> = [];
    const askPassphrase = async (path: string, attempt: number) => {
      asked.push([path, attempt]);
      return attempt === 1 ? 'wrong' : PASSPHRASE;
    };
    const host = await connectHost(TEST_ALIAS, { home: locked.home, hostKeyPolicy: 'refuse-unknown', askPassphrase });
    expect(asked).toEqual([
      [locked.clientKeyPath, 1],
      [locked.clientKeyPath, 2],
    ]);
    expect((await host.exec(['true'])).exitCode).toBe(0);
    await host.close();
  });

  it('stops at once when the operator cancels the passphrase question', async () => {
    const error = await connectError(TEST_ALIAS, {
      home: locked.home,
      hostKeyPolicy: 'refuse-unknown',
      askPassphrase: async () => {
        throw new AbortedError();
      },
    });
    expect(error).toBeInstanceOf(AbortedError);
  });

  it('explains a key it could not unlock, without the passphrase in the message', async () => {
    const error = await connectError(TEST_ALIAS, { home: locked.home, hostKeyPolicy: 'refuse-unknown', askPassphrase: async () => 'nope' });
    expect(error.message).toBe(
      `no SSH key to offer 127.0.0.1 for user root. Not offered: ${locked.clientKeyPath}: encrypted, and no correct passphrase was given.`,
    );
    expect(JSON.stringify({ message: error.message, hint: error.hint })).not.toContain('nope');

    const noPrompt = await connectError(TEST_ALIAS, { home: locked.home, hostKeyPolicy: 'refuse-unknown' });
    expect(noPrompt.message).toContain('encrypted, and no way to ask for its passphrase');
  });
});
