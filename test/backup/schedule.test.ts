import { describe, expect, it } from 'vitest';
import {
  cronLine,
  onCalendar,
  renderSchedule,
  serviceUnit,
  systemdWord,
  timerUnit,
  unitName,
  type ScheduleRequest,
} from '../../src/backup/schedule.js';

const request: ScheduleRequest = {
  command: 'backup',
  node: '/usr/bin/node',
  cli: '/opt/sqlite-rescue/dist/cli.js',
  args: ['--container', 'app', '--db', '/data/app.db', '--to', '/srv/backups of app'],
  everyHours: 6,
  minute: 0,
  name: 'app',
  env: {},
};

describe('schedule', () => {
  it('a crontab line with absolute paths, shell-quoted, every 6 hours at minute 0', () => {
    expect(cronLine(request)).toBe(
      "0 */6 * * * /usr/bin/node /opt/sqlite-rescue/dist/cli.js backup --container app --db /data/app.db --to '/srv/backups of app'",
    );
  });

  it('escapes % for cron, which would end the command there', () => {
    const line = cronLine({ ...request, command: 'verify', minute: 30, args: ['--ping', 'https://hc-ping.com/a%20b'] });
    expect(line).toBe('30 */6 * * * /usr/bin/node /opt/sqlite-rescue/dist/cli.js verify --ping https://hc-ping.com/a\\%20b');
  });

  it('carries DOCKER_HOST, which cron and systemd would not', () => {
    const withEnv = { ...request, env: { DOCKER_HOST: 'unix:///run/user/1000/docker.sock' } };
    expect(cronLine(withEnv)).toContain('* * * DOCKER_HOST=unix:///run/user/1000/docker.sock /usr/bin/node');
    expect(serviceUnit(withEnv)).toContain('Environment=DOCKER_HOST=unix:///run/user/1000/docker.sock\n');
  });

  it('daily and hourly in cron', () => {
    expect(cronLine({ ...request, everyHours: 24, args: [] })).toMatch(/^0 0 \* \* \* /);
    expect(cronLine({ ...request, everyHours: 1, args: [] })).toMatch(/^0 \* \* \* \* /);
  });

  it('systemd words: spaces quoted, % and $ made literal', () => {
    expect(systemdWord('/data/app.db')).toBe('/data/app.db');
    expect(systemdWord('/srv/backups of app')).toBe('"/srv/backups of app"');
    expect(systemdWord('https://x/a%20b')).toBe('"https://x/a%%20b"');
    expect(systemdWord('$HOME/x')).toBe('"$$HOME/x"');
    expect(systemdWord('say "hi"')).toBe('"say \\"hi\\""');
  });

  it('a oneshot service and a persistent timer, named after the app', () => {
    expect(unitName(request)).toBe('sqlite-rescue-backup-app');
    expect(unitName({ command: 'verify', name: 'my app/prod' })).toBe('sqlite-rescue-verify-my-app-prod');
    expect(serviceUnit(request)).toBe(
      [
        '[Unit]',
        'Description=sqlite-rescue backup (app)',
        '',
        '[Service]',
        'Type=oneshot',
        'ExecStart=/usr/bin/node /opt/sqlite-rescue/dist/cli.js backup --container app --db /data/app.db --to "/srv/backups of app"',
        '',
      ].join('\n'),
    );
    expect(onCalendar({ everyHours: 6, minute: 30 })).toBe('*-*-* 00/6:30:00');
    expect(timerUnit(request)).toContain('OnCalendar=*-*-* 00/6:00:00\nPersistent=true\n');
    expect(timerUnit(request)).toContain('WantedBy=timers.target');
  });

  it('says that nothing was installed and how to enable it', () => {
    const text = renderSchedule(request);
    expect(text).toContain('Nothing was installed.');
    expect(text).toContain('systemctl --user enable --now sqlite-rescue-backup-app.timer');
    expect(text.split('\n').filter((line) => line.startsWith('0 */6'))).toHaveLength(1);
  });
});
