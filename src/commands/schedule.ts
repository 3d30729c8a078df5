// `sqlite-rescue schedule backup|verify [flags]`: the exact lines to put on a timer — a crontab line and systemd
// service and timer units — with the node binary, the CLI and every path absolute and the flags checked now, so a
// typo fails here and not at 3 a.m. It installs nothing. Exit 0, or 2 for a usage mistake.
import { fileURLToPath } from 'node:url';
import { parseDuration } from '../backup/duration.js';
import { DIVISORS_OF_A_DAY, renderSchedule } from '../backup/schedule.js';
import { stemOf } from '../backup/names.js';
import { UsageError } from '../runbook/errors.js';
import { checkBackupFlags, type BackupCommandFlags } from './backup-flags.js';

const VALUE_FLAGS: Record<string, Array<keyof BackupCommandFlags>> = {
  backup: ['host', 'container', 'db', 'to', 'keep'],
  verify: ['host', 'container', 'db', 'backups', 'maxAge', 'ping'],
};
const SWITCHES: Array<keyof BackupCommandFlags> = ['json', 'acceptNewHostKey'];

const kebab = (name: string) => `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

/** The flags as given, each checked as the command itself will check it. */
export function parseCommandFlags(command: 'backup' | 'verify', argv: string[]): BackupCommandFlags {
  const flags: BackupCommandFlags = { json: false, dryRun: false, acceptNewHostKey: false };
  const byFlag = new Map(VALUE_FLAGS[command].map((name) => [kebab(name), name]));
  const switches = new Map(SWITCHES.map((name) => [kebab(name), name]));
  for (let index = 0; index < argv.length; index += 1) {
    const [flag, inline] =
      argv[index].startsWith('--') && argv[index].includes('=')
        ? [argv[index].slice(0, argv[index].indexOf('=')), argv[index].slice(argv[index].indexOf('=') + 1)]
        : [argv[index], undefined];
    const valueName = byFlag.get(flag);
    const switchName = switches.get(flag);
    if (switchName) {
      (flags as unknown as Record<string, unknown>)[switchName] = true;
      continue;
    }
    if (!valueName) {
      const known = [...byFlag.keys(), ...switches.keys()].join(', ');
      throw new UsageError(
        `schedule ${command}: ` +
          (flag === '--dry-run' ? '--dry-run on a timer changes nothing, ever' : `"${argv[index]}" is not a flag of ${command}`),
        `flags of ${command}: ${known}`,
      );
    }
    const value = inline ?? argv[(index += 1)];
    if (value === undefined || (inline === undefined && value.startsWith('--')))
      throw new UsageError(`schedule ${command}: ${flag} needs a value`, `e.g. ${flag} ${flag === '--db' ? '/data/app.db' : '…'}`);
    (flags as unknown as Record<string, unknown>)[valueName] = value;
  }
  return flags;
}

function toArgs(command: 'backup' | 'verify', flags: ReturnType<typeof checkBackupFlags>, given: BackupCommandFlags): string[] {
  const args: string[] = [];
  const add = (flag: string, value: string | undefined) => value !== undefined && args.push(flag, value);
  add('--host', flags.host);
  add('--container', flags.container);
  add('--db', flags.db);
  if (command === 'backup') {
    add('--to', flags.to);
    add('--keep', given.keep === undefined ? undefined : String(flags.keep));
  } else {
    add('--backups', flags.backups);
    add('--max-age', given.maxAge);
    add('--ping', flags.ping);
  }
  if (flags.acceptNewHostKey) args.push('--accept-new-host-key');
  if (flags.json) args.push('--json');
  return args;
}

export function runSchedule(
  command: string,
  argv: string[],
  options: { every: string },
  out: (text: string) => void,
  cli = fileURLToPath(new URL('../cli.js', import.meta.url)),
): number {
  if (command !== 'backup' && command !== 'verify')
    throw new UsageError(
      `schedule ${command}: only backup and verify are scheduled`,
      'e.g. sqlite-rescue schedule backup --container app --db /data/app.db',
    );
  const everyMs = parseDuration(options.every, '--every');
  const everyHours = everyMs / 3_600_000;
  if (!DIVISORS_OF_A_DAY.includes(everyHours))
    throw new UsageError(
      `--every ${options.every}: must be whole hours that divide a day`,
      `one of ${DIVISORS_OF_A_DAY.map((hours) => `${hours}h`).join(', ')}`,
    );
  const given = parseCommandFlags(command, argv);
  const flags = checkBackupFlags(given);
  const env: Record<string, string> = process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {};
  const name = flags.container ?? (flags.db ? stemOf(flags.db) : 'default');
  out(
    renderSchedule({
      command,
      node: process.execPath,
      cli,
      args: toArgs(command, flags, given),
      everyHours,
      minute: command === 'backup' ? 0 : 30,
      name,
      env,
    }),
  );
  return 0;
}
