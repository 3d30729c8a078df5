// The new prompts in a real terminal (tmux, 80×24), where raw mode decides what arrives: a passphrase the terminal must
// not echo, a filter typed as one chunk (`/21`), a lone Escape, Tab completing over real files, PageDown and the arrows
// in the output view. The App runs in test/ui/terminal-harness.tsx against a scripted engine that records every answer.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, kill, sendKeys, startSession, typeText, waitForScreen, type TmuxSession } from '../support/tmux.js';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const HARNESS = fileURLToPath(new URL('./terminal-harness.tsx', import.meta.url));
const PASSPHRASE = 'hunter2-Tr0ub4dor';

describe('the prompts in a real terminal', () => {
  let dir: string;
  let answersFile: string;
  let exitFile: string;
  let session: TmuxSession | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sqlite-rescue-ui-'));
    answersFile = join(dir, 'answers.ndjson');
    exitFile = join(dir, 'exit-code');
    mkdirSync(join(dir, 'data', 'app'), { recursive: true });
    for (const name of ['app.db', 'app.db.bak', 'app-2024.db']) writeFileSync(join(dir, 'data', name), '');
  });

  afterAll(async () => {
    if (session) await kill(session);
    rmSync(dir, { recursive: true, force: true });
  });

  const answers = (): unknown[] =>
    existsSync(answersFile)
      ? readFileSync(answersFile, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as unknown)
      : [];

  async function answered(count: number): Promise<unknown[]> {
    const deadline = Date.now() + 10_000;
    while (answers().length < count) {
      if (Date.now() > deadline)
        throw new Error(`expected ${count} answers, have ${JSON.stringify(answers())}\n${await capture(session!)}`);
      await new Promise((done) => setTimeout(done, 50));
    }
    return answers();
  }

  it('a masked passphrase, a filtered select, Tab completion and the output view, driven by keys', async () => {
    session = await startSession({
      name: `sqlite-rescue-ui-${process.pid}`,
      cwd: REPO,
      // The shell records node's exit code in a file: tmux 3.3 sometimes marks the pane dead without an exit status.
      argv: ['sh', '-c', 'node --import tsx "$@"; echo $? > "$0"', exitFile, HARNESS, answersFile, dir],
      width: 80,
      height: 24,
      // As an operator's shell: with CI set, Ink 6 draws only the last frame.
      env: { CI: undefined, CONTINUOUS_INTEGRATION: undefined },
    });
    const tui = session;

    // Raw mode: the terminal echoes nothing; the prompt shows a mark per character, never the characters.
    await waitForScreen(tui, '? Passphrase of /home/ops/.ssh/id_ed25519:', { timeoutMs: 30_000 });
    await typeText(tui, PASSPHRASE);
    await waitForScreen(tui, `> ${'•'.repeat(PASSPHRASE.length)}`);
    expect(await capture(tui, { history: true })).not.toContain(PASSPHRASE.slice(0, 7));
    await sendKeys(tui, 'Enter');
    expect((await answered(1))[0]).toEqual({ promptId: 'pre-run#passphrase', answer: { kind: 'secret', value: PASSPHRASE } });

    // A select of 30: the arrows scroll it; `/21` typed as one chunk filters; a lone Escape clears the filter only.
    await waitForScreen(tui, '1–3 of 30 · ↑/↓ or j/k move');
    await sendKeys(tui, 'Down', 'Down', 'Down', 'Down', 'Down', 'Down', 'Down');
    await waitForScreen(tui, '6–8 of 30');
    await typeText(tui, '/21');
    await waitForScreen(tui, (screen) => screen.includes('/ 21') && screen.includes('❯ app-pr-21'));
    await sendKeys(tui, 'Escape');
    await waitForScreen(tui, '20–22 of 30 · ↑/↓ or j/k move · / filter · Enter pick · Esc cancel');
    expect(answers()).toHaveLength(1);
    await sendKeys(tui, 'Enter');
    expect((await answered(2))[1]).toEqual({ promptId: 'pick', answer: { kind: 'select', value: 'c21' } });

    // Tab completes over the real folder to the common prefix and lists the matches; ↓ puts one in the field.
    await waitForScreen(tui, '? Where is the healthy local copy?');
    await typeText(tui, 'data/ap');
    await sendKeys(tui, 'Tab');
    const listed = await waitForScreen(tui, '4 matches in data/');
    expect(listed).toContain('> data/app\n');
    expect(listed).toContain('  app-2024.db\n  app.db\n  app.db.bak\n  app/\n');
    await sendKeys(tui, 'Down', 'Down');
    await waitForScreen(tui, (screen) => screen.includes('> data/app.db\n') && screen.includes('❯ app.db\n'));
    await sendKeys(tui, 'BSpace', 'BSpace', 'BSpace', 'Tab');
    await waitForScreen(tui, (screen) => screen.includes('> data/app\n') && screen.includes('4 matches'));
    await sendKeys(tui, 'Escape');
    await waitForScreen(tui, 'found here (↑/↓ puts one in the field):');
    await sendKeys(tui, 'Enter');
    expect((await answered(3))[2]).toEqual({ promptId: 'local', answer: { kind: 'path', value: 'data/app' } });

    // The output view: o opens the step that last ran, the arrows move between steps, Escape closes it.
    await waitForScreen(tui, 'Enter run/continue · q quit · o output · ? help');
    await sendKeys(tui, 'o');
    await waitForScreen(tui, 'Output of step 4 of 10: Choose the healthy source');
    await sendKeys(tui, 'Left');
    const output = await waitForScreen(tui, 'Output of step 3 of 10: Test every backup');
    expect(output).toContain('rows 1–18 of 24');
    await sendKeys(tui, 'PageDown');
    await waitForScreen(tui, 'rows 7–24 of 24');
    await sendKeys(tui, 'Escape');
    await waitForScreen(tui, 'Next: Snapshot the source through SQLite');
    await sendKeys(tui, 'q');
    expect((await answered(4))[3]).toEqual({ control: 'quit' });
    const deadline = Date.now() + 10_000;
    while (!(existsSync(exitFile) && readFileSync(exitFile, 'utf8').trim() !== '') && Date.now() < deadline)
      await new Promise((done) => setTimeout(done, 100));
    expect(readFileSync(exitFile, 'utf8').trim()).toBe('0');
    expect(await capture(tui, { history: true })).not.toContain(PASSPHRASE.slice(0, 7));
  }, 120_000);
});
