import { describe, expect, it } from 'vitest';
import { createLocalRuntime } from '../../../src/adapters/dockerode/index.js';
import { RuntimeUnavailableError } from '../../../src/runbook/errors.js';

describe('a runtime whose engine does not answer', () => {
  const runtime = createLocalRuntime({ DOCKER_HOST: 'unix:///tmp/nope.sock' });

  it('says where it looked', () => {
    expect(runtime.describe()).toBe('local Docker engine (/tmp/nope.sock)');
  });

  it('fails ping with RuntimeUnavailableError and a hint naming DOCKER_HOST and dockerd', async () => {
    const attempt = runtime.ping();
    await expect(attempt).rejects.toBeInstanceOf(RuntimeUnavailableError);
    const error = (await attempt.catch((e: unknown) => e)) as RuntimeUnavailableError;
    expect(error.message).toContain('/tmp/nope.sock');
    expect(error.hint).toMatch(/DOCKER_HOST/);
    expect(error.hint).toMatch(/dockerd/);
  });

  it('fails every other call the same way', async () => {
    await expect(runtime.listContainers()).rejects.toBeInstanceOf(RuntimeUnavailableError);
    await expect(runtime.inspect('app')).rejects.toBeInstanceOf(RuntimeUnavailableError);
    await expect(runtime.statPath('app', '/data')).rejects.toBeInstanceOf(RuntimeUnavailableError);
    await expect(runtime.exec('app', ['true'])).rejects.toBeInstanceOf(RuntimeUnavailableError);
  });
});

describe('the local runtime', () => {
  it('answers ping on the default socket or DOCKER_HOST', async () => {
    await expect(createLocalRuntime().ping()).resolves.toBeUndefined();
  });
});
