// The screens of issue 11, exact at 80×24: a step shown by its verdict, a wait counting down (a clock moved by hand),
// a select that scrolls and one filtered, the path prompt completing, the secret prompt, the output view, the help,
// and questions asked before the run starts.
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Prompt, PromptAnswer, RunEvent, SelectOption } from '../../src/runbook/events.js';
import { App, type ControlAction } from '../../src/ui/App.js';
import { renderInTerminal } from './render-in-terminal.js';
import { plain, tick, waitFor } from './wait-for.js';
import { DRY_RUN_QUESTION, eventsUntil, PASSPHRASE_QUESTION, RUN_NOW, walRestoreEvents } from './wal-restore-run.js';

const AT = '2025-01-01T02:00:00.000Z';
const SIZE = { columns: 80, rows: 24 };
const DOWN = '\u001B[B';
const ESCAPE = '\u001B';
const unmounts: Array<() => void> = [];
const drawn: string[][] = [];

// Every frame any of these screens drew, not only the ones asserted, fits 80×24 with a row to spare.
afterEach(() => {
  for (const unmount of unmounts.splice(0)) unmount();
  for (const frame of drawn.splice(0).flat().map(plain)) {
    const rows = frame.split('\n');
    expect(rows.length, frame).toBeLessThanOrEqual(SIZE.rows - 1);
    for (const row of rows) expect([...row].length, row).toBeLessThanOrEqual(SIZE.columns);
  }
});

interface Options {
  completePath?: (typed: string) => Promise<{ value: string; matches: string[] }>;
}

// The engine's side as a test drives it: events pushed in, answers and key presses read out; a clock moved by hand.
async function renderScreen(events: RunEvent[], options: Options = {}) {
  const listeners = new Set<(event: RunEvent) => void>();
  const answers: Array<[string, PromptAnswer]> = [];
  const controls: ControlAction[] = [];
  const clock = { now: RUN_NOW + 3000 };
  const result = renderInTerminal(
    <App
      subscribe={(listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      }}
      controller={{ answer: (id, answer) => answers.push([id, answer]), control: (action) => controls.push(action) }}
      initialEvents={events}
      now={() => clock.now}
      preRunTarget="coolify over SSH"
      completePath={options.completePath}
    />,
    SIZE,
  );
  unmounts.push(result.unmount);
  drawn.push(result.frames);
  await tick();
  // The running step's spinner turns; a fixed glyph keeps frames comparable.
  const frame = () => plain(result.lastFrame()).replace(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/g, '⠋');
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      const before = result.frames.length;
      result.stdin.write(key);
      // A key that changes nothing draws no frame: give it a moment, then go on.
      await waitFor(() => result.frames.length > before, { timeoutMs: 200 }).catch(() => undefined);
      await tick();
    }
  };
  const emit = async (...more: RunEvent[]) => {
    for (const event of more) listeners.forEach((listener) => listener(event));
    await tick(5);
  };
  const until = async (text: string) => {
    await waitFor(() => frame().includes(text));
    await tick();
    return frame();
  };
  return { ...result, frame, press, emit, until, answers, controls, clock };
}

const run = walRestoreEvents();
const upTo = (isLast: (event: RunEvent) => boolean) => eventsUntil(run, isLast);
const before = (stepId: string) =>
  upTo((event) => event.type === 'awaiting-control' && event.stepId === stepId && event.reason === 'before-step');
const startedStep = (stepId: string) => upTo((event) => event.type === 'step-started' && event.stepId === stepId);
const opened = (prompt: Prompt): RunEvent => ({ type: 'prompt-opened', at: AT, prompt });

const HEADER = ['sqlite-rescue · sqlite-wal-restore', 'target app-prod:/data/app.db on the local Docker engine  incident 20250101T0200…'];

const lines = (...rows: string[]) => rows.join('\n');

