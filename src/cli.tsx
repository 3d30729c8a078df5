// Composition root: parses argv, dispatches to a command, and turns errors into a message, a hint and an exit code.
// Only bugs print a stack.
// Each command loads its modules when it runs: dockerode, ssh2, Ink and SQLite cost seconds to import on a busy
// machine, and the first screen of the TUI should not wait for what another command needs.
import { readFileSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import type { RestoreFlags } from './commands/restore-flags.js';
import type { CompletePath } from './ui/PathPrompt.js';
import { describeError, RescueError } from './runbook/errors.js';

const hasTerminal = () => Boolean(process.stdin.isTTY && process.stdout.isTTY);

function restoreOptions(command: Command): Command {
  return command
    .option('--host <host>', 'production server over SSH: an ~/.ssh/config alias or user@host[:port] (default: the local Docker engine)')
    .option('--container <name>', 'container name, id or substring (several matches are ranked)')
    .option('--db <path>', 'database path inside the container')
    .option('--backups <glob>', 'backup files inside the container (default: <db dir>/backups/*.db)')
    .option('--local <path>', 'your healthy local copy (its -wal, if any, is part of it)')
    .option('--source <candidate>', 'what to restore without asking: local, backup:PATH, repaired, salvaged or merged')
    .option('--stop-timeout <seconds>', "seconds the app gets to exit on SIGTERM (default: the container's own, else docker's 10)")
    .option('--dry-run', 'run every read-only step for real; print, never perform, every mutating step', false)
    .option('--yes', 'no questions: take the top-ranked answer where it is unambiguous, exit 2 where it is not', false)
    .option('--json', 'NDJSON events on stdout, human text on stderr (needs --yes)', false)
    .option('--incident-dir <dir>', 'where the record goes (default ./incidents/<UTC timestamp>/)')
    .addOption(new Option('--accept-new-host-key', 'with --yes: accept and record an unknown SSH host key').default(false))
    .option('--break-stale-lock', 'clear the lock left by a killed run on the same container and database', false);
}

async function restoreAction(options: Record<string, unknown>): Promise<number> {
  const [{ checkFlags, readConfigFile }, { findUnfinished, runResume }] = await Promise.all([
    import('./commands/restore-flags.js'),
    import('./commands/resume.js'),
  ]);
  const interactive = options.yes !== true && hasTerminal();
  const config = readConfigFile(process.cwd());
  const flags: RestoreFlags = {
    ...config,
    ...Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)),
  } as RestoreFlags;
  checkFlags(flags, hasTerminal());
  if (!interactive) return (await (await import('./commands/restore.js')).runRestore({ flags })).exitCode;

  // One screen from the first question to the last: the questions before the run are asked on the run's screen.
  const { openTuiSession, askYesNo } = await import('./commands/tui-session.js');
  const session = await openTuiSession({ target: describeTarget(flags), completePath: completeLocalPathLater });
  // The run's modules (Docker, SSH, SQLite, the steps: a second of CPU on a busy machine) load while the operator reads
  // the first question, not before it is drawn: module loading runs on the thread that draws.
  const restoreModule = afterFirstFrame(() => import('./commands/restore.js'));
  try {
    // An operator back after a crash gets the interrupted run offered first: starting over would stage a second copy.
    const unfinished = flags.dryRun ? undefined : findUnfinished(undefined, flags);
    if (
      unfinished &&
      (await askYesNo(
        session,
        `An unfinished restore of the same target is recorded in ${unfinished}. Resume it (every step it did is checked again)?`,
        true,
      ))
    ) {
      return (await runResume(unfinished, { yes: false, json: false, session })).exitCode;
    }
    // At the terminal the operator may rehearse first: the same runbook, every read-only step for real, nothing changed.
    const isDryRun =
      flags.dryRun || (await askYesNo(session, 'Start with a dry-run (every check runs for real, nothing is changed)?', false));
    const { runRestore } = await restoreModule;
    return (await runRestore({ flags: { ...flags, dryRun: isDryRun }, session, offerToSave: true })).exitCode;
  } finally {
    // runRestore closes the screen it was handed too; closing is idempotent, and a question that backed out ends here.
    await session.close();
  }
}

// The header before the engine names the target: the same text as describeTarget in commands/restore.ts, which cannot
// be imported from there without loading the whole run before the first frame.
function describeTarget(flags: Pick<RestoreFlags, 'host' | 'container' | 'db'>): string {
  const engine = flags.host ? `the Docker engine on ${flags.host}` : 'the local Docker engine';
  return `${flags.container ?? 'a container'}:${flags.db ?? '<db>'} on ${engine}`;
}

