import { describe, expect, it } from 'vitest';
import type { ContainerSummary } from '../../src/ports/container-runtime.js';
import { classifyContainer, matchesContainer, rankContainers } from '../../src/steps/rank-containers.js';

function container(name: string, extra: Partial<ContainerSummary> = {}): ContainerSummary {
  return {
    id: `${name}-id`,
    name,
    image: 'ghcr.io/acme/app:latest',
    imageId: 'sha256:1',
    labels: {},
    state: 'running',
    status: 'Up',
    createdAt: '2025-01-01T00:00:00.000Z',
    ...extra,
  };
}

describe('classifyContainer', () => {
  it.each([
    [
      'Coolify label 0 is production',
      container('x-pr-3', { labels: { 'coolify.pullRequestId': '0' } }),
      'production',
      'label coolify.pullRequestId=0 (production)',
    ],
    [
      'Coolify label non-zero is a preview',
      container('app', { labels: { 'coolify.pullRequestId': '12' } }),
      'preview',
      'label coolify.pullRequestId=12 (preview)',
    ],
    ['pr-<n> in the name', container('app-pr-7'), 'preview', 'name "app-pr-7" has pr-<n> (preview)'],
    ['pr<n> in the name', container('app_pr42_web'), 'preview', 'name "app_pr42_web" has pr-<n> (preview)'],
    ['pr-<n> in the image tag', container('app', { image: 'ghcr.io/acme/app:pr-12' }), 'preview', 'image tag "pr-12" has pr-<n> (preview)'],
    [
      'a registry port is not a tag',
      container('app', { image: 'registry:5000/pr-3/app' }),
      'production',
      'no preview marker in labels, name or image tag',
    ],
    ['pr inside a word is no marker', container('approve-12'), 'production', 'no preview marker in labels, name or image tag'],
    ['nothing marks it', container('app'), 'production', 'no preview marker in labels, name or image tag'],
    [
      "Coolify's own label wins over a pr-<n> name",
      container('blog-pr-3', { labels: { 'coolify.managed': 'true', 'coolify.resourceName': 'blog', 'coolify.pullRequestId': '0' } }),
      'production',
      'label coolify.pullRequestId=0 (production)',
    ],
    [
      'a Compose project named for a PR is a preview',
      container('shop-pr-41-web-1', { labels: { 'com.docker.compose.project': 'shop-pr-41', 'com.docker.compose.service': 'web' } }),
      'preview',
      'Compose project "shop-pr-41" has pr-<n> (preview)',
    ],
    [
      'Compose without a preview marker falls back to name and tag',
      container('shop-web-1', { labels: { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web' } }),
      'production',
      'no preview marker in labels, name or image tag',
    ],
    [
      'Kamal staging destination',
      container('hey-web-staging-abc', { labels: { service: 'hey', role: 'web', destination: 'staging' } }),
      'preview',
      'label destination=staging (not production)',
    ],
    [
      'Kamal default destination',
      container('hey-web-abc', { labels: { service: 'hey', role: 'web' } }),
      'production',
      'Kamal default destination (production)',
    ],
    [
      'Dokku review app',
      container('hello-pr-9.web.1', { labels: { 'com.dokku.app-name': 'hello-pr-9', 'com.dokku.process-type': 'web' } }),
      'preview',
      'Dokku app "hello-pr-9" has pr-<n> (preview)',
    ],
    [
      'a Swarm service named for a PR',
      container('app-pr-3_web.1.x', {
        labels: { 'com.docker.swarm.service.name': 'app-pr-3_web', 'com.docker.swarm.service.id': 's', 'com.docker.swarm.task.id': 't' },
      }),
      'preview',
      'Swarm service "app-pr-3_web" has pr-<n> (preview)',
    ],
  ])('%s', (_name, input, role, reason) => {
    expect(classifyContainer(input)).toEqual({ role, reasons: [reason] });
  });
});

describe('rankContainers', () => {
  const names = (list: ReturnType<typeof rankContainers>) => list.map((entry) => entry.container.name);

  it.each([
    [
      'production before previews',
      [
        container('app-pr-1', { startedAt: '2025-01-02T00:00:00.000Z' } as never),
        container('app', { startedAt: '2025-01-01T00:00:00.000Z' } as never),
      ],
      ['app', 'app-pr-1'],
    ],
    ['running before stopped', [container('old', { state: 'exited' }), container('new', { state: 'running' })], ['new', 'old']],
    [
      'newest start first',
      [
        { ...container('a'), startedAt: '2025-01-01T00:00:00.000Z' },
        { ...container('b'), startedAt: '2025-01-03T00:00:00.000Z' },
        { ...container('c'), startedAt: '2025-01-02T00:00:00.000Z' },
      ],
      ['b', 'c', 'a'],
    ],
    [
      'creation time when it never started',
      [
        { ...container('never', { createdAt: '2025-02-01T00:00:00.000Z' }), startedAt: null },
        { ...container('started'), startedAt: '2025-01-15T00:00:00.000Z' },
      ],
      ['never', 'started'],
    ],
  ])('%s', (_name, input, expected) => {
    expect(names(rankContainers(input))).toEqual(expected);
  });

  const compose = (name: string, service: string, replica: number, extra: Record<string, string> = {}) =>
    container(name, {
      labels: {
        'com.docker.compose.project': 'shop',
        'com.docker.compose.service': service,
        'com.docker.compose.container-number': String(replica),
        ...extra,
      },
    });

  it.each([
    [
      'Compose replicas of one service side by side, in replica order',
      [
        { ...compose('shop-web-2', 'web', 2), startedAt: '2025-01-01T00:00:00.000Z' },
        { ...compose('shop-worker-1', 'worker', 1), startedAt: '2025-01-02T00:00:00.000Z' },
        { ...compose('shop-web-1', 'web', 1), startedAt: '2025-01-03T00:00:00.000Z' },
      ],
      ['shop-web-1', 'shop-web-2', 'shop-worker-1'],
    ],
    [
      'a `docker compose run` one-off after the app, even when newer',
      [
        { ...compose('shop-web-run-1a2b', 'web', 1, { 'com.docker.compose.oneoff': 'True' }), startedAt: '2025-01-05T00:00:00.000Z' },
        { ...compose('shop-web-1', 'web', 1), startedAt: '2025-01-01T00:00:00.000Z' },
      ],
      ['shop-web-1', 'shop-web-run-1a2b'],
    ],
    [
      "a platform's production label before a container only guessed to be production, even a newer running one",
      [
        { ...container('scratch-copy'), startedAt: '2025-01-05T00:00:00.000Z' },
        {
          ...container('x8k2-103', {
            labels: { 'coolify.managed': 'true', 'coolify.resourceName': 'notes', 'coolify.pullRequestId': '0' },
          }),
          startedAt: '2025-01-01T00:00:00.000Z',
        },
      ],
      ['x8k2-103', 'scratch-copy'],
    ],
    [
      'Kamal production before staging',
      [
        {
          ...container('hey-web-staging', { labels: { service: 'hey', role: 'web', destination: 'staging' } }),
          startedAt: '2025-01-05T00:00:00.000Z',
        },
        { ...container('hey-web', { labels: { service: 'hey', role: 'web', destination: '' } }), startedAt: '2025-01-01T00:00:00.000Z' },
      ],
      ['hey-web', 'hey-web-staging'],
    ],
  ])('%s', (_name, input, expected) => {
    expect(names(rankContainers(input))).toEqual(expected);
  });

  it.each([
    ['Compose: the service', compose('shop-web-1', 'web', 1), 'web'],
    [
      'Coolify: project and resource',
      container('x8k2-103', {
        labels: { 'coolify.managed': 'true', 'coolify.resourceName': 'blog', 'coolify.projectName': 'acme', 'coolify.pullRequestId': '0' },
      }),
      'acme/blog',
    ],
    ['Dokku: the app', container('hello.web.1', { labels: { 'com.dokku.app-name': 'hello', 'com.dokku.process-type': 'web' } }), 'hello'],
    ['Swarm: the service', container('shop_web.1.abc', { labels: { 'com.docker.swarm.service.name': 'shop_web' } }), 'shop_web'],
    ['no platform: the container name', container('app'), 'app'],
  ])('names the app as a person knows it — %s', (_name, input, appName) => {
    expect(rankContainers([input])[0].appName).toBe(appName);
  });

  it('says why a one-off ranks last', () => {
    const [entry] = rankContainers([compose('shop-web-run-1a2b', 'web', 1, { 'com.docker.compose.oneoff': 'True' })]);
    expect(entry.reasons).toEqual([
      'no preview marker in labels, name or image tag',
      'a one-off compose container, not the app that serves',
      'running',
    ]);
  });

  it('gives each its reasons, running state last', () => {
    const [entry] = rankContainers([
      { ...container('app', { state: 'exited', labels: { 'coolify.pullRequestId': '0' } }), startedAt: '2025-01-01T00:00:00.000Z' },
    ]);
    expect(entry).toMatchObject({
      role: 'production',
      startedAt: '2025-01-01T00:00:00.000Z',
      reasons: ['label coolify.pullRequestId=0 (production)', 'not running (exited)'],
    });
  });
});

describe('matchesContainer', () => {
  it.each([
    ['app', true],
    ['pp-pr', true],
    ['3f2c', true],
    ['3f2c1a9e', true],
    ['3f2', false],
    ['beef', false],
    ['xyz', false],
  ])('%s', (query, expected) => {
    expect(matchesContainer(container('app-pr-3', { id: '3f2c1a9e0b' }), query)).toBe(expected);
  });
});