describe('a step shown by what it found', () => {
  it('the corrupt live database and the bad backups are a red ✘ with their verdict beside a step that ran fine', async () => {
    const { frame } = await renderScreen(before('choose-source'));
    expect(frame()).toBe(
      lines(
        ...HEADER,
        '',
        '  ✔ Find the production container  1.2s',
        '  ✘ Check the live database  corrupt (3 errors)  1.2s',
        '  ✘ Test every backup  0 of 4 healthy  1.2s',
        '› · Choose the healthy source',
        '  · Snapshot the source through SQLite',
        '  · Stage the snapshot beside the live database  ⚠ changes',
        '  · Stop the app  ⚠ changes',
        '  · Quarantine the corrupted files and swap in the snapshot  ⚠ changes',
        '  · Start the app  ⚠ changes',
        '  · Verify the restored database',
        '',
        'Next: Choose the healthy source',
        'integrity_check cannot see a stale copy: a .db copied without its -wal is valid',
        'but old, however new its modification time. Row counts per table show which…',
        '╭──────────────────────────────────────────────────────────────────────────────╮',
        "│ $ sqlite3 -readonly /home/ops/app.local.db 'PRAGMA integrity_check;'         │",
        "│ $ sqlite3 -readonly /home/ops/app.local.db 'SELECT count(*) FROM <table>;'   │",
        '╰──────────────────────────────────────────────────────────────────────────────╯',
        '',
        'Enter run/continue · q quit · o output · ? help',
      ),
    );
  });
});

describe('a wait with its countdown', () => {
  const waiting = upTo((event) => event.type === 'step-waiting' && event.what !== undefined);

  it('says what the step waits on and counts down on the clock it is given', async () => {
    const { frame, clock, until } = await renderScreen(waiting);
    expect(frame()).toBe(
      lines(
        ...HEADER,
        '',
        '  ✔ Find the production container  1.2s',
        '  ✘ Check the live database  corrupt (3 errors)  1.2s',
        '  ✘ Test every backup  0 of 4 healthy  1.2s',
        '  ✔ Choose the healthy source  1.2s',
        '  ✔ Snapshot the source through SQLite  1.2s',
        '  ✔ Stage the snapshot beside the live database  ⚠ changes  1.2s',
        '› ⠋ Stop the app  ⚠ changes',
        '  · Quarantine the corrupted files and swap in the snapshot  ⚠ changes',
        '  · Start the app  ⚠ changes',
        '  · Verify the restored database',
        '',
        'Running: Stop the app  ⚠ changes',
        'Nothing may write to the database while its files are swapped: a writer holding',
        'the old file open would keep writing to a deleted inode and its -wal would be',
        'replayed onto the wrong database.',
        '$ docker stop app-prod',
        'Waiting: the app has 30 s to exit on SIGTERM; docker kills it then',
        '██░░░░░░░░░░░░░░░░░░ 27 s left',
        '',
        'q quit · o output · ? help',
      ),
    );
    clock.now = RUN_NOW + 18_000;
    expect((await until('12 s left')).split('\n').slice(-4, -2)).toEqual([
      'Waiting: the app has 30 s to exit on SIGTERM; docker kills it then',
      '████████████░░░░░░░░ 12 s left',
    ]);
    clock.now = RUN_NOW + 32_400;
    expect((await until('2 s over')).split('\n').slice(-4, -2)).toEqual([
      'Waiting: the app has 30 s to exit on SIGTERM; docker kills it then',
      '████████████████████ 2 s over',
    ]);
  });
});

const CONTAINERS: SelectOption[] = Array.from({ length: 30 }, (_, index) =>
  index === 0
    ? { value: 'c0', label: 'app-prod  ghcr.io/acme/app:1.4  running  2 databases', hint: 'production: coolify.pullRequestId=0' }
    : {
        value: `c${index}`,
        label: `app-pr-${index}  ghcr.io/acme/app:1.4  ${index % 3 ? 'running' : 'exited'}`,
        hint: `preview: pr-${index} in the name`,
      },
);
const PICK: Prompt = {
  kind: 'select',
  id: 'pick-container',
  stepId: 'find-container',
  message: 'Which container holds the database to restore? (30 hold a SQLite database)',
  options: CONTAINERS,
  initialIndex: 0,
};