// Tab at the path prompt: the completion (and the discovery code behind it) loads on the first Tab.
const completeLocalPathLater: CompletePath = async (typed) => (await import('./commands/complete-path.js')).completeLocalPath(typed);

// Ink draws at most 10 frames a second (tui-session.ts): the first question is on the screen within one frame.
const FIRST_FRAME_MS = 100;

function afterFirstFrame<T>(load: () => Promise<T>): Promise<T> {
  const loading = new Promise<T>((resolve, reject) => setTimeout(() => load().then(resolve, reject), FIRST_FRAME_MS).unref());
  // Awaited later, or never when the operator backs out: a failure then surfaces where it is awaited.
  loading.catch(() => undefined);
  return loading;
}

// package.json sits one folder up from both src/ (tsx) and dist/ (the built CLI).
function readVersion(): string {
  return (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('sqlite-rescue')
    .description('Guided, safe recovery of a corrupted WAL-mode SQLite database inside a Docker container')
    .version(readVersion(), '--version', 'print the version')
    .exitOverride()
    .enablePositionalOptions()
    .showHelpAfterError('(run sqlite-rescue --help for the usage)');
  restoreOptions(program).action(async (options) => setExitCode(await restoreAction(options)));
  restoreOptions(program.command('restore').description('the recovery runbook; flags pre-answer its questions')).action(async (options) =>
    setExitCode(await restoreAction(options)),
  );
  program
    .command('resume')
    .description('continue an interrupted restore from its incident folder, proving again what it relies on')
    .argument('[dir]', 'the incident folder (default: the newest unfinished one under ./incidents)')
    .option('--yes', 'no questions', false)
    .option('--json', 'NDJSON events on stdout (needs --yes)', false)
    .option('--break-stale-lock', 'clear a lock left by another killed run', false)
    .action(async (dir: string | undefined, options: { yes: boolean; json: boolean; breakStaleLock: boolean }) => {
      const [{ checkInteraction }, { runResume }] = await Promise.all([
        import('./commands/restore-flags.js'),
        import('./commands/resume.js'),
      ]);
      checkInteraction(options, hasTerminal());
      setExitCode((await runResume(dir, options)).exitCode);
    });
  program
    .command('drill')
    .description('builds a throwaway outage on the Docker engine, runs the recovery against it, scores it, cleans up')
    .option(
      '--scenario <name>',
      'wal-copyfile (default), stale-wal, no-sqlite-in-image, all-backups-bad-no-local, rogue-write, index-only, stale-local-copy: see --list',
      'wal-copyfile',
    )
    .option('--list', 'list the scenarios and what each must end with', false)
    .option('--keep', 'leave the containers, volumes, image and files to look around (says how to remove them)', false)
    .option('--image <image>', 'run the app in an image of yours (needs sh and sqlite3) instead of one built from this machine')
    .option('--yes', 'no questions: run the recovery as a script would', false)
    .option('--json', 'NDJSON events on stdout, then a drill-finished line with the score (needs --yes)', false)
    .option('--incident-dir <dir>', 'where the record goes (default ./incidents/drill-<scenario>-<UTC timestamp>/)')
    .action(
      async (options: {
        scenario: string;
        list: boolean;
        keep: boolean;
        image?: string;
        yes: boolean;
        json: boolean;
        incidentDir?: string;
      }) => {
        const [{ scenarios }, { checkInteraction }] = await Promise.all([
          import('./drill/scenarios.js'),
          import('./commands/restore-flags.js'),
        ]);
        if (options.list) {
          for (const scenario of scenarios)
            process.stdout.write(`${scenario.name}\n  builds: ${scenario.builds}\n  must end with: ${scenario.mustEndWith}\n`);
          return setExitCode(0);
        }
        checkInteraction(options, hasTerminal());
        const [{ createLocalRuntime }, { DockerLab }, { runDrill }] = await Promise.all([
          import('./adapters/dockerode/index.js'),
          import('./adapters/dockerode/docker-lab.js'),
          import('./drill/run-drill.js'),
        ]);
        const runtime = createLocalRuntime();
        const log = (line: string) => (options.json || !options.yes ? process.stderr : process.stdout).write(`${line}\n`);
        setExitCode(await runDrill(options, { runtime, lab: new DockerLab(runtime.docker), log }));
      },
    );
  program
    .command('check')
    .description('integrity of local SQLite files, opened read-only through their WAL (exit 0 healthy, 1 not)')
    .argument('<files...>', 'SQLite files')
    .option('--quick', 'PRAGMA quick_check instead of integrity_check', false)
    .option('--json', 'one JSON object per file', false)
    .action(async (files: string[], options: { quick: boolean; json: boolean }) => {
      const { runCheck } = await import('./commands/check.js');
      setExitCode(await runCheck(files, options, (line) => process.stdout.write(`${line}\n`)));
    });
  addPreventionCommands(program, setExitCode);
  const runbook = program.command('runbook').description('runbooks shipped with the tool');
  runbook
    .command('print')
    .description('a runbook as Markdown, for when the tool itself cannot run')
    .argument('[name]', 'a runbook shipped in runbooks/ (default: sqlite-wal-restore)')
    .action(async (name?: string) => {
      const { printRunbook } = await import('./commands/load-runbook.js');
      process.stdout.write(printRunbook(name));
      setExitCode(0);
    });
  return program;
}

// ---- backup, verify, scan, schedule (issue 14): the next incident never happens ----

function targetOptions(command: Command): Command {
  return command
    .option('--host <host>', 'the server over SSH: an ~/.ssh/config alias or user@host[:port] (default: the local Docker engine)')
    .option('--container <name>', 'container name, id or substring (default: the one production container)')
    .option('--db <path>', 'database path inside the container (default: the one database the app has open)')
    .option('--json', 'NDJSON events on stdout, human text on stderr', false)
    .addOption(new Option('--accept-new-host-key', 'with --host: accept and record an unknown SSH host key').default(false));
}

function addPreventionCommands(program: Command, setExitCode: (code: number) => void): void {
  targetOptions(program.command('backup').description('a consistent, hour-stamped, checked backup of the live database (never overwrites)'))
    .option('--to <dir>', 'copy it to this folder on this machine as well (sha256 checked)')
    .option('--keep <n>', 'backups of ours to keep for this database, the new one counted (default 28)')
    .option('--dry-run', 'find the database and print the commands, change nothing', false)
    .action(async (options: Record<string, unknown>) => {
      const { runBackup } = await import('./commands/backup.js');
      setExitCode((await runBackup({ flags: { ...(options as object), dryRun: options.dryRun === true } as never })).exitCode);
    });
  const verify = program.command('verify').description('proves every backup healthy, restorable and fresh: exit 0, else 1 naming each');
  targetOptions(verify)
    .option('--backups <glob>', 'only the backups matching this glob inside the container (default: every backup found)')
    .option('--max-age <duration>', 'the newest healthy backup must be younger than this, e.g. 6h, 90m, 1d (default 6h)')
    .option('--ping <url>', 'GET <url> when healthy, <url>/fail when not (healthchecks.io style), with a 10 s timeout')
    .action(async (options: Record<string, unknown>) => {
      const { runVerify } = await import('./commands/verify.js');
      setExitCode(await runVerify({ flags: { ...(options as object), dryRun: false } as never }));
    });
  program
    .command('scan')
    .description('every SQLite database in every container: health, newest backup, its health and age')
    .option('--host <host>', 'the server over SSH (default: the local Docker engine)')
    .option('--max-age <duration>', 'a database needs a healthy backup younger than this (default 6h)')
    .option('--json', 'NDJSON events on stdout (one finding per database), human text on stderr', false)
    .addOption(new Option('--accept-new-host-key', 'with --host: accept and record an unknown SSH host key').default(false))
    .action(async (options: Record<string, unknown>) => {
      const { runScan } = await import('./commands/scan.js');
      setExitCode(await runScan({ flags: { ...(options as object), dryRun: false } as never }));
    });
  program
    .command('schedule')
    .description('prints the crontab line and systemd units that run backup (or verify) every few hours; installs nothing')
    .argument('<command>', 'backup or verify')
    .argument('[flags...]', 'the flags of that command, e.g. --container app --db /data/app.db')
    .option('--every <hours>', 'how often: 1h, 2h, 3h, 4h, 6h, 8h, 12h or 24h (default 6h)', '6h')
    .allowUnknownOption(true)
    .action(async (command: string, flags: string[], options: { every: string }) => {
      const { runSchedule } = await import('./commands/schedule.js');
      setExitCode(runSchedule(command, flags, options, (text) => process.stdout.write(text)));
    });
}

async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    const described = describeError(error);
    process.stderr.write(`sqlite-rescue: ${described.message}\n`);
    if (described.hint) process.stderr.write(`  what to do: ${described.hint}\n`);
    if (described.kind === 'bug' && error instanceof Error) process.stderr.write(`${error.stack}\n(this is a bug in sqlite-rescue)\n`);
    return error instanceof RescueError ? error.exitCode : 1;
  }
}

const code = await main(process.argv);
process.exitCode = code;
// A Docker keep-alive socket or a worker must not hold an operator's shell after the run is over.
setTimeout(() => process.exit(code), 200).unref();
