// The whole recovery as an operator does it at 2 a.m., knowing only the server's ssh alias: the built binary in a real
// terminal (tmux), `sqlite-rescue restore --host rescue-test` and nothing else, against a real OpenSSH server in front
// of the real Docker engine holding production, two PR previews and a proxy. Every question is answered with Enter on
// what the tool found and preselected, plus the local copy's path typed at its prompt and the app's name typed once
// before the downtime window. The downtime the record measures is then compared with a `--yes` run's on the same
// outage built again.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI_PATH, runCli } from '../support/cli.js';
import { docker } from '../support/docker/docker-cli.js';
import { APP_IMAGE } from '../support/docker/ensure-test-images.js';
import { makeTestPrefix, removeTestResources } from '../support/docker/app-container.js';
import { buildOutage, type Outage } from '../support/outage.js';
import { startSshd, TEST_ALIAS, type Sshd } from '../support/sshd/sshd.js';
import { capture, kill, sendKeys, startSession, typeText, waitForScreen, type TmuxSession } from '../support/tmux.js';
import { waitUntil } from '../support/wait-until.js';

const DB = '/data/app.db';
/** The name the operator knows the app by: Coolify's resource name on production and its previews. */
const APP_NAME = 'notes';
const LABELS = { 'coolify.managed': 'true', 'coolify.resourceName': APP_NAME };
/** A step over SSH can take several seconds on a slow machine (discovery, the rescue candidates, the upload). */
const STEP_TIMEOUT_MS = 60_000;

interface RecordedRun {
  exitCode: number;
  downtimeMs: number;
  chosen: string;
  window?: { waitsInWindow: string[]; stepsInWindow: string[] };
}