describe('a select longer than the screen', () => {
  it('starts on the preselected option and scrolls as the highlight moves; Enter picks it', async () => {
    const { frame, press, answers } = await renderScreen([...startedStep('find-container'), opened(PICK)]);
    expect(frame()).toBe(
      lines(
        ...HEADER,
        '› ⠋ Find the production container',
        '  · Check the live database',
        '  · Test every backup',
        '  · Choose the healthy source',
        '  · Snapshot the source through SQLite',
        '  · Stage the snapshot beside the live database  ⚠ changes',
        '  · Stop the app  ⚠ changes',
        '  · Quarantine the corrupted files and swap in the snapshot  ⚠ changes',
        '  · Start the app  ⚠ changes',
        '  · Verify the restored database',
        'Running: Find the production container',
        "$ docker ps -a --format '{{.Names}} {{.Image}} {{.Status}}' --filter name=app-p…",
        "$ docker inspect app-prod --format '{{json .Config.Labels}}'",
        '? Which container holds the database to restore? (30 hold a SQLite database)',
        '❯ app-prod  ghcr.io/acme/app:1.4  running  2 databases',
        '    production: coolify.pullRequestId=0',
        '  app-pr-1  ghcr.io/acme/app:1.4  running',
        '    preview: pr-1 in the name',
        '  app-pr-2  ghcr.io/acme/app:1.4  running',
        '    preview: pr-2 in the name',
        '1–3 of 30 · ↑/↓ or j/k move · / filter · Enter pick · Esc cancel',
      ),
    );
    await press(...Array.from({ length: 7 }, () => DOWN));
    expect(frame()).toBe(
      lines(
        ...HEADER,
        '› ⠋ Find the production container',
        '  · Check the live database',
        '  · Test every backup',
        '  · Choose the healthy source',
        '  · Snapshot the source through SQLite',
        '  · Stage the snapshot beside the live database  ⚠ changes',
        '  · Stop the app  ⚠ changes',
        '  · Quarantine the corrupted files and swap in the snapshot  ⚠ changes',
        '  · Start the app  ⚠ changes',
        '  · Verify the restored database',
        'Running: Find the production container',
        "$ docker ps -a --format '{{.Names}} {{.Image}} {{.Status}}' --filter name=app-p…",
        "$ docker inspect app-prod --format '{{json .Config.Labels}}'",
        '? Which container holds the database to restore? (30 hold a SQLite database)',
        '  app-pr-5  ghcr.io/acme/app:1.4  running',
        '    preview: pr-5 in the name',
        '  app-pr-6  ghcr.io/acme/app:1.4  exited',
        '    preview: pr-6 in the name',
        '❯ app-pr-7  ghcr.io/acme/app:1.4  running',
        '    preview: pr-7 in the name',
        '6–8 of 30 · ↑/↓ or j/k move · / filter · Enter pick · Esc cancel',
      ),
    );
    await press('\r');
    expect(answers).toEqual([['pick-container', { kind: 'select', value: 'c7' }]]);
  });

  it('preselected far down the list: it shows highlighted from the first frame', async () => {
    const { frame } = await renderScreen([...startedStep('find-container'), opened({ ...PICK, initialIndex: 25 })]);
    expect(frame().split('\n').slice(-8)).toEqual([
      '? Which container holds the database to restore? (30 hold a SQLite database)',
      '  app-pr-23  ghcr.io/acme/app:1.4  running',
      '    preview: pr-23 in the name',
      '  app-pr-24  ghcr.io/acme/app:1.4  exited',
      '    preview: pr-24 in the name',
      '❯ app-pr-25  ghcr.io/acme/app:1.4  running',
      '    preview: pr-25 in the name',
      '24–26 of 30 · ↑/↓ or j/k move · / filter · Enter pick · Esc cancel',
    ]);
  });

  it('/ filters as you type; Esc clears the filter first, a second Esc cancels', async () => {
    const { frame, press, answers } = await renderScreen([...startedStep('find-container'), opened(PICK)]);
    await press('/', '2', '1');
    expect(frame()).toBe(
      lines(
        ...HEADER,
        '› ⠋ Find the production container',
        '  · Check the live database',
        '  · Test every backup',
        '  · Choose the healthy source',
        '  · Snapshot the source through SQLite',
        '  · Stage the snapshot beside the live database  ⚠ changes',
        '  · Stop the app  ⚠ changes',
        '  · Quarantine the corrupted files and swap in the snapshot  ⚠ changes',
        '  · Start the app  ⚠ changes',
        '  · Verify the restored database',
        'Running: Find the production container',
        "$ docker ps -a --format '{{.Names}} {{.Image}} {{.Status}}' --filter name=app-p…",
        "$ docker inspect app-prod --format '{{json .Config.Labels}}'",
        '? Which container holds the database to restore? (30 hold a SQLite database)',
        '/ 21',
        '❯ app-pr-21  ghcr.io/acme/app:1.4  exited',
        '    preview: pr-21 in the name',
        '↑/↓ move · Enter pick · Esc clear the filter',
      ),
    );
    await press(ESCAPE);
    expect(frame().split('\n').slice(-7)).toEqual([
      '  app-pr-19  ghcr.io/acme/app:1.4  running',
      '    preview: pr-19 in the name',
      '  app-pr-20  ghcr.io/acme/app:1.4  running',
      '    preview: pr-20 in the name',
      '❯ app-pr-21  ghcr.io/acme/app:1.4  exited',
      '    preview: pr-21 in the name',
      '20–22 of 30 · ↑/↓ or j/k move · / filter · Enter pick · Esc cancel',
    ]);
    expect(answers).toEqual([]);
    // The highlight stayed on app-pr-21, which "exit" still lists: ↓ goes to the next exited one.
    await press('/', 'e', 'x', 'i', 't', DOWN, '\r');
    expect(answers).toEqual([['pick-container', { kind: 'select', value: 'c24' }]]);
  });

  it('a filter that matches nothing says so, and Enter picks nothing', async () => {
    const { frame, press, answers } = await renderScreen([...startedStep('find-container'), opened(PICK)]);
    await press('/', 'z', 'z', '\r');
    expect(frame().split('\n').slice(-4)).toEqual([
      '? Which container holds the database to restore? (30 hold a SQLite database)',
      '/ zz',
      '  no option matches "zz"',
      '↑/↓ move · Enter pick · Esc clear the filter',
    ]);
    expect(answers).toEqual([]);
  });
});

