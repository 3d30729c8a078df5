// One whole recovery as the engine reports it, step by step, for screens at a real terminal size: the steps of
// runbooks/sqlite-wal-restore.yaml with their commands filled in for app-prod, prompts, output, findings, a
// failure and its retry, and the end. Texts are copied here so exact frames do not move when the runbook's
// wording does; walRestoreEvents() also takes the steps as loaded from the runbook file.
import { loadRunbook } from '../../src/commands/load-runbook.js';
import { displayLine } from '../../src/runbook/actions.js';
import type { CommandRecord, Prompt, RunEvent, StepDecl, StepVerdict } from '../../src/runbook/events.js';
import type { Known } from '../../src/steps/deps.js';
import { stepKinds } from '../../src/steps/index.js';

const AT = '2025-01-01T02:00:00.000Z';
/** The scripted run's clock: every event happens at AT, and a screen replaying it reads this time. */
export const RUN_NOW = Date.parse(AT);
const DIR = '/home/ops/incidents/20250101T020000Z';
const QUARANTINE = '/data/rescue-quarantine/20250101T020000Z';
const STAGED = '/data/.app.db.rescue-20250101T020000Z.incoming';
const IMAGE = 'ghcr.io/acme/app:1.4';

export const WAL_RESTORE_STEPS: StepDecl[] = [
  {
    id: 'find-container',
    title: 'Find the production container',
    mutates: false,
    skippable: false,
    why: "PR previews often run the same image beside production, with databases of their own. Restoring into the wrong one fixes nothing and may break a preview. Production is ranked first: Coolify's label coolify.pullRequestId=0, no pr-<n> in the name or image tag, running before stopped, newest start first.",
    commands: [
      "docker ps -a --format '{{.Names}} {{.Image}} {{.Status}}' --filter name=<container>",
      "docker inspect <container> --format '{{json .Config.Labels}}'",
    ],
  },
  {
    id: 'check-live-db',
    title: 'Check the live database',
    mutates: false,
    skippable: false,
    why: 'PRAGMA integrity_check reads every page and cross-checks every index. Only the exact answer "ok" means healthy; the sqlite3 CLI exits 0 even when it prints errors. A healthy database needs no restore.',
    commands: ["docker exec <container> sqlite3 -readonly <db> 'PRAGMA integrity_check;'"],
  },
  {
    id: 'test-backups',
    title: 'Test every backup',
    mutates: false,
    skippable: true,
    why: 'A backup made by copying the .db file while the -wal was live is usually corrupt, whatever its size. Each backup is opened read-only and immutable (no -wal/-shm created beside it) and integrity-checked.',
    commands: [
      'docker exec <container> find <backupsDir> -maxdepth 1 -type f',
      "docker exec <container> sqlite3 -readonly 'file:<backup>?immutable=1' 'PRAGMA integrity_check;'",
    ],
  },
  {
    id: 'choose-source',
    title: 'Choose the healthy source',
    mutates: false,
    skippable: false,
    why: 'integrity_check cannot see a stale copy: a .db copied without its -wal is valid but old, however new its modification time. Row counts per table show which healthy copy holds the most data. Your --local copy is preselected when it is healthy; otherwise the copy with the most rows, the newest modification time breaking ties.',
    commands: ["sqlite3 -readonly <local> 'PRAGMA integrity_check;'", "sqlite3 -readonly <local> 'SELECT count(*) FROM <table>;'"],
  },
  {
    id: 'snapshot-source',
    title: 'Snapshot the source through SQLite',
    mutates: false,
    skippable: false,
    why: "Copying the bare .db loses every row that still lives in its -wal. SQLite's backup API reads through the WAL and produces one consistent, standalone file, even while something writes to the source. The source is opened read-only and left byte-for-byte unchanged.",
    commands: ["sqlite3 -readonly <source> '.backup <snapshot>'", "sqlite3 <snapshot> 'PRAGMA integrity_check;'", 'sha256sum <snapshot>'],
  },
  {
    id: 'stage-in-container',
    title: 'Stage the snapshot beside the live database',
    mutates: true,
    skippable: false,
    why: 'The copy happens while the app still runs, so the downtime does not include it. It goes under a temporary name nobody reads (a docker cp is not atomic) and its sha256 is checked inside the container.',
    commands: ['docker cp <snapshot> <container>:<staged>', 'docker exec <container> sha256sum <staged>'],
  },
  {
    id: 'stop-app',
    title: 'Stop the app',
    mutates: true,
    skippable: false,
    why: 'Nothing may write to the database while its files are swapped: a writer holding the old file open would keep writing to a deleted inode and its -wal would be replayed onto the wrong database.',
    commands: ['docker stop <container>'],
  },
  {
    id: 'quarantine-and-swap',
    title: 'Quarantine the corrupted files and swap in the snapshot',
    mutates: true,
    skippable: false,
    why: "Nothing is deleted. The corrupted .db, its -wal and -shm are renamed into a quarantine folder on the same filesystem (their sha256 is recorded once the app runs again, so hashing adds no downtime); then the staged file is renamed to the live name. A rename is atomic, a copy is not. A short-lived helper container from the app's own image does the renames, since a stopped container cannot run commands.",
    commands: [
      'docker run --rm --volumes-from <container> --entrypoint mkdir <image> -p <quarantine>',
      'docker run --rm --volumes-from <container> --entrypoint mv <image> <db> <db>-wal <db>-shm <quarantine>/',
      'docker run --rm --volumes-from <container> --entrypoint mv <image> <staged> <db>',
    ],
  },
  {
    id: 'start-app',
    title: 'Start the app',
    mutates: true,
    skippable: false,
    why: 'The app opens the restored database and creates a fresh -wal and -shm of its own.',
    commands: ['docker start <container>'],
  },
  {
    id: 'verify',
    title: 'Verify the restored database',
    mutates: false,
    skippable: false,
    why: 'The restore is done only when the live database passes integrity_check, holds at least every row of the snapshot, and the app writes to it again. The quarantined files are hashed into the record first.',
    commands: [
      "docker exec <container> sqlite3 -readonly <db> 'PRAGMA integrity_check;'",
      "docker exec <container> sqlite3 -readonly <db> 'SELECT count(*) FROM <table>;'",
      'docker exec <container> sha256sum <quarantine>/*',
    ],
  },
];

