// The same recovery an expert types by hand, over SSH, timed command by command: OpenSSH's ssh and scp with the
// same alias the tool uses (rescue-test from the sshd's client HOME), the sqlite3 CLI, and the docker CLI on the
// server. It checks what the expert would look at (integrity_check says ok / not ok) and nothing more. `docker stop`
// gets docker's default timeout (10 s). A crash-looping app cannot be exec'd into: its reads go through a helper from
// its own image with --volumes-from, as an expert would do once `docker exec` refused.
import path from 'node:path';
import { execa } from 'execa';
import { shellQuote } from '../test/support/tmux.js';
import type { Sshd } from '../test/support/sshd/sshd.js';
import { TEST_ALIAS } from '../test/support/sshd/sshd.js';
import type { BenchOutage } from './outage.js';

/** OpenSSH reads the passwd home, not $HOME: point it at the sshd's client files explicitly. */
export function opensshArgs(sshd: Sshd): string[] {
  return [
    '-F',
    path.join(sshd.home, '.ssh', 'config'),
    '-i',
    sshd.clientKeyPath,
    '-o',
    `UserKnownHostsFile=${path.join(sshd.home, '.ssh', 'known_hosts')}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    '-o',
    'IdentitiesOnly=yes',
  ];
}

export interface RawStep {
  name: string;
  ms: number;
}

export interface RawRun {
  totalMs: number;
  steps: RawStep[];
  /** docker stop returned → docker start returned, as the tool counts its downtime. */
  downtimeMs: number;
  /** docker stop typed → docker start returned: the whole time the app is down by the operator's hand. */
  windowMs: number;
}

/** Where the raw recovery's upload lands on the "server" (removed by the bench after the run). */
export const rawUploadPath = (sshd: Sshd, outage: BenchOutage) => path.join(sshd.dir, `${outage.prefix}raw-snapshot.db`);

export async function runRawRecovery(sshd: Sshd, outage: BenchOutage, db = '/data/app.db'): Promise<RawRun> {
  const container = outage.production.name;
  const image = outage.variant.image;
  // sqlite3 exits non-zero on a corrupt database: the output is what is checked, not the exit code.
  const ssh = (remote: string) => execa('ssh', [...opensshArgs(sshd), TEST_ALIAS, remote], { stdin: 'ignore', reject: false });
  const snapshot = path.join(outage.workDir, 'raw-snapshot.db');
  const upload = rawUploadPath(sshd, outage);
  const staged = `${path.posix.dirname(db)}/.app.db.new`;
  const inContainer = (argv: string) =>
    outage.variant.crashLoops
      ? `docker run --rm --volumes-from ${container} --entrypoint sh ${image} -c ${shellQuote(argv)}`
      : `docker exec ${container} sh -c ${shellQuote(argv)}`;
  const integrity = `sqlite3 -readonly ${db} 'PRAGMA integrity_check;'`;
  const loop = `for f in ${path.posix.dirname(db)}/backups/*.db; do r=$(sqlite3 -readonly "file:$f?immutable=1" 'PRAGMA integrity_check;' 2>&1); if [ "$r" = ok ]; then echo "ok $f"; else echo "CORRUPT $f"; fi; done`;
  const rename = `mkdir -p /data/quarantine && for f in ${db} ${db}-wal ${db}-shm; do if [ -e "$f" ]; then mv "$f" /data/quarantine/ || exit 1; fi; done && mv ${staged} ${db}`;

  const steps: RawStep[] = [];
  const step = async (name: string, run: () => Promise<{ stdout: unknown }>, expect?: (stdout: string) => boolean) => {
    const started = performance.now();
    const result = await run();
    steps.push({ name, ms: performance.now() - started });
    const stdout = String(result.stdout).trim();
    const exitCode = (result as { exitCode?: number }).exitCode;
    if (!expect && exitCode !== 0)
      throw new Error(`raw recovery, ${name}: exit ${exitCode}: ${String((result as { stderr?: unknown }).stderr)}`);
    if (expect && !expect(stdout)) throw new Error(`raw recovery, ${name}: unexpected output ${JSON.stringify(stdout.slice(0, 300))}`);
    return { started, ended: performance.now() };
  };

  const how = outage.variant.crashLoops ? 'helper --volumes-from' : 'docker exec';
  const started = performance.now();
  await step(
    `ssh ${how} sqlite3 integrity_check (live)`,
    () => ssh(inContainer(integrity)),
    (out) => out !== 'ok',
  );
  await step(
    `ssh ${how} loop of integrity_check over 7 backups`,
    () => ssh(inContainer(loop)),
    (out) => out.split('\n').length === 7 && !out.includes('ok /'),
  );
  await step('sqlite3 -readonly local.db .backup', () => execa('sqlite3', ['-readonly', outage.local, `.backup ${snapshot}`]));
  await step('scp (default cipher)', () => execa('scp', ['-q', ...opensshArgs(sshd), snapshot, `${TEST_ALIAS}:${upload}`]));
  await step('ssh docker cp', () => ssh(`docker cp ${upload} ${container}:${staged}`));
  const stop = await step('ssh docker stop (default timeout)', () => ssh(`docker stop ${container}`));
  await step('ssh docker run --volumes-from … mv (rename)', () =>
    ssh(`docker run --rm --volumes-from ${container} --entrypoint sh ${image} -c ${shellQuote(rename)}`),
  );
  const start = await step('ssh docker start', () => ssh(`docker start ${container}`));
  await step(
    'ssh docker exec sqlite3 integrity_check (restored)',
    () => ssh(`docker exec ${container} ${integrity}`),
    (out) => out === 'ok',
  );
  return { totalMs: performance.now() - started, steps, downtimeMs: start.ended - stop.ended, windowMs: start.ended - stop.started };
}