const LOCAL_COPY: Prompt = {
  kind: 'path',
  id: 'local-copy',
  stepId: 'choose-source',
  message: 'Where is the healthy local copy? (Enter with nothing typed: none)',
  isEmptyAllowed: true,
  suggestions: [
    { value: 'data/app.db', label: './data/app.db', hint: 'same tables, 1250 rows, modified 01:40' },
    { value: 'app.local.db', label: './app.local.db', hint: 'same tables, 1100 rows, modified yesterday' },
  ],
};

// A folder listing as discovery's completePath answers it: data/ holds app.db, app.db.bak, app-2024-12-31.db and app/.
async function completeInFixture(typed: string) {
  if (typed === 'da') return { value: 'data/', matches: [] };
  if (typed === 'data/') return { value: 'data/app', matches: ['app-2024-12-31.db', 'app.db', 'app.db.bak', 'app/'] };
  return { value: typed, matches: [] };
}

describe('the path prompt', () => {
  it('offers the files found; Tab completes to the common prefix and lists the matches; arrows put one in the field', async () => {
    const { frame, press, answers } = await renderScreen([...startedStep('choose-source'), opened(LOCAL_COPY)], {
      completePath: completeInFixture,
    });
    expect(frame()).toBe(
      lines(
        ...HEADER,
        '  ✔ Find the production container  1.2s',
        '  ✘ Check the live database  corrupt (3 errors)  1.2s',
        '  ✘ Test every backup  0 of 4 healthy  1.2s',
        '› ⠋ Choose the healthy source',
        '  · Snapshot the source through SQLite',
        '  · Stage the snapshot beside the live database  ⚠ changes',
        '  · Stop the app  ⚠ changes',
        '  · Quarantine the corrupted files and swap in the snapshot  ⚠ changes',
        '  · Start the app  ⚠ changes',
        '  · Verify the restored database',
        'Running: Choose the healthy source',
        "$ sqlite3 -readonly /home/ops/app.local.db 'PRAGMA integrity_check;'",
        "$ sqlite3 -readonly /home/ops/app.local.db 'SELECT count(*) FROM <table>;'",
        '? Where is the healthy local copy? (Enter with nothing typed: none)',
        '>',
        'found here (↑/↓ puts one in the field):',
        '  ./data/app.db  same tables, 1250 rows, modified 01:40',
        '  ./app.local.db  same tables, 1100 rows, modified yesterday',
        'Tab complete · ↑/↓ pick · Enter answer (empty: none) · Esc cancel',
      ),
    );
    await press('d', 'a', '\t');
    expect(frame().split('\n').slice(-6)).toEqual([
      '? Where is the healthy local copy? (Enter with nothing typed: none)',
      '> data/',
      'found here (↑/↓ puts one in the field):',
      '  ./data/app.db  same tables, 1250 rows, modified 01:40',
      '  ./app.local.db  same tables, 1100 rows, modified yesterday',
      'Tab complete · ↑/↓ pick · Enter answer (empty: none) · Esc cancel',
    ]);
    await press('\t');
    expect(frame().split('\n').slice(-8)).toEqual([
      '? Where is the healthy local copy? (Enter with nothing typed: none)',
      '> data/app',
      '4 matches in data/: ↑/↓ picks one, Tab completes further',
      '  app-2024-12-31.db',
      '  app.db',
      '  app.db.bak',
      '  app/',
      'Tab complete · ↑/↓ pick · Enter answer (empty: none) · Esc close the list',
    ]);
    await press(DOWN, DOWN, DOWN);
    expect(frame().split('\n').slice(-8)).toEqual([
      '? Where is the healthy local copy? (Enter with nothing typed: none)',
      '> data/app.db.bak',
      '4 matches in data/: ↑/↓ picks one, Tab completes further',
      '  app-2024-12-31.db',
      '  app.db',
      '❯ app.db.bak',
      '  app/',
      'Tab complete · ↑/↓ pick · Enter answer (empty: none) · Esc close the list',
    ]);
    await press('\r');
    expect(answers).toEqual([['local-copy', { kind: 'path', value: 'data/app.db.bak' }]]);
  });

  it('↓ picks a suggestion, Enter answers it; empty is an answer where allowed', async () => {
    const picked = await renderScreen([...startedStep('choose-source'), opened(LOCAL_COPY)]);
    await picked.press(DOWN, DOWN, '\r');
    expect(picked.answers).toEqual([['local-copy', { kind: 'path', value: 'app.local.db' }]]);
    const empty = await renderScreen([...startedStep('choose-source'), opened(LOCAL_COPY)]);
    await empty.press('\r');
    expect(empty.answers).toEqual([['local-copy', { kind: 'path', value: '' }]]);
  });

  it('nothing typed where a path is needed: says so, answers nothing; Tab with no completion wired says so too', async () => {
    const { frame, press, answers } = await renderScreen([
      ...startedStep('choose-source'),
      opened({ ...LOCAL_COPY, isEmptyAllowed: false, suggestions: [] }),
    ]);
    await press('\r');
    expect(frame().split('\n').slice(-4)).toEqual([
      '? Where is the healthy local copy? (Enter with nothing typed: none)',
      '>',
      'nothing typed: type a path (Tab completes it), or press Esc to cancel',
      'Tab complete · ↑/↓ pick · Enter answer · Esc cancel',
    ]);
    await press('\t');
    expect(frame().split('\n').slice(-4)).toEqual([
      '? Where is the healthy local copy? (Enter with nothing typed: none)',
      '>',
      'no completion here: type the whole path',
      'Tab complete · ↑/↓ pick · Enter answer · Esc cancel',
    ]);
    expect(answers).toEqual([]);
  });
});