const VALUES: Record<string, string> = {
  container: 'app-prod',
  image: IMAGE,
  db: '/data/app.db',
  backupsDir: '/data/backups',
  local: '/home/ops/app.local.db',
  source: '/home/ops/app.local.db',
  snapshot: `${DIR}/snapshot.db`,
  staged: STAGED,
  quarantine: QUARANTINE,
};

/** A runbook command with what the run has learned filled in, as the engine sends it. */
export const fillCommand = (command: string) => command.replace(/<([a-zA-Z]+)>/g, (whole, key: string) => VALUES[key] ?? whole);

const typed = (id: string, stepId: string, message: string): Prompt => ({
  kind: 'confirm-typed',
  id,
  stepId,
  message,
  expected: 'app-prod',
});

export const CONFIRM_SWAP = typed(
  'confirm-swap',
  'quarantine-and-swap',
  `Move /data/app.db and its -wal/-shm into ${QUARANTINE} and put the snapshot in its place? Type the container name to confirm.`,
);

const PROMPTS: Record<string, Prompt> = {
  'find-container': {
    kind: 'select',
    id: 'pick-container',
    stepId: 'find-container',
    message: 'Which container holds the database to restore? (2 match "app")',
    options: [
      { value: 'c1', label: `app-prod  ${IMAGE}  running`, hint: 'production: label coolify.pullRequestId=0 (production); running' },
      { value: 'c2', label: `app-prod-pr-7  ${IMAGE}  running`, hint: 'preview: pr-7 in the name' },
    ],
    initialIndex: 0,
  },
  'choose-source': {
    kind: 'select',
    id: 'pick-source',
    stepId: 'choose-source',
    message: 'Restore from which copy? (healthy copies, most rows first)',
    options: [{ value: 'local', label: 'local copy /home/ops/app.local.db (1250 rows, modified 2025-01-01 01:40)' }],
    initialIndex: 0,
  },
  'stage-in-container': typed(
    'confirm-stage',
    'stage-in-container',
    `Copy the snapshot into app-prod as ${STAGED}? Type the container name to confirm.`,
  ),
  'stop-app': typed(
    'confirm-stop',
    'stop-app',
    'Stop app-prod? The app is down from here until start-app. Type the container name to confirm.',
  ),
  'quarantine-and-swap': CONFIRM_SWAP,
  'start-app': typed('confirm-start', 'start-app', 'Start app-prod on the restored database? Type the container name to confirm.'),
};

