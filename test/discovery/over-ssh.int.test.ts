// Discovery through a real sshd, as `--host` runs it: the Docker API over the one SSH connection. Loopback has no
// latency, so besides the time this counts the engine API requests each way costs: over a real link each is at
// least one round trip (~0.1-0.2 s).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerRuntime } from '../../src/adapters/dockerode/docker-runtime.js';
import { connectHost } from '../../src/adapters/ssh2/connect.js';
import { createRemoteDockerode } from '../../src/adapters/ssh2/create-remote-runtime.js';
import type { SshRemoteHost } from '../../src/adapters/ssh2/ssh-remote-host.js';
import { discoverDatabases } from '../../src/discovery/discover-databases.js';
import { APP_IMAGE } from '../support/docker/ensure-test-images.js';
import { makeTestPrefix, removeTestResources } from '../support/docker/app-container.js';
import { docker } from '../support/docker/docker-cli.js';
import { startSshd, TEST_ALIAS, type Sshd } from '../support/sshd/sshd.js';

const prefix = makeTestPrefix('discssh');
const name = `${prefix}tenants`;
let work: string;
let sshd: Sshd;
let host: SshRemoteHost;
let runtime: DockerRuntime;
let requests = 0;

// Counts what goes over the link; every request still goes through to the engine.
function countRequests(client: Dockerode): void {
  const modem = client.modem as unknown as { dial: (...args: unknown[]) => unknown };
  const dial = modem.dial.bind(modem);
  modem.dial = (...args: unknown[]) => {
    requests += 1;
    return dial(...args);
  };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'disc-ssh-'));
  const files = join(work, 'files');
  mkdirSync(join(files, 'tenants'), { recursive: true });
  for (let i = 0; i < 200; i += 1) {
    const db = new Database(join(files, 'tenants', `t${String(i).padStart(3, '0')}.db`));
    db.exec('CREATE TABLE events(id INTEGER PRIMARY KEY); INSERT INTO events DEFAULT VALUES;');
    db.close();
  }
  await docker(['create', '--name', name, '--network', 'none', '-v', `${name}-vol:/data`, APP_IMAGE]);
  await docker(['cp', `${files}/.`, `${name}:/data`]);
  await docker(['start', name]);
  sshd = await startSshd();
  host = await connectHost(TEST_ALIAS, { home: sshd.home, hostKeyPolicy: 'refuse-unknown' });
  const remote = await createRemoteDockerode(host);
  countRequests(remote.docker);
  runtime = new DockerRuntime(remote.docker, `Docker engine over ${remote.transport}`);
}, 120_000);

afterAll(async () => {
  await host?.close();
  await sshd?.stop();
  await removeTestResources(prefix);
  rmSync(work, { recursive: true, force: true });
});

describe('over SSH', () => {
  it('200 tenant databases: the time and the API requests of each way', async () => {
    const figures: string[] = [];
    const measure = async (way: string, run: () => ReturnType<typeof discoverDatabases>) => {
      const before = requests;
      const result = await run();
      figures.push(`${way} ${result.durationMs} ms, ${requests - before} requests, ${result.commands.length} commands`);
      return result;
    };
    await docker(['exec', name, 'sh', '-c', 'until [ -e /data/app.db-wal ]; do sleep 0.1; done']);
    const running = await measure('exec', () => discoverDatabases(runtime, name));
    expect(running.databases).toHaveLength(201);
    expect(running.via).toBe('exec');
    await docker(['stop', '--time', '5', name]);
    const helper = await measure('helper', () => discoverDatabases(runtime, name));
    expect(helper.via).toBe('helper');
    const archive = await measure('archive', () => discoverDatabases(runtime, name, { allowHelper: false }));
    expect(archive.via).toBe('archive');
    expect([helper.databases.length, archive.databases.length]).toEqual([201, 201]);
    console.log(`[discovery over ssh] 201 databases: ${figures.join('; ')}`);
  }, 120_000);
});