describe('the secret prompt', () => {
  const PASSPHRASE = 'correct-horse-battery';

  it('masks what is typed: it appears in no frame, and goes to the engine once, on Enter', async () => {
    const screen = await renderScreen([opened(PASSPHRASE_QUESTION)]);
    await screen.press(...PASSPHRASE);
    expect(screen.frame()).toBe(
      lines(
        'sqlite-rescue',
        'before the run starts · target coolify over SSH',
        '',
        '? Passphrase of /home/ops/.ssh/id_ed25519:',
        '> •••••••••••••••••••••',
        'Enter answer · Esc cancel · what you type is not shown and never recorded',
      ),
    );
    await screen.press('\r');
    expect(screen.answers).toEqual([['pre-run#passphrase', { kind: 'secret', value: PASSPHRASE }]]);
    // Answered, it is forgotten at once: not even its length stays on the screen while the engine takes it.
    expect(screen.frame().split('\n')[4]).toBe('>');
    const everything = screen.frames.join('\n');
    for (const piece of [PASSPHRASE, 'horse', 'battery', 'correct']) expect(everything).not.toContain(piece);
  });

  it('Enter with nothing typed asks again; Esc cancels', async () => {
    const screen = await renderScreen([opened(PASSPHRASE_QUESTION)]);
    await screen.press('\r');
    expect(screen.frame().split('\n').slice(-3)).toEqual([
      '>',
      'nothing typed: type the passphrase, or press Esc to cancel',
      'Enter answer · Esc cancel · what you type is not shown and never recorded',
    ]);
    expect(screen.answers).toEqual([]);
    await screen.press('x', ESCAPE);
    expect(screen.answers).toEqual([['pre-run#passphrase', { kind: 'cancel' }]]);
  });
});

