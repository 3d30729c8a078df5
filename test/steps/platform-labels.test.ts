import { describe, expect, it } from 'vitest';
import { readPlatformLabels } from '../../src/steps/platform-labels.js';

// Label sets as each platform writes them (Coolify through Compose, Dokku's deploy/run containers, Kamal 1 and 2).
const coolify = (pullRequestId: string) => ({
  'coolify.managed': 'true',
  'coolify.name': 'blog-a1b2c3',
  'coolify.resourceName': 'blog',
  'coolify.projectName': 'acme',
  'coolify.pullRequestId': pullRequestId,
  'com.docker.compose.project': 'ycw8k0g4oc0s8sc4ocss0os8',
  'com.docker.compose.service': 'app',
});

describe('readPlatformLabels', () => {
  it.each([
    ['no platform', { 'test.role': 'app' }, null],
    [
      'Coolify production',
      coolify('0'),
      {
        platform: 'coolify',
        appName: 'acme/blog',
        role: { role: 'production', reason: 'label coolify.pullRequestId=0 (production)' },
        replica: null,
        oneOff: false,
      },
    ],
    [
      'Coolify preview: the PR in the name a person knows',
      coolify('12'),
      { platform: 'coolify', appName: 'acme/blog (PR 12)', role: { role: 'preview', reason: 'label coolify.pullRequestId=12 (preview)' } },
    ],
    [
      'Coolify without a pull request label: no role of its own',
      { 'coolify.managed': 'true', 'coolify.resourceName': 'blog' },
      { platform: 'coolify', appName: 'blog', role: null },
    ],
    [
      'Compose: named by service',
      {
        'com.docker.compose.project': 'shop',
        'com.docker.compose.service': 'web',
        'com.docker.compose.container-number': '2',
        'com.docker.compose.oneoff': 'False',
      },
      { platform: 'compose', appName: 'web', role: null, group: 'compose:shop/web', replica: 2, oneOff: false },
    ],
    [
      'Compose: a preview project',
      { 'com.docker.compose.project': 'shop-pr-41', 'com.docker.compose.service': 'web' },
      { platform: 'compose', appName: 'web', role: { role: 'preview', reason: 'Compose project "shop-pr-41" has pr-<n> (preview)' } },
    ],
    [
      'Compose: `docker compose run` is a one-off',
      { 'com.docker.compose.project': 'shop', 'com.docker.compose.service': 'web', 'com.docker.compose.oneoff': 'True' },
      { platform: 'compose', oneOff: true },
    ],
    [
      'Dokku web',
      { 'com.dokku.app-name': 'hello', 'com.dokku.process-type': 'web', 'com.dokku.container-type': 'deploy', 'com.dokku.dyno': 'web.1' },
      { platform: 'dokku', appName: 'hello', role: null, group: 'dokku:hello/web', replica: 1, oneOff: false },
    ],
    [
      'Dokku worker',
      { 'com.dokku.app-name': 'hello', 'com.dokku.process-type': 'worker' },
      { platform: 'dokku', appName: 'hello (worker)' },
    ],
    ['Dokku `dokku run`', { 'com.dokku.app-name': 'hello', 'com.dokku.container-type': 'run' }, { platform: 'dokku', oneOff: true }],
    [
      'Dokku review app',
      { 'com.dokku.app-name': 'hello-pr-9', 'com.dokku.process-type': 'web' },
      { platform: 'dokku', role: { role: 'preview', reason: 'Dokku app "hello-pr-9" has pr-<n> (preview)' } },
    ],
    [
      'Kamal 1: no destination label',
      { service: 'hey', role: 'web' },
      { platform: 'kamal', appName: 'hey', role: { role: 'production', reason: 'Kamal default destination (production)' } },
    ],
    [
      'Kamal 2: an empty destination',
      { service: 'hey', role: 'web', destination: '' },
      { platform: 'kamal', appName: 'hey', role: { role: 'production', reason: 'Kamal default destination (production)' } },
    ],
    [
      'Kamal production destination',
      { service: 'hey', role: 'web', destination: 'production' },
      { platform: 'kamal', appName: 'hey', role: { role: 'production', reason: 'label destination=production (production)' } },
    ],
    [
      'Kamal staging is not production',
      { service: 'hey', role: 'jobs', destination: 'staging' },
      {
        platform: 'kamal',
        appName: 'hey (jobs) [staging]',
        role: { role: 'preview', reason: 'label destination=staging (not production)' },
        group: 'kamal:hey/jobs/staging',
      },
    ],
    ['a lone `service` label is not Kamal', { service: 'hey' }, null],
    [
      'Swarm task',
      {
        'com.docker.swarm.service.name': 'shop_web',
        'com.docker.swarm.service.id': 'x',
        'com.docker.swarm.task.id': 'y',
        'com.docker.stack.namespace': 'shop',
      },
      { platform: 'swarm', appName: 'shop_web', role: null, group: 'swarm:shop_web' },
    ],
  ])('%s', (_name, labels, expected) => {
    const found = readPlatformLabels(labels as Record<string, string>);
    if (expected === null) expect(found).toBeNull();
    else expect(found).toMatchObject(expected);
  });

  it('Coolify wins over the Compose labels it deploys with', () => {
    expect(readPlatformLabels(coolify('0'))?.platform).toBe('coolify');
  });
});