const OUTPUT: Record<string, string[]> = {
  'find-container': [
    `production app-prod (${IMAGE}, running) — label coolify.pullRequestId=0 (production)`,
    `preview    app-prod-pr-7 (${IMAGE}, running) — pr-7 in the name`,
  ],
  'test-backups': [1, 2, 3, 4].map(
    (day) => `CORRUPT /data/backups/app-2024-12-3${day - 1}.db: 3 error(s), first: Tree 12 page 40 cell 3: invalid page number 9999`,
  ),
};

const FINDINGS: Record<string, string[]> = {
  'find-container': ['production container: app-prod (ghcr.io/acme/app:1.4), data on /data'],
  'check-live-db': ['the live database /data/app.db is corrupt: 3 error(s), first: Tree 12 page 40 cell 3: invalid page number 9999'],
  'test-backups': ['0 of 4 backups pass integrity_check'],
  'choose-source': ['source: local copy /home/ops/app.local.db (1250 rows)'],
  'snapshot-source': [
    `snapshot ${DIR}/snapshot.db: 40960 bytes, sha256 9f2c51e0a4b8d7c3e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8, 1250 rows`,
  ],
  'stage-in-container': [`staged ${STAGED} in app-prod: sha256 matches (9f2c51e0a4b8…)`],
  'stop-app': ['stopped app-prod at 2025-01-01T02:03:10.000Z (now exited)'],
  'quarantine-and-swap': [`quarantined app.db, app.db-wal, app.db-shm in ${QUARANTINE}; /data/app.db is now the snapshot (40960 bytes)`],
  'start-app': ['started app-prod: downtime 3.5 s (stop → start)'],
  verify: [
    `quarantine manifest (sha256):\n1c2d…  ${QUARANTINE}/app.db\n3e4f…  ${QUARANTINE}/app.db-wal\n5a6b…  ${QUARANTINE}/app.db-shm`,
    'verified: integrity ok, every snapshot row present, the app wrote a row',
  ],
};

const SUMMARIES: Record<string, string> = {
  'find-container': `app-prod (${IMAGE}, running)`,
  'check-live-db': 'corrupt: 3 error(s), first: Tree 12 page 40 cell 3: invalid page number 9999',
  'test-backups': '0 of 4 backups healthy: CORRUPT ×4',
  'choose-source': 'local copy /home/ops/app.local.db (1250 rows)',
  'snapshot-source': '40960 bytes, 1250 rows, integrity ok, sha256 9f2c51e0a4b8…',
  'stage-in-container': `staged ${STAGED} (40960 bytes, sha256 verified in the container)`,
  'stop-app': 'stopped app-prod in 1.2 s',
  'quarantine-and-swap': `moved 3 file(s) to ${QUARANTINE}; snapshot renamed to /data/app.db`,
  'start-app': 'started app-prod, downtime 3.5 s',
  verify: 'integrity ok, rows ≥ snapshot, the app wrote a row',
};

const inApp = (argv: string[]): CommandRecord['action'] => ({
  kind: 'argv',
  where: 'container',
  container: 'app-prod',
  argv,
  mutates: false,
});
const BACKUPS = [0, 1, 2, 3].map((day) => `/data/backups/app-2024-12-3${day}.db`);