describe('the output view', () => {
  it('o opens the full output and commands of the step that last ran; it scrolls, moves between steps, and Esc closes it', async () => {
    const { frame, press, controls } = await renderScreen(before('choose-source'));
    await press('o');
    expect(frame()).toBe(
      lines(
        ...HEADER,
        '',
        'Output of step 3 of 10: Test every backup',
        'Commands run (5)',
        '$ docker exec app-prod find /data/backups -maxdepth 1 -type f -print0',
        '  ✔ exit 0 · 84ms · action',
        '$ docker exec app-prod sqlite3 -readonly',
        "  'file:/data/backups/app-2024-12-30.db?immutable=1' 'PRAGMA quick_check;'",
        '  ✔ exit 0 · 310ms · action',
        '$ docker exec app-prod sqlite3 -readonly',
        "  'file:/data/backups/app-2024-12-31.db?immutable=1' 'PRAGMA quick_check;'",
        '  ✔ exit 0 · 310ms · action',
        '$ docker exec app-prod sqlite3 -readonly',
        "  'file:/data/backups/app-2024-12-32.db?immutable=1' 'PRAGMA quick_check;'",
        '  ✔ exit 0 · 310ms · action',
        '$ docker exec app-prod sqlite3 -readonly',
        "  'file:/data/backups/app-2024-12-33.db?immutable=1' 'PRAGMA quick_check;'",
        '  ✔ exit 0 · 310ms · action',
        'Output (4 lines)',
        'CORRUPT /data/backups/app-2024-12-30.db: 3 error(s), first: Tree 12 page 40 cell',
        '3: invalid page number 9999',
        'rows 1–18 of 24 · ↑/↓ scroll · PgUp/PgDn · g/G top/end · ←/→ step · Esc close',
      ),
    );
    await press('G');
    expect(frame().split('\n').slice(3, 6)).toEqual([
      'Output of step 3 of 10: Test every backup',
      '$ docker exec app-prod sqlite3 -readonly',
      "  'file:/data/backups/app-2024-12-31.db?immutable=1' 'PRAGMA quick_check;'",
    ]);
    await press('\u001B[D');
    expect(frame()).toBe(
      lines(
        ...HEADER,
        '',
        'Output of step 2 of 10: Check the live database',
        'Commands declared (none recorded as run)',
        "$ docker exec app-prod sqlite3 -readonly /data/app.db 'PRAGMA integrity_check;'",
        'Output',
        '  nothing printed',
        '↑/↓ scroll · PgUp/PgDn · g/G top/end · ←/→ step · Esc close',
      ),
    );
    await press('\r', 's', ESCAPE);
    expect(controls).toEqual([]);
    expect(frame()).toContain('Next: Choose the healthy source');
  });
});

