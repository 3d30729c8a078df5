import { readFile } from 'node:fs/promises';
import { execa } from 'execa';
import tar from 'tar-stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHost } from '../../../src/adapters/ssh2/connect.js';
import { createRemoteDockerode } from '../../../src/adapters/ssh2/create-remote-runtime.js';
import type { SshRemoteHost } from '../../../src/adapters/ssh2/ssh-remote-host.js';
import { RuntimeUnavailableError } from '../../../src/runbook/errors.js';
import { startSshd, TEST_ALIAS, type Sshd } from '../../support/sshd/sshd.js';

// The dockerd of this machine, reached through a local sshd as if it were a server's.
const IMAGE = 'sqlite-rescue-ssh-test:latest';
// Sessions get this PATH (plus what root's shell startup files add) where no docker command lives; `test` and
// `command` are shell builtins.
const NO_DOCKER_PATH = '/nonexistent';

const servers: Sshd[] = [];
const hosts: SshRemoteHost[] = [];

async function serverAndHost(opts: Parameters<typeof startSshd>[0] = {}): Promise<{ sshd: Sshd; host: SshRemoteHost }> {
  const sshd = await startSshd(opts);
  servers.push(sshd);
  const host = await connectHost(TEST_ALIAS, { home: sshd.home, hostKeyPolicy: 'refuse-unknown' });
  hosts.push(host);
  if (opts.sessionPath === NO_DOCKER_PATH) {
    const found = await host.exec(['command', '-v', 'docker']);
    if (found.exitCode === 0) throw new Error(`this server was meant to have no docker command, but has ${found.stdout}`);
  }
  return { sshd, host };
}

beforeAll(async () => {
  const info = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], { reject: false });
  if (info.exitCode !== 0) throw new Error(`these tests need the local Docker engine (docker info: ${info.stderr})`);
});

afterAll(async () => {
  await execa('docker', ['rmi', '--force', IMAGE], { reject: false });
  await Promise.all(hosts.map((host) => host.close()));
  await Promise.all(servers.map((sshd) => sshd.stop()));
});

function rootfsTar(): NodeJS.ReadableStream {
  const pack = tar.pack();
  pack.entry({ name: 'marker.txt' }, 'sqlite-rescue ssh test image\n');
  pack.finalize();
  return pack as unknown as NodeJS.ReadableStream;
}

describe('createRemoteDockerode', () => {
  it('drives the Docker engine over the one SSH connection (streamlocal to the socket)', async () => {
    const { sshd, host } = await serverAndHost();
    const { docker, transport } = await createRemoteDockerode(host);
    expect(transport).toBe(`ssh root@127.0.0.1:${sshd.port} → /var/run/docker.sock (streamlocal)`);

    const name = `sqlite-rescue-ssh-test-${process.pid}-${Date.now()}`;
    await new Promise<void>((resolve, reject) => {
      docker.importImage(rootfsTar(), { repo: 'sqlite-rescue-ssh-test', tag: 'latest' }, (error, stream) => {
        if (error || !stream) return reject(error);
        docker.modem.followProgress(stream, (done) => (done ? reject(done) : resolve()));
      });
    });
    const created = await docker.createContainer({ name, Image: IMAGE, Cmd: ['/marker.txt'], Labels: { 'sqlite-rescue.test': 'ssh' } });
    try {
      const listed = await docker.listContainers({ all: true, filters: { label: ['sqlite-rescue.test=ssh'] } });
      expect(listed.map((c) => c.Names[0])).toContain(`/${name}`);
      const local = await execa('docker', ['inspect', '--format', '{{.Id}}', name]);
      expect(local.stdout).toBe(created.id);
      expect((await docker.version()).ApiVersion).toMatch(/^\d+\.\d+$/);
    } finally {
      await docker.getContainer(created.id).remove({ force: true });
    }

    // Many API calls, one login: each request is a channel on the same connection.
    await Promise.all(Array.from({ length: 10 }, () => docker.ping()));
    const log = await readFile(sshd.logPath, 'utf8');
    expect(log.match(/Accepted publickey/g)).toHaveLength(1);
  });

  it('falls back to `docker system dial-stdio` in an exec channel when sshd forbids socket forwarding', async () => {
    const { sshd, host } = await serverAndHost({ extraConfig: ['AllowStreamLocalForwarding no'] });
    const { docker, transport } = await createRemoteDockerode(host);
    expect(transport).toBe(`ssh root@127.0.0.1:${sshd.port} → docker system dial-stdio (sshd refused to forward to /var/run/docker.sock)`);
    expect(Array.isArray(await docker.listContainers({ all: true }))).toBe(true);
  });

  it('says the daemon is not running when docker is installed but the socket is missing', async () => {
    const { host } = await serverAndHost();
    const error = await createRemoteDockerode(host, { socketPath: '/run/no-such-dir/docker.sock' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeUnavailableError);
    expect((error as Error).message).toMatch(
      /^Docker is installed on 127\.0\.0\.1 \(\/.+\/docker\) but there is no daemon socket at \/run\/no-such-dir\/docker\.sock: the daemon is not running or listens elsewhere$/,
    );
    expect((error as RuntimeUnavailableError).hint).toMatch(/systemctl start docker/);
  });

  it('says Docker is not installed when there is neither a docker command nor a socket', async () => {
    const { host } = await serverAndHost({ sessionPath: NO_DOCKER_PATH });
    const error = await createRemoteDockerode(host, { socketPath: '/run/no-such-dir/docker.sock' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeUnavailableError);
    expect((error as Error).message).toBe(
      'Docker is not installed on 127.0.0.1: no docker command and no socket at /run/no-such-dir/docker.sock',
    );
  });

  it('explains a server that forbids socket forwarding and has no docker command', async () => {
    const { host } = await serverAndHost({ extraConfig: ['AllowStreamLocalForwarding no'], sessionPath: NO_DOCKER_PATH });
    const error = await createRemoteDockerode(host).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RuntimeUnavailableError);
    expect((error as Error).message).toMatch(
      /^127\.0\.0\.1 refuses to forward to \/var\/run\/docker\.sock .* no docker command to fall back on$/,
    );
  });
});