function readRecord(incidentDir: string): RecordedRun {
  const events = readFileSync(join(incidentDir, 'events.ndjson'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  const finished = events.find((event) => event.type === 'run-finished');
  const chosen = events.find((event) => event.type === 'step-succeeded' && event.stepId === 'choose-source');
  // The downtime window: from the stop's first action (its probes run before the confirmation) to the start step's
  // end. What waited for a person inside it.
  const windowStart = events.findIndex(
    (event) => event.type === 'command' && event.stepId === 'stop-app' && event.command.phase === 'action',
  );
  const windowEnd = events.findIndex((event) => event.type === 'step-succeeded' && event.stepId === 'start-app');
  const waitsInWindow = events
    .slice(windowStart, windowEnd + 1)
    .filter((event) => event.type === 'prompt-opened' || event.type === 'awaiting-control')
    .map((event) => `${event.type} ${event.prompt?.id ?? event.stepId ?? ''}`);
  const stepsInWindow = events
    .slice(windowStart, windowEnd + 1)
    .filter((event) => event.type === 'step-started')
    .map((event) => event.stepId);
  return {
    exitCode: finished.exitCode,
    downtimeMs: finished.downtimeMs,
    chosen: chosen?.data?.id,
    window: windowStart < 0 || windowEnd < 0 ? undefined : { waitsInWindow, stepsInWindow },
  };
}

async function buildScene(prefix: string, workDirs: string[]): Promise<Outage> {
  const outage = await buildOutage(prefix, { labels: LABELS, morePreviews: [12] });
  workDirs.push(outage.workDir);
  // Coolify's proxy runs beside the apps on the same engine; it holds no database and must not be offered.
  await docker(['run', '--detach', '--name', `${prefix}coolify-proxy`, '--label', 'coolify.proxy=true', APP_IMAGE, 'sleep', '3600']);
  // The app has opened its (corrupt) database in WAL mode once its -wal and -shm exist beside it.
  await waitUntil(
    'the app to open its database',
    () => existsSync(join(outage.productionData, 'app.db-wal')) && existsSync(join(outage.productionData, 'app.db-shm')),
  );
  return outage;
}

async function readExitFile(path: string, timeoutMs: number): Promise<string> {
  await waitUntil('the program to exit after the summary', () => existsSync(path) && readFileSync(path, 'utf8').trim() !== '', {
    timeoutMs,
  });
  return readFileSync(path, 'utf8').trim();
}

describe('the TUI recovers production knowing only the server alias', () => {
  let sshd: Sshd;
  let session: TmuxSession | undefined;
  const prefixes: string[] = [];
  const workDirs: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run \`npm run build\` first (npm test does)`);
    sshd = await startSshd();
  }, 300_000);

  afterAll(async () => {
    if (session) await kill(session);
    for (const prefix of prefixes) await removeTestResources(prefix);
    for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
    await sshd?.stop();
  });

  it('finds production, its database and backups, restores with Enter and the app name, downtime as a --yes run', async () => {
    const prefix = makeTestPrefix('e2e-tui');
    prefixes.push(prefix);
    const outage = await buildScene(prefix, workDirs);
    const production = outage.production.name;
    const cwd = join(outage.workDir, 'operator');
    mkdirSync(cwd);
    const incidentDir = join(cwd, 'incident');
    const exitFile = join(outage.workDir, 'exit-code');
    session = await startSession({
      name: `${prefix}tui`.replace(/[^\w-]/g, '-'),
      cwd,
      // The shell records node's exit code in a file: tmux 3.3 sometimes marks the pane dead without an exit status.
      argv: ['sh', '-c', 'node "$@"; echo $? > "$0"', exitFile, CLI_PATH, 'restore', '--host', TEST_ALIAS, '--incident-dir', incidentDir],
      width: 120,
      height: 40,
      // As an operator's shell: CI is not set (with it set, Ink 6 draws only the last frame, and the tool refuses), nor
      // NODE_ENV (vitest sets it to "test", which would load React's development build).
      env: { CI: undefined, CONTINUOUS_INTEGRATION: undefined, NODE_ENV: undefined, HOME: sshd.home, SSH_AUTH_SOCK: '' },
    });
    const tui = session;
    const selectedLine = (screen: string) => screen.split('\n').find((line) => line.includes('❯ ')) ?? '';
    const runStep = async (title: string) => {
      await waitForScreen(tui, (screen) => screen.includes(`Next: ${title}`) && screen.includes('Enter run/continue'), {
        timeoutMs: STEP_TIMEOUT_MS,
        description: `the run to wait for Enter before "${title}"`,
      });
      await sendKeys(tui, 'Enter');
    };
    const confirmWithAppName = async (title: string) => {
      await waitForScreen(tui, (screen) => screen.includes(`Running: ${title}`) && screen.includes(`Type ${APP_NAME} to confirm:`), {
        timeoutMs: STEP_TIMEOUT_MS,
        description: `the typed confirmation of "${title}"`,
      });
      await typeText(tui, APP_NAME);
      await waitForScreen(tui, `> ${APP_NAME}`, { description: 'the typed name echoed' });
      await sendKeys(tui, 'Enter');
    };

    // The dry-run question is asked on the screen, before anything connects: No is preselected.
    const first = await waitForScreen(tui, 'Start with a dry-run (every check runs for real, nothing is changed)? (y/N)', {
      timeoutMs: STEP_TIMEOUT_MS,
    });
    expect(first).toContain('sqlite-rescue');
    await sendKeys(tui, 'Enter');

    // find-container: the engine's containers that hold a database, production preselected, the proxy not among them.
    await runStep('Find the production container');
    const picking = await waitForScreen(tui, 'Which container holds the database to restore?', { timeoutMs: STEP_TIMEOUT_MS });
    expect(picking).toContain(`${production}-pr-7`);
    expect(picking).toContain(`${production}-pr-12`);
    expect(picking).not.toContain('coolify-proxy');
    expect(selectedLine(picking)).toContain(`❯ ${APP_NAME}  ${production}  `);
    await sendKeys(tui, 'Enter');
    // The database: found by its header on the container's volume, the one the app has open preselected (the only one).
    await waitForScreen(tui, (screen) => screen.includes('Next: Check the live database') || screen.includes('Which database'), {
      timeoutMs: STEP_TIMEOUT_MS,
    });
    if ((await capture(tui)).includes('Which database')) {
      expect(selectedLine(await capture(tui))).toContain(DB);
      await sendKeys(tui, 'Enter');
    }

    await runStep('Check the live database');
    await runStep('Test every backup');
    const tested = await waitForScreen(tui, 'Next: Choose the healthy source', { timeoutMs: STEP_TIMEOUT_MS });
    expect(tested).toMatch(/corrupt/i);

    // choose-source: no --local, so it asks; the path is typed, then the least-loss candidate is preselected.
    await runStep('Choose the healthy source');
    await waitForScreen(tui, 'Is there a healthy copy of the database on this machine?', { timeoutMs: STEP_TIMEOUT_MS });
    await typeText(tui, outage.local.path);
    await waitForScreen(tui, `> ${outage.local.path}`, { description: 'the typed path echoed' });
    await sendKeys(tui, 'Enter');
    const choosing = await waitForScreen(tui, 'Restore from which copy?', { timeoutMs: STEP_TIMEOUT_MS });
    expect(choosing).toContain(outage.local.path);
    await sendKeys(tui, 'Enter');

    await runStep('Snapshot the source through SQLite');
    await runStep('Stage the snapshot beside the live database');
    await confirmWithAppName('Stage the snapshot beside the live database');

    // One confirmation for the downtime window, naming it, the container in full and production; then stop, swap and
    // start run without another key.
    await runStep('Stop the app');
    const window = await waitForScreen(tui, `Type ${APP_NAME} to confirm:`, { timeoutMs: STEP_TIMEOUT_MS });
    expect(window).toContain('The app is down from here until it is verified started');
    expect(await docker(['inspect', '--format', '{{.State.Running}}', production])).toBe('true');
    await typeText(tui, APP_NAME);
    await waitForScreen(tui, `> ${APP_NAME}`, { description: 'the typed name echoed' });
    await sendKeys(tui, 'Enter');

    await runStep('Verify the restored database');
    const summary = await waitForScreen(tui, (screen) => screen.includes('restored and verified') && screen.includes('Downtime'), {
      timeoutMs: STEP_TIMEOUT_MS,
      description: 'the summary',
    });
    expect(summary).toMatch(/Downtime\s+[\d.]+m?s \(app stopped → started\)/);

    // After the summary: the answers it found, offered for the next run; Enter saves them.
    await waitForScreen(tui, 'Save these answers to', { timeoutMs: STEP_TIMEOUT_MS });
    await sendKeys(tui, 'Enter');
    expect(await readExitFile(exitFile, 15_000)).toBe('0');
    const saved = parse(readFileSync(join(cwd, 'sqlite-rescue.config.yaml'), 'utf8'));
    expect(saved).toEqual({
      host: TEST_ALIAS,
      container: production,
      db: DB,
      ...(readRecord(incidentDir).chosen === 'local' ? { local: outage.local.path } : {}),
    });

    // On the server: production runs on a sound database, the corrupt files kept in quarantine, and the app writes.
    expect(await docker(['inspect', '--format', '{{.State.Running}}', production])).toBe('true');
    expect(await docker(['exec', production, 'sqlite3', '-readonly', DB, 'PRAGMA integrity_check;'])).toBe('ok');
    const quarantined = readFileSync(join(incidentDir, 'quarantine.sha256'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/)[1]);
    expect(quarantined.some((path) => path.startsWith('/data/rescue-quarantine/') && path.endsWith('/app.db'))).toBe(true);
    for (const path of quarantined) expect(existsSync(join(outage.productionData, path.replace(/^\/data\//, '')))).toBe(true);
    const count = async () => Number(await docker(['exec', production, 'sqlite3', '-readonly', DB, 'SELECT count(*) FROM events;']));
    const before = await count();
    await waitUntil('the app to write to the restored database', async () => (await count()) > before);
    const tuiRun = readRecord(incidentDir);
    expect(tuiRun.exitCode).toBe(0);
    await kill(tui);
    session = undefined;
    await removeTestResources(prefix);

    // The same outage built again, restored with --yes from the same candidate: the downtime a script gets. --container
    // is given: --yes refuses when several containers look like production, and the engine may hold other tests' too.
    const againPrefix = makeTestPrefix('e2e-yes');
    prefixes.push(againPrefix);
    const again = await buildScene(againPrefix, workDirs);
    const yesDir = join(again.workDir, 'incident');
    const source = tuiRun.chosen === 'local' ? [] : ['--source', tuiRun.chosen];
    const yes = await runCli(
      [
        'restore',
        '--yes',
        '--host',
        TEST_ALIAS,
        '--container',
        again.production.name,
        '--local',
        again.local.path,
        ...source,
        '--incident-dir',
        yesDir,
      ],
      { cwd: again.workDir, env: { HOME: sshd.home, SSH_AUTH_SOCK: '' } },
    );
    expect(yes.exitCode, yes.stderr).toBe(0);
    const yesRun = readRecord(yesDir);
    expect(yesRun.chosen).toBe(tuiRun.chosen);
    // Nothing waits for the operator between the stop and the start, so the downtime is the --yes run's: the same
    // steps in the window and no prompt in it. The seconds themselves are the bench's to measure (npm run bench:
    // interactive against --yes); this shared machine's load would make a timed assertion here flaky.
    console.log(`downtime: TUI ${tuiRun.downtimeMs} ms, --yes ${yesRun.downtimeMs} ms`);
    expect(tuiRun.window).toEqual({ waitsInWindow: [], stepsInWindow: ['quarantine-and-swap', 'start-app'] });
    expect(tuiRun.window).toEqual(yesRun.window);
  }, 420_000);

  it('Esc at the first question backs out: exit 3, a message, nothing connected and nothing written', async () => {
    const prefix = makeTestPrefix('e2e-esc');
    const cwd = mkdtempSync(join(tmpdir(), prefix));
    workDirs.push(cwd);
    const exitFile = join(cwd, 'exit-code');
    session = await startSession({
      name: `${prefix}tui`.replace(/[^\w-]/g, '-'),
      cwd,
      argv: ['sh', '-c', 'node "$@" 2>"$0.err"; echo $? > "$0"', exitFile, CLI_PATH, 'restore', '--host', TEST_ALIAS],
      env: { CI: undefined, CONTINUOUS_INTEGRATION: undefined, NODE_ENV: undefined, HOME: sshd.home, SSH_AUTH_SOCK: '' },
    });
    await waitForScreen(session, 'Start with a dry-run', { timeoutMs: STEP_TIMEOUT_MS });
    await sendKeys(session, 'Escape');
    expect(await readExitFile(exitFile, 15_000)).toBe('3');
    expect(readFileSync(`${exitFile}.err`, 'utf8')).toMatch(/question not answered: Start with a dry-run/);
    expect(readdirSync(cwd).sort()).toEqual(['exit-code', 'exit-code.err']);
    await kill(session);
    session = undefined;
  }, 120_000);

  it("an encrypted key's passphrase is asked on the screen, masked, and is nowhere afterwards", async () => {
    const passphrase = 'correct horse battery staple';
    const locked = await startSshd({ clientKeyPassphrase: passphrase });
    const prefix = makeTestPrefix('e2e-pass');
    const cwd = mkdtempSync(join(tmpdir(), prefix));
    workDirs.push(cwd);
    const exitFile = join(cwd, 'exit-code');
    const incidentDir = join(cwd, 'incident');
    try {
      session = await startSession({
        name: `${prefix}tui`.replace(/[^\w-]/g, '-'),
        cwd,
        argv: [
          'sh',
          '-c',
          'node "$@"; echo $? > "$0"',
          exitFile,
          CLI_PATH,
          'restore',
          '--host',
          TEST_ALIAS,
          '--dry-run',
          '--incident-dir',
          incidentDir,
        ],
        env: { CI: undefined, CONTINUOUS_INTEGRATION: undefined, NODE_ENV: undefined, HOME: locked.home, SSH_AUTH_SOCK: '' },
      });
      const tui = session;
      await waitForScreen(tui, `Passphrase of ${locked.clientKeyPath}:`, { timeoutMs: STEP_TIMEOUT_MS });
      await typeText(tui, passphrase);
      const masked = await capture(tui);
      expect(masked).not.toContain(passphrase);
      await sendKeys(tui, 'Enter');
      // Connected: the run's first step waits for Enter; q ends it there (exit 3), nothing done.
      await waitForScreen(tui, 'Next: Find the production container', { timeoutMs: STEP_TIMEOUT_MS });
      await sendKeys(tui, 'q');
      expect(await readExitFile(exitFile, 15_000)).toBe('3');
      expect(await capture(tui, { history: true })).not.toContain(passphrase);
      for (const name of readdirSync(incidentDir)) expect(readFileSync(join(incidentDir, name), 'utf8'), name).not.toContain(passphrase);
    } finally {
      if (session) await kill(session);
      session = undefined;
      await locked.stop();
    }
  }, 120_000);
});