// The actions a step performed as the engine records them (command events), for the output view.
const RAN: Record<string, CommandRecord[]> = {
  'test-backups': [
    { action: inApp(['find', '/data/backups', '-maxdepth', '1', '-type', 'f', '-print0']), phase: 'action', exitCode: 0, durationMs: 84 },
    ...BACKUPS.map((backup): CommandRecord => ({
      action: inApp(['sqlite3', '-readonly', `file:${backup}?immutable=1`, 'PRAGMA quick_check;']),
      phase: 'action',
      exitCode: 0,
      durationMs: 310,
    })),
  ],
};

// What the steps that judge something say they found, as check-live-db and test-backups do.
const VERDICTS: Record<string, StepVerdict> = {
  'check-live-db': { tone: 'bad', label: 'corrupt (3 errors)' },
  'test-backups': { tone: 'bad', label: '0 of 4 healthy' },
};

/** stop-app waits on the app's exit: docker's SIGTERM grace, then SIGKILL. */
export const STOP_WAIT = { what: 'the app has 30 s to exit on SIGTERM; docker kills it then', untilMs: RUN_NOW + 30_000 };

function stepEvents(step: StepDecl): RunEvent[] {
  const commands = step.commands.map(fillCommand);
  const prompt = PROMPTS[step.id];
  const events: RunEvent[] = [
    {
      type: 'awaiting-control',
      at: AT,
      stepId: step.id,
      actions: step.skippable ? ['continue', 'skip', 'quit'] : ['continue', 'quit'],
      reason: 'before-step',
      commands,
    },
    { type: 'step-started', at: AT, stepId: step.id, commands },
  ];
  if (step.id === 'stage-in-container') {
    // The first upload is cut short: the step fails, says what state it left, and is retried.
    events.push(
      {
        type: 'step-failed',
        at: AT,
        stepId: step.id,
        durationMs: 2100,
        message: 'sha256 differs after docker cp: 9f2c51e0a4b8… expected, 000000000000… found',
        hint: 'the copy was cut short; press r to retry it',
        state: 'nothing replaced: the live file is untouched, the partial copy was removed',
      },
      { type: 'awaiting-control', at: AT, stepId: step.id, actions: ['retry', 'quit'], reason: 'after-failure' },
      { type: 'step-started', at: AT, stepId: step.id, commands },
    );
  }
  if (step.id === 'snapshot-source') {
    for (const done of [10, 20, 40])
      events.push({
        type: 'step-progress',
        at: AT,
        stepId: step.id,
        progress: { done: done * 1024, total: 40 * 1024, unit: 'bytes', rate: 20 * 1024, etaSec: (40 - done) / 20 },
      });
  }
  for (const command of RAN[step.id] ?? []) events.push({ type: 'command', at: AT, stepId: step.id, command });
  for (const line of OUTPUT[step.id] ?? []) events.push({ type: 'step-output', at: AT, stepId: step.id, line });
  const isStop = step.id === 'stop-app';
  if (prompt) {
    const answer =
      prompt.kind === 'select'
        ? { kind: 'select' as const, value: prompt.options[0].value }
        : { kind: 'confirm-typed' as const, typed: 'app-prod' };
    events.push({ type: 'prompt-opened', at: AT, prompt }, { type: 'prompt-answered', at: AT, promptId: prompt.id, answer });
  }
  // The confirmation comes before the stop; the wait is the stop itself.
  if (isStop)
    events.push({ type: 'step-waiting', at: AT, stepId: step.id, ...STOP_WAIT }, { type: 'step-waiting', at: AT, stepId: step.id });
  for (const text of FINDINGS[step.id] ?? []) events.push({ type: 'finding', at: AT, stepId: step.id, text });
  const verdict = VERDICTS[step.id];
  events.push({
    type: 'step-succeeded',
    at: AT,
    stepId: step.id,
    durationMs: 1240,
    summary: SUMMARIES[step.id] ?? 'done',
    ...(verdict ? { verdict } : {}),
  });
  return events;
}