describe('the help', () => {
  it('? lists every key, between steps, at a question and in the output view', async () => {
    const { frame, press } = await renderScreen(before('choose-source'));
    await press('?');
    expect(frame()).toBe(
      lines(
        ...HEADER,
        '╭──────────────────────────────────────────────────────────────────────────────╮',
        '│ Between steps                                                                │',
        '│ Enter   run the next step, or continue after reading a result                │',
        '│ s       skip the step (only where the runbook allows it)                     │',
        '│ r       retry the failed step                                                │',
        '│ c       stop long work the step says may stop (a salvage); the run goes on   │',
        '│ q       quit; nothing is left half-done, the record says where things stand  │',
        "│ o       the step's full output and the commands it ran, to scroll through    │",
        '│ ?       show or hide this help (Esc hides it too)                            │',
        '│ At a question                                                                │',
        '│ ↑/↓ j/k move in a list; / filters it as you type, Esc clears the filter      │',
        '│ Enter   answer; Esc backs out, and the run stops there, nothing half-done    │',
        '│ Tab     complete the path typed; ↑/↓ put a file found into the field         │',
        '│ In the output view                                                           │',
        '│ ↑/↓     scroll · PgUp/PgDn page · g/G top/end · ←/→ other steps · Esc close  │',
        '│ · pending  ⠋ running  ✔ done  ✘ failed, or found damage  ! found a problem   │',
        '│ ↷ skipped  ○ not performed (dry-run)  ⚠ changes something: type its name     │',
        '│ Nothing is deleted. Each $ line is what runs; the record keeps every one.    │',
        '╰──────────────────────────────────────────────────────────────────────────────╯',
        '? help',
      ),
    );
  });
});

describe('questions before the run', () => {
  it('are drawn alone under a header that names the target, then the run takes over', async () => {
    const screen = await renderScreen([opened(DRY_RUN_QUESTION)]);
    expect(screen.frame()).toBe(
      lines(
        'sqlite-rescue',
        'before the run starts · target coolify over SSH',
        '',
        '? Do a dry-run first? Every read-only step runs for real; nothing is changed.',
        '(Y/n)',
      ),
    );
    await screen.press('n');
    expect(screen.answers).toEqual([['pre-run#dry-run', { kind: 'yes-no', yes: false }]]);
    await screen.emit({ type: 'prompt-answered', at: AT, promptId: DRY_RUN_QUESTION.id, answer: { kind: 'yes-no', yes: false } });
    expect(screen.frame()).toBe(lines('sqlite-rescue', 'before the run starts · target coolify over SSH', '', 'Starting…'));
    await screen.press('\r', 'q');
    expect(screen.controls).toEqual([]);
    await screen.emit(...before('find-container'));
    expect(await screen.until('Next: Find the production container')).toContain('Enter run/continue · q quit · o output · ? help');
  });
});

describe('a question after the run', () => {
  it('is drawn under the summary, answered with Enter, and the summary stays', async () => {
    const screen = await renderScreen(run);
    await screen.until('restored and verified');
    const save: Prompt = {
      id: 'after-run#1',
      stepId: 'after-run',
      kind: 'yes-no',
      message: 'Save these answers to sqlite-rescue.config.yaml?\n  host: coolify',
      defaultYes: true,
    };
    await screen.emit(opened(save));
    const asking = await screen.until('Save these answers');
    expect(asking).toContain('restored and verified');
    // The summary's box ends right above it: at 80×24 the finished layout has no gaps left.
    expect(asking.split('\n').slice(-3)).toEqual([
      `╰${'─'.repeat(78)}╯`,
      '? Save these answers to sqlite-rescue.config.yaml?',
      '  host: coolify (Y/n)',
    ]);
    await screen.press('\r');
    expect(screen.answers).toEqual([['after-run#1', { kind: 'yes-no', yes: true }]]);
  });
});
