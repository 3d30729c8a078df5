import { describe, expect, it } from 'vitest';
import type { ContainerSummary } from '../../src/ports/container-runtime.js';
import { classifyContainer, matchesContainer, rankContainers } from '../../src/steps/rank-containers.js';

function container(name: string, extra: Partial<ContainerSummary> = {}): ContainerSummary {
  return { id: `${name}-id`, name, image: 'ghcr.io/acme/app:latest', imageId: 'sha256:1', labels: {}, state: 'running', status: 'Up', createdAt: '2025-01-01T00:00:00.000Z', ...extra };
}

describe('classifyContainer', () => {
  it.each([
    ['Coolify label 0 is production', container('x-pr-3', { labels: { 'coolify.pullRequestId': '0' } }), 'production', 'label coolify.pullRequestId=0 (production)'],
    ['Coolify label non-zero is a preview', container('app', { labels: { 'coolify.pullRequestId': '12' } }), 'preview', 'label coolify.pullRequestId=12 (preview)'],
    ['pr-<n> in the name', container('app-pr-7'), 'preview', 'name "app-pr-7" has pr-<n> (preview)'],
    ['pr<n> in the name', container('app_pr42_web'), 'preview', 'name "app_pr42_web" has pr-<n> (preview)'],
    ['pr-<n> in the image tag', container('app', { image: 'ghcr.io/acme/app:pr-12' }), 'preview', 'image tag "pr-12" has pr-<n> (preview)'],
    ['a registry port is not a tag', container('app', { image: 'registry:5000/pr-3/app' }), 'production', 'no preview marker in labels, name or image tag'],
    ['pr inside a word is no marker', container('approve-12'), 'production', 'no preview marker in labels, name or image tag'],
    ['nothing marks it', container('app'), 'production', 'no preview marker in labels, name or image tag'],
  ])('%s', (_name, input, role, reason) => {
    expect(classifyContainer(input)).toEqual({ role, reasons: [reason] });
  });
});

describe('rankContainers', () => {
  const names = (list: ReturnType<typeof rankContainers>) => list.map((entry) => entry.container.name);

  it.each([
    [
      'production before previews',
      [container('app-pr-1', { startedAt: '2025-01-02T00:00:00.000Z' } as never), container('app', { startedAt: '2025-01-01T00:00:00.000Z' } as never)],
      ['app', 'app-pr-1'],
    ],
    [
      'running before stopped',
      [container('old', { state: 'exited' }), container('new', { state: 'running' })],
      ['new', 'old'],
    ],
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

  it('gives each its reasons, running state last', () => {
    const [entry] = rankContainers([{ ...container('app', { state: 'exited', labels: { 'coolify.pullRequestId': '0' } }), startedAt: '2025-01-01T00:00:00.000Z' }]);
    expect(entry).toMatchObject({ role: 'production', startedAt: '2025-01-01T00:00:00.000Z', reasons: ['label coolify.pullRequestId=0 (production)', 'not running (exited)'] });
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