export function walRestoreEvents(steps: StepDecl[] = WAL_RESTORE_STEPS): RunEvent[] {
  return [
    {
      type: 'run-started',
      at: AT,
      incidentId: '20250101T020000Z',
      incidentDir: DIR,
      runbook: 'sqlite-wal-restore',
      dryRun: false,
      target: 'app-prod:/data/app.db on the local Docker engine',
      steps,
    },
    ...steps.flatMap(stepEvents),
    {
      type: 'run-finished',
      at: AT,
      exitCode: 0,
      headline: 'restored and verified: /data/app.db in app-prod passes integrity_check and takes writes',
      downtimeMs: 3460,
      incidentDir: DIR,
    },
  ];
}

/**
 * Questions the composition asks before the run starts (prompts of step 'pre-run', before run-started): the dry-run
 * question, an unknown SSH host key with its fingerprint, a key's passphrase.
 */
export const DRY_RUN_QUESTION: Prompt = {
  kind: 'yes-no',
  id: 'pre-run#dry-run',
  stepId: 'pre-run',
  message: 'Do a dry-run first? Every read-only step runs for real; nothing is changed.',
  defaultYes: true,
};
export const HOST_KEY_QUESTION: Prompt = {
  kind: 'confirm-typed',
  id: 'pre-run#host-key',
  stepId: 'pre-run',
  message:
    "coolify (203.0.113.7:22) is not in ~/.ssh/known_hosts. Its ED25519 key is SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8 — check it with the server's owner. Trust it and add it to known_hosts?",
  expected: 'yes',
};
export const PASSPHRASE_QUESTION: Prompt = {
  kind: 'secret',
  id: 'pre-run#passphrase',
  stepId: 'pre-run',
  message: 'Passphrase of /home/ops/.ssh/id_ed25519:',
};

export function preRunEvents(): RunEvent[] {
  return [
    { type: 'prompt-opened', at: AT, prompt: DRY_RUN_QUESTION },
    { type: 'prompt-answered', at: AT, promptId: DRY_RUN_QUESTION.id, answer: { kind: 'yes-no', yes: false } },
    { type: 'prompt-opened', at: AT, prompt: HOST_KEY_QUESTION },
    { type: 'prompt-answered', at: AT, promptId: HOST_KEY_QUESTION.id, answer: { kind: 'confirm-typed', typed: 'yes' } },
    { type: 'prompt-opened', at: AT, prompt: PASSPHRASE_QUESTION },
    { type: 'prompt-answered', at: AT, promptId: PASSPHRASE_QUESTION.id, answer: { kind: 'secret', value: '' } },
  ];
}

/** The events up to and including the first one that matches. */
export function eventsUntil(events: RunEvent[], isLast: (event: RunEvent) => boolean): RunEvent[] {
  const index = events.findIndex(isLast);
  if (index === -1) throw new Error('eventsUntil: no event matches');
  return events.slice(0, index + 1);
}

/**
 * The shipped runbook's steps as the engine announces them once the target is known: titles and whys from the YAML,
 * commands from the step kinds' own declarations (the same the run performs), for app-prod.
 */
export function shippedStepDecls(): StepDecl[] {
  const runbook = loadRunbook();
  const known: Known = {
    facts: {
      target: {
        containerId: 'c1',
        containerName: 'app-prod',
        image: IMAGE,
        appName: 'app-prod',
        dbPath: '/data/app.db',
        dataMount: { type: 'volume', name: 'app-data', source: '/var/lib/docker/volumes/app-data/_data', destination: '/data' },
      },
      source: { id: 'local', kind: 'local', path: VALUES.local, ok: true, mtime: AT, size: 1, tables: {}, errors: [] },
    },
    options: { container: 'app-prod', db: '/data/app.db', local: VALUES.local },
    incident: { id: '20250101T020000Z', dir: DIR },
  };
  return runbook.steps.map((step) => {
    const kind = stepKinds.get(step.uses);
    if (!kind) throw new Error(`no step kind ${step.uses}`);
    return {
      id: step.id,
      title: step.title,
      why: step.why,
      mutates: kind.mutates,
      skippable: step.skippable,
      commands: kind.declare(known).map(displayLine),
    };
  });
}
