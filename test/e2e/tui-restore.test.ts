// The whole recovery as an operator does it: the built binary in a real terminal (tmux), driven with keystrokes
// against a real outage on the Docker engine, one screen at a time.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_PATH } from '../support/cli.js';
import { docker } from '../support/docker/docker-cli.js';
import { makeTestPrefix, removeTestResources } from '../support/docker/app-container.js';
import { buildOutage, type Outage } from '../support/outage.js';
import { capture, kill, sendKeys, startSession, typeText, waitForScreen, type TmuxSession } from '../support/tmux.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const DB = '/data/app.db';
/** A step can take a few seconds on a slow machine (test-backups, snapshot, docker cp, stop/start). */
const STEP_TIMEOUT_MS = 30_000;

async function containerState(name: string): Promise<string> {
  return docker(['inspect', '--format', '{{.State.Status}} running={{.State.Running}}', name]);
}

async function until(what: string, condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 100));
  }
}

// The exit code the wrapping shell wrote, once the program has ended; fails after timeoutMs.
async function readExitFile(path: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (!existsSync(path) || readFileSync(path, 'utf8').trim() === '') {
    if (Date.now() > deadline) throw new Error(`the program did not exit within ${timeoutMs} ms after the summary`);
    await new Promise((done) => setTimeout(done, 100));
  }
  return readFileSync(path, 'utf8').trim();
}

