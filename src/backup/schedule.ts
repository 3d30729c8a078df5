// What `sqlite-rescue schedule backup|verify` prints: a crontab line and a systemd service and timer for the same
// command, with absolute paths and the flags filled in, so that a backup every N hours and a verify after it are one
// paste away. It installs nothing. Pure: the caller passes the paths, the flags and the environment worth carrying.
import { shellLine } from '../runbook/shell-line.js';

export interface ScheduleRequest {
  command: 'backup' | 'verify';
  /** Absolute path of the node binary. */
  node: string;
  /** Absolute path of sqlite-rescue's cli.js. */
  cli: string;
  /** The command's flags as they will run (paths already absolute). */
  args: string[];
  /** 1, 2, 3, 4, 6, 8, 12 or 24: a divisor of a day, so the runs are evenly spaced. */
  everyHours: number;
  /** Minute of the hour it runs at: backups at 0, verify after them at 30. */
  minute: number;
  /** Names the units, e.g. the app's name. */
  name: string;
  /** Environment the command needs that cron and systemd would not give it (DOCKER_HOST). */
  env: Record<string, string>;
}

export const DIVISORS_OF_A_DAY = [1, 2, 3, 4, 6, 8, 12, 24];

// cron hands the line to /bin/sh, except that an unescaped % ends the command: it is escaped, after shell quoting.
export function cronLine(request: ScheduleRequest): string {
  const hours = request.everyHours === 24 ? '0' : request.everyHours === 1 ? '*' : `*/${request.everyHours}`;
  const env = Object.entries(request.env).map(([key, value]) => `${key}=${shellLine([value])}`);
  const command = shellLine([request.node, request.cli, request.command, ...request.args]);
  return `${request.minute} ${hours} * * * ${[...env, command].join(' ')}`.replaceAll('%', '\\%');
}

// systemd splits ExecStart on spaces, reads quotes and C escapes, expands $VAR and %-specifiers: all made literal.
export function systemdWord(value: string): string {
  const literal = value.replaceAll('%', '%%').replaceAll('$', '$$$$');
  if (/^[A-Za-z0-9_@+=:,./-]+$/.test(literal)) return literal;
  return `"${literal.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

export function unitName(request: Pick<ScheduleRequest, 'command' | 'name'>): string {
  const name = request.name.replace(/[^A-Za-z0-9_.-]+/g, '-').replace(/^-+|-+$/g, '') || 'default';
  return `sqlite-rescue-${request.command}-${name}`;
}

export function onCalendar(request: Pick<ScheduleRequest, 'everyHours' | 'minute'>): string {
  return `*-*-* 00/${request.everyHours}:${String(request.minute).padStart(2, '0')}:00`;
}

export function serviceUnit(request: ScheduleRequest): string {
  const exec = [request.node, request.cli, request.command, ...request.args].map(systemdWord).join(' ');
  return [
    '[Unit]',
    `Description=sqlite-rescue ${request.command} (${request.name})`,
    '',
    '[Service]',
    'Type=oneshot',
    ...Object.entries(request.env).map(([key, value]) => `Environment=${systemdWord(`${key}=${value}`)}`),
    `ExecStart=${exec}`,
    '',
  ].join('\n');
}

export function timerUnit(request: ScheduleRequest): string {
  return [
    '[Unit]',
    `Description=sqlite-rescue ${request.command} (${request.name}) every ${request.everyHours} h`,
    '',
    '[Timer]',
    `OnCalendar=${onCalendar(request)}`,
    // A run missed while the machine was off happens at boot, not never.
    'Persistent=true',
    '',
    '[Install]',
    'WantedBy=timers.target',
    '',
  ].join('\n');
}

export function renderSchedule(request: ScheduleRequest): string {
  const unit = unitName(request);
  const what = request.command === 'backup' ? 'a backup' : 'a verify of the backups';
  return [
    `# ${what} every ${request.everyHours} h, at minute ${request.minute} (the server's local time). Nothing was installed.`,
    '#',
    '# cron: `crontab -e` and add this line (cron mails what it prints; the exit code says whether it went well):',
    cronLine(request),
    '',
    `# or systemd (user units): ~/.config/systemd/user/${unit}.service`,
    serviceUnit(request),
    `# ~/.config/systemd/user/${unit}.timer`,
    timerUnit(request),
    `# then: systemctl --user daemon-reload && systemctl --user enable --now ${unit}.timer`,
    `#       (as root: the same files in /etc/systemd/system/, and systemctl without --user)`,
    '',
  ].join('\n');
}
