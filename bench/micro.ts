// The parts of a recovery measured alone against the command an expert would type, each REPS times, interleaved so
// that a noisy moment hits both sides alike: (b) the upload vs scp, (c) the copy into a container vs docker cp, (d) one
// integrity_check vs the sqlite3 CLI, (e) seven backups checked at once vs a sequential sqlite3 loop.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { createSqliteInspector as CreateSqliteInspector } from '../src/adapters/better-sqlite3/index.js';
import type { createLocalRuntime as CreateLocalRuntime } from '../src/adapters/dockerode/index.js';
import { removeTestResources, startAppContainer } from '../test/support/docker/index.js';
import type { Sshd } from '../test/support/sshd/sshd.js';
import { writeBackups, type SizeFiles } from './files.js';
import { mbps, median, ratio, seconds, timed } from './measure.js';
import { measureUpload, type UploadFigures } from './upload.js';

export interface BackupFigures {
  /** quick_check, then integrity_check where it passed: what test-backups runs. */
  triage: number[];
  /** integrity_check of every backup, like the loop. */
  full: number[];
  cli: number[];
  bytes: number;
  sizeMb: number;
}

export interface Micro {
  upload?: UploadFigures & { sizeMb: number };
  copyIn?: { tool: number[]; dockerCp: number[]; bytes: number; sizeMb: number };
  check?: { tool: number[]; cli: number[]; bytes: number; sizeMb: number };
  backups?: BackupFigures;
  healthyBackups?: BackupFigures;
}

export interface MicroContext {
  sshd: Sshd;
  /** The largest database: upload and copy-in. */
  big: SizeFiles;
  /** One integrity_check (a full check of 1 GB with six indexes takes ~20 s). */
  check: SizeFiles;
  /** Seven backups of this size, torn and healthy. */
  backups: SizeFiles;
  reps: number;
  prefix: string;
  workDir: string;
  /** The adapters as built (imported from the copy of dist/ the bench measures). */
  createLocalRuntime: typeof CreateLocalRuntime;
  createSqliteInspector: typeof CreateSqliteInspector;
  log(line?: string): void;
  section(title: string): void;
  label(mb: number): string;
}