describe('the TUI drives a whole recovery in a real terminal', () => {
  let outage: Outage;
  let session: TmuxSession | undefined;
  let incidentDir: string;
  let exitFile: string;
  let production: string;

  beforeAll(async () => {
    if (!existsSync(CLI_PATH)) throw new Error(`${CLI_PATH} is missing: run \`npm run build\` first (npm test does)`);
    outage = await buildOutage(makeTestPrefix('e2e-tui'));
    production = outage.production.name;
    incidentDir = join(outage.workDir, 'incident');
    exitFile = join(outage.workDir, 'exit-code');
    // The app has opened its (corrupt) database in WAL mode once its -wal and -shm exist beside it.
    await until('the app to open its database', () => existsSync(join(outage.productionData, 'app.db-wal')) && existsSync(join(outage.productionData, 'app.db-shm')), 15_000);
  }, 300_000);

  afterAll(async () => {
    if (session) await kill(session);
    if (outage) {
      await removeTestResources(outage.prefix);
      rmSync(outage.workDir, { recursive: true, force: true });
    }
  });

  it('restores production with Enter, picks and typed confirmations, refusing a wrong name first', async () => {
    session = await startSession({
      name: `${outage.prefix}tui`.replace(/[^\w-]/g, '-'),
      cwd: REPO,
      // The shell records node's exit code in a file: tmux 3.3 sometimes marks the pane dead without an exit status.
      argv: ['sh', '-c', 'node "$@"; echo $? > "$0"', exitFile, CLI_PATH, 'restore', '--container', production, '--db', DB, '--local', outage.local.path, '--incident-dir', incidentDir],
      width: 200,
      height: 60,
      // As an operator's shell: CI is not set (with it set, Ink 6 draws only the last frame, and the tool refuses).
      env: { CI: undefined, CONTINUOUS_INTEGRATION: undefined },
    });
    const tui = session;

    // The engine waits for Enter before each step: the detail pane names the step as "Next" and the footer offers Enter.
    const runStep = async (title: string) => {
      await waitForScreen(tui, (screen) => screen.includes(`Next: ${title}`) && screen.includes('Enter run/continue'), {
        timeoutMs: STEP_TIMEOUT_MS,
        description: `the run to wait for Enter before "${title}"`,
      });
      await sendKeys(tui, 'Enter');
    };
    const confirmPrompt = `Type ${production} to confirm:`;
    const confirmWithName = async (title: string) => {
      await waitForScreen(tui, (screen) => screen.includes(`Running: ${title}`) && screen.includes(confirmPrompt), {
        timeoutMs: STEP_TIMEOUT_MS,
        description: `the typed confirmation of "${title}"`,
      });
      await typeText(tui, production);
      await waitForScreen(tui, `> ${production}`, { description: 'the typed name echoed' });
      await sendKeys(tui, 'Enter');
    };
    const selectedLine = (screen: string) => screen.split('\n').find((line) => line.includes('❯ ')) ?? '';

    // Before the TUI: the offer to rehearse first. This run is the real restore.
    await waitForScreen(tui, 'Start with a dry-run (every check runs for real, nothing is changed)? (yes/no)', { timeoutMs: STEP_TIMEOUT_MS });
    await typeText(tui, 'no');
    await sendKeys(tui, 'Enter');

    // find-container: production and the PR preview both match; production is ranked first and preselected.
    await runStep('Find the production container');
    const picking = await waitForScreen(tui, 'Which container holds the database to restore?', { timeoutMs: STEP_TIMEOUT_MS });
    expect(picking).toContain(`${production}-pr-7`);
    expect(selectedLine(picking)).toContain(`❯ ${production}  `);
    await sendKeys(tui, 'Enter');

    await runStep('Check the live database');
    await runStep('Test every backup');
    const tested = await waitForScreen(tui, 'Next: Choose the healthy source', { timeoutMs: STEP_TIMEOUT_MS });
    expect(tested).toContain('CORRUPT');

    // choose-source: the local copy is the healthy one, preselected.
    await runStep('Choose the healthy source');
    const choosing = await waitForScreen(tui, 'Restore from which copy?', { timeoutMs: STEP_TIMEOUT_MS });
    expect(selectedLine(choosing)).toContain(outage.local.path);
    await sendKeys(tui, 'Enter');

    await runStep('Snapshot the source through SQLite');
    await runStep('Stage the snapshot beside the live database');
    await confirmWithName('Stage the snapshot beside the live database');

    // stop-app, with a wrong name first: refused on screen, the prompt stays, and the app keeps running.
    await runStep('Stop the app');
    await waitForScreen(tui, (screen) => screen.includes('Running: Stop the app') && screen.includes(confirmPrompt), { timeoutMs: STEP_TIMEOUT_MS, description: 'the typed confirmation of "Stop the app"' });
    await typeText(tui, 'nope');
    await waitForScreen(tui, '> nope', { description: 'the wrong name echoed' });
    await sendKeys(tui, 'Enter');
    const refused = await waitForScreen(tui, `type ${production} exactly to confirm`, { description: 'the mismatch message' });
    expect(refused).toContain(confirmPrompt);
    expect(await containerState(production)).toBe('running running=true');
    // One Backspace at a time, as typed: Ink hands a read holding several DEL bytes to useInput as one unnamed
    // key, which TypedConfirmation ignores (reported; a held-down Backspace over a slow link hits it).
    for (const left of ['nop', 'no', 'n', '']) {
      await sendKeys(tui, 'BSpace');
      await waitForScreen(tui, (screen) => screen.split('\n').some((line) => line.trimEnd() === `> ${left}`.trimEnd()), { description: `the prompt to read "> ${left}"` });
    }
    const erased = await capture(tui);
    expect(erased).not.toContain('exactly to confirm');
    expect(erased).toContain(confirmPrompt);
    expect(await containerState(production)).toBe('running running=true');
    await typeText(tui, production);
    await waitForScreen(tui, `> ${production}`, { description: 'the typed name echoed' });
    await sendKeys(tui, 'Enter');

    await runStep('Quarantine the corrupted files and swap in the snapshot');
    await confirmWithName('Quarantine the corrupted files and swap in the snapshot');
    await runStep('Start the app');
    await confirmWithName('Start the app');
    await runStep('Verify the restored database');

    const summary = await waitForScreen(tui, (screen) => screen.includes('restored and verified') && screen.includes('Downtime'), {
      timeoutMs: STEP_TIMEOUT_MS,
      description: 'the summary',
    });
    expect(summary).toMatch(/✔ restored and verified/);
    expect(summary).toMatch(/Downtime\s+[\d.]+m?s \(app stopped → started\)/);
    expect(summary).toContain(`Record    ${incidentDir}`);

    // The run is over: the process must exit by itself, without another key, and with 0.
    const exitCode = await readExitFile(exitFile, 10_000);
    const finalScreen = await capture(tui);
    expect(exitCode).toBe('0');
    expect(finalScreen).toContain('restored and verified');
    expect(finalScreen).toMatch(/Downtime\s+[\d.]+m?s/);

    expect(await containerState(production)).toBe('running running=true');
    expect((await docker(['exec', production, 'sqlite3', '-readonly', DB, 'PRAGMA integrity_check;'])).trim()).toBe('ok');
    expect(readFileSync(join(incidentDir, 'report.md'), 'utf8')).toContain('restored and verified');
  }, 180_000);
});