export async function measureMicro(ctx: MicroContext): Promise<Micro> {
  const micro: Micro = {};
  const { log, reps, big } = ctx;
  const runs = (values: number[]) => `${values.map(seconds).join(', ')}   median ${seconds(median(values))}`;

  ctx.section(
    `(b) upload of a ${ctx.label(big.sizeMb)} database to the server vs scp (${reps}× each, interleaved; ssh2 negotiates aes128-gcm)`,
  );
  const u = { ...(await measureUpload(ctx.sshd, big.later, reps)), sizeMb: big.sizeMb };
  micro.upload = u;
  log(`SshRemoteHost.upload as the restore runs it (fastPut + rename): ${runs(u.tool)}  ${mbps(u.bytes, median(u.tool))}`);
  log(`  of which the SFTP transfer:                                   ${runs(u.transferOnly)}  ${mbps(u.bytes, median(u.transferOnly))}`);
  log(
    `upload + sha256sum on the server (hash: true, not what restore runs): ${u.withHash.map(seconds).join(', ')}  ${mbps(u.bytes, median(u.withHash))}`,
  );
  log(`scp, default cipher (chacha20-poly1305):                         ${runs(u.scp)}  ${mbps(u.bytes, median(u.scp))}`);
  log(`scp -c aes128-gcm@openssh.com:                                   ${runs(u.scpGcm)}  ${mbps(u.bytes, median(u.scpGcm))}`);
  log(
    `throughput tool/scp: ${(median(u.scp) / median(u.tool)).toFixed(2)}  tool/scp-gcm: ${(median(u.scpGcm) / median(u.tool)).toFixed(2)}`,
  );

  ctx.section(`(c) copy of a ${ctx.label(big.sizeMb)} file into a running container: DockerRuntime.copyIn (archive API) vs docker cp`);
  const container = await startAppContainer({ name: `${ctx.prefix}micro`, volumeName: `${ctx.prefix}micro-data` });
  try {
    const dataDir = (await execa('docker', ['volume', 'inspect', '--format', '{{.Mountpoint}}', `${ctx.prefix}micro-data`])).stdout.trim();
    const runtime = ctx.createLocalRuntime();
    const copyIn = { tool: [] as number[], dockerCp: [] as number[], bytes: big.bytes, sizeMb: big.sizeMb };
    micro.copyIn = copyIn;
    for (let i = 0; i < reps; i++) {
      copyIn.dockerCp.push((await timed(() => execa('docker', ['cp', big.later, `${container.name}:/data/docker-cp.db`]))).ms);
      fs.rmSync(path.join(dataDir, 'docker-cp.db'));
      copyIn.tool.push((await timed(() => runtime.copyIn(container.id, big.later, '/data', 'copy-in.db'))).ms);
      fs.rmSync(path.join(dataDir, 'copy-in.db'));
    }
    log(`DockerRuntime.copyIn: ${runs(copyIn.tool)}  ${mbps(big.bytes, median(copyIn.tool))}`);
    log(`docker cp:            ${runs(copyIn.dockerCp)}  ${mbps(big.bytes, median(copyIn.dockerCp))}`);
    log(`ratio copyIn / docker cp: ${ratio(median(copyIn.tool), median(copyIn.dockerCp))}`);
  } finally {
    await removeTestResources(`${ctx.prefix}micro`);
  }

  const checkFiles = ctx.check;
  ctx.section(
    `(d) integrity_check of one ${ctx.label(checkFiles.sizeMb)} database: the tool's inspector (better-sqlite3, worker thread) vs sqlite3 CLI`,
  );
  const check = { tool: [] as number[], cli: [] as number[], bytes: checkFiles.bytes, sizeMb: checkFiles.sizeMb };
  micro.check = check;
  for (let i = 0; i < reps; i++) {
    const cli = await timed(() => execa('sqlite3', ['-readonly', checkFiles.later, 'PRAGMA integrity_check;']));
    if (String(cli.value.stdout).trim() !== 'ok') throw new Error(`sqlite3 integrity_check of ${checkFiles.later}: ${cli.value.stdout}`);
    check.cli.push(cli.ms);
    const inspector = ctx.createSqliteInspector();
    const tool = await timed(() => inspector.check(checkFiles.later, 'full'));
    await inspector.close();
    if (!tool.value.ok) throw new Error(`inspector check of ${checkFiles.later}: ${tool.value.errors[0]}`);
    check.tool.push(tool.ms);
  }
  for (const suffix of ['-wal', '-shm']) fs.rmSync(checkFiles.later + suffix, { force: true });
  log(`inspector.check(full): ${runs(check.tool)}`);
  log(`sqlite3 -readonly:     ${runs(check.cli)}`);
  log(`ratio inspector / CLI: ${ratio(median(check.tool), median(check.cli))}`);

  // The tool triages backups, several at once (test-backups; the inspector when the image has no sqlite3): quick_check,
  // and integrity_check only where quick_check passed. Measured against the loop an expert types, on the outage's torn
  // backups and on seven healthy ones.
  const backupFiles = ctx.backups;
  const loop =
    'for f in "$@"; do r=$(sqlite3 -readonly "file:$f?immutable=1" "PRAGMA integrity_check;" 2>&1); [ "$r" = ok ] && echo "ok $f" || echo "CORRUPT $f"; done';
  const measureBackups = async (kind: 'torn' | 'healthy', files: string[]): Promise<BackupFigures> => {
    const figures: BackupFigures = { triage: [], full: [], cli: [], bytes: files.length * backupFiles.bytes, sizeMb: backupFiles.sizeMb };
    const expectOk = kind === 'healthy';
    for (let i = 0; i < reps; i++) {
      const cli = await timed(() => execa('sh', ['-c', loop, 'sh', ...files]));
      const verdicts = String(cli.value.stdout)
        .split('\n')
        .filter((line) => line.startsWith(expectOk ? 'ok ' : 'CORRUPT '));
      if (verdicts.length !== files.length) throw new Error(`expected ${files.length} ${kind} backups: ${cli.value.stdout}`);
      figures.cli.push(cli.ms);
      for (const mode of ['triage', 'full'] as const) {
        const inspector = ctx.createSqliteInspector();
        const checkOne = async (file: string) => {
          const quick = mode === 'triage' ? await inspector.check(file, 'quick') : undefined;
          return quick && !quick.ok ? quick : inspector.check(file, 'full');
        };
        const tool = await timed(() => Promise.all(files.map(checkOne)));
        await inspector.close();
        if (tool.value.some((result) => result.ok !== expectOk))
          throw new Error(`the inspector's ${mode} check disagrees with the CLI on a ${kind} backup`);
        figures[mode].push(tool.ms);
      }
    }
    log(`inspector, triage of all 7 at once (${os.availableParallelism()} worker threads): ${runs(figures.triage)}`);
    log(`inspector, integrity_check of all 7 at once:                ${runs(figures.full)}`);
    log(`sequential loop of sqlite3 integrity_check:                 ${runs(figures.cli)}`);
    log(
      `ratio triage / loop: ${ratio(median(figures.triage), median(figures.cli))}   full / loop: ${ratio(median(figures.full), median(figures.cli))}`,
    );
    return figures;
  };
  const folder = path.join(ctx.workDir, 'micro-backups');
  try {
    ctx.section(
      `(e) 7 torn backups of ${ctx.label(backupFiles.sizeMb)} (the outage's): the inspector, all at once vs a sequential loop of sqlite3`,
    );
    const torn = await writeBackups(backupFiles, folder);
    await execa('sync');
    micro.backups = await measureBackups('torn', torn);
    fs.rmSync(folder, { recursive: true, force: true });
    ctx.section(`(e) 7 healthy backups of ${ctx.label(backupFiles.sizeMb)}: the inspector, all at once vs a sequential loop of sqlite3`);
    fs.mkdirSync(folder, { recursive: true });
    const healthy = Array.from({ length: 7 }, (_, day) => path.join(folder, `app-2024-07-0${day + 1}.db`));
    for (const file of healthy) fs.copyFileSync(backupFiles.base, file);
    await execa('sync');
    micro.healthyBackups = await measureBackups('healthy', healthy);
  } finally {
    fs.rmSync(folder, { recursive: true, force: true });
  }
  return micro;
}
