// Every screen of a whole recovery fits the terminal it is drawn on: Ink redraws the whole terminal from the
// top once a frame is as tall as it, so a frame must keep one row free or its top scrolls away.
import React from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/runbook/events.js';
import { emptyView, reduceView } from '../../src/runbook/view.js';
import { App } from '../../src/ui/App.js';
import { fitScreen } from '../../src/ui/presentation/fit-screen.js';
import { measurePrompt, measurePromptDrawn, measureScreen } from '../../src/ui/presentation/measure-screen.js';
import { FINISHED_LAYOUTS, LIVE_LAYOUTS } from '../../src/ui/presentation/screen-layout.js';
import { getAvailableKeys, getFocusStep } from '../../src/ui/presentation/screen-state.js';
import { renderInTerminal } from './render-in-terminal.js';
import { plain, tick, waitFor } from './wait-for.js';
import { CONFIRM_SWAP, eventsUntil, preRunEvents, RUN_NOW, shippedStepDecls, walRestoreEvents } from './wal-restore-run.js';

const controller = { answer: () => {}, control: () => {} };
const unmounts: Array<() => void> = [];

afterEach(() => {
  for (const unmount of unmounts.splice(0)) unmount();
});

async function renderAt(size: { columns: number; rows: number }, initialEvents: RunEvent[]) {
  // Three seconds into the scripted run: a countdown reads the same on every run of the test.
  const now = () => RUN_NOW + 3000;
  const result = renderInTerminal(
    <App subscribe={() => () => {}} controller={controller} initialEvents={initialEvents} now={now} preRunTarget="coolify over SSH" />,
    size,
  );
  unmounts.push(result.unmount);
  await tick();
  // The running step's spinner turns; a fixed glyph keeps frames comparable.
  return { ...result, frame: () => plain(result.lastFrame()).replace(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/g, '⠋') };
}

const untilSwapPrompt = (events: RunEvent[]) =>
  eventsUntil(events, (event) => event.type === 'prompt-opened' && event.prompt.id === CONFIRM_SWAP.id);

function expectToFit(frame: string, { columns, rows }: { columns: number; rows: number }, what: string) {
  const lines = frame.split('\n');
  expect(lines.length, `${what}: ${lines.length} rows\n${frame}`).toBeLessThanOrEqual(rows - 1);
  for (const line of lines) expect([...line].length, `${what}: a line wider than ${columns}\n${line}`).toBeLessThanOrEqual(columns);
}

const loadShippedSteps = shippedStepDecls;

const STEP_LINES = [
  '  ✔ Find the production container  1.2s',
  '  ✘ Check the live database  corrupt (3 errors)  1.2s',
  '  ✘ Test every backup  0 of 4 healthy  1.2s',
  '  ✔ Choose the healthy source  1.2s',
  '  ✔ Snapshot the source through SQLite  1.2s',
  '  ✔ Stage the snapshot beside the live database  ⚠ changes  1.2s',
  '  ✔ Stop the app  ⚠ changes  1.2s',
];

describe('App at 80×24', () => {
  const size = { columns: 80, rows: 24 };

  it('a typed confirmation: every step on one line, the commands it confirms, then the prompt', async () => {
    const { frame } = await renderAt(size, untilSwapPrompt(walRestoreEvents()));
    expect(frame()).toBe(
      [
        'sqlite-rescue · sqlite-wal-restore',
        'target app-prod:/data/app.db on the local Docker engine  incident 20250101T0200…',
        ...STEP_LINES,
        '› ⠋ Quarantine the corrupted files and swap in the snapshot  ⚠ changes',
        '  · Start the app  ⚠ changes',
        '  · Verify the restored database',
        'Running: Quarantine the corrupted files and swap in the snapshot  ⚠ changes',
        '$ docker run --rm --volumes-from app-prod --entrypoint mkdir ghcr.io/acme/app:1…',
        '$ docker run --rm --volumes-from app-prod --entrypoint mv ghcr.io/acme/app:1.4 …',
        '$ docker run --rm --volumes-from app-prod --entrypoint mv ghcr.io/acme/app:1.4 …',
        '⚠ Move /data/app.db and its -wal/-shm into',
        '/data/rescue-quarantine/20250101T020000Z and put the snapshot in its place? Type',
        'the container name to confirm.',
        'Type app-prod to confirm:',
        '>',
        'Enter confirm · Esc cancel',
      ].join('\n'),
    );
  });

  it('a wrong name: the mismatch line was kept free, nothing moves up or scrolls', async () => {
    const { frame, stdin } = await renderAt(size, untilSwapPrompt(walRestoreEvents()));
    const before = frame().split('\n');
    stdin.write('nope');
    await waitFor(() => frame().includes('> nope'));
    stdin.write('\r');
    await waitFor(() => frame().includes('type app-prod exactly to confirm'));
    const after = frame().split('\n');
    expect(after.length).toBe(before.length + 1);
    expect(after.slice(0, 16)).toEqual(before.slice(0, 16));
    expectToFit(frame(), size, 'after a mismatch');
  });

  it('the summary: the steps counted on one line, so the quarantine manifest shows with the latest findings', async () => {
    const { frame } = await renderAt(size, walRestoreEvents());
    expect(frame()).toBe(
      [
        'sqlite-rescue · sqlite-wal-restore',
        'target app-prod:/data/app.db on the local Docker engine  incident 20250101T0200…',
        '10 steps: ✔ 8 done · ✘ 2 found damage',
        '╭──────────────────────────────────────────────────────────────────────────────╮',
        '│ ✔ restored and verified: /data/app.db in app-prod passes integrity_check     │',
        '│ and takes writes                                                             │',
        '│ exit 0: done and verified                                                    │',
        '│ Findings                                                                     │',
        '│   • started app-prod: downtime 3.5 s (stop → start)                          │',
        '│   • quarantine manifest (sha256):                                            │',
        '│     1c2d…  /data/rescue-quarantine/20250101T020000Z/app.db                   │',
        '│     3e4f…  /data/rescue-quarantine/20250101T020000Z/app.db-wal               │',
        '│     5a6b…  /data/rescue-quarantine/20250101T020000Z/app.db-shm               │',
        '│   • verified: integrity ok, every snapshot row present, the app wrote a row  │',
        '│   (8 more findings in report.md)                                             │',
        '│ Actions                                                                      │',
        '│   • staged /data/.app.db.rescue-20250101T020000Z.incoming (40960 bytes, sha… │',
        '│   • stopped app-prod in 1.2 s                                                │',
        '│   • moved 3 file(s) to /data/rescue-quarantine/20250101T020000Z; snapshot r… │',
        '│   • started app-prod, downtime 3.5 s                                         │',
        '│ Downtime  3.5s (app stopped → started)                                       │',
        '│ Record    /home/ops/incidents/20250101T020000Z                               │',
        '╰──────────────────────────────────────────────────────────────────────────────╯',
      ].join('\n'),
    );
  });
});

describe('App at other sizes', () => {
  it.each([
    { columns: 80, rows: 24 },
    { columns: 100, rows: 30 },
    { columns: 200, rows: 60 },
  ])('every screen of a recovery with the shipped runbook fits $columns×$rows, as tall as measured', async (size) => {
    const events = [...preRunEvents(), ...walRestoreEvents(loadShippedSteps())];
    for (let count = 1; count <= events.length; count += 1) {
      const { frame, unmount } = await renderAt(size, events.slice(0, count));
      const what = `after ${events[count - 1].type} (event ${count})`;
      expectToFit(frame(), size, what);
      // The layout counted right: no row more (it would scroll), none less (it would waste one).
      const view = events.slice(0, count).reduce(reduceView, emptyView);
      const parts = {
        view,
        focusStep: getFocusStep(view),
        isShowingHelp: false,
        hasFooter: getAvailableKeys(view).length > 0,
        columns: size.columns,
      };
      const { layout, promptRows } = fitScreen(parts, view.finished ? FINISHED_LAYOUTS : LIVE_LAYOUTS, size.rows);
      const measured = measureScreen(parts, layout, promptRows);
      // Rows a prompt keeps free for what a key adds (a mismatch line) are measured, not drawn.
      const keptFree = view.prompt
        ? measurePrompt(view.prompt, size.columns, promptRows) - measurePromptDrawn(view.prompt, size.columns, promptRows)
        : 0;
      expect(frame().split('\n').length, `${what}\n${frame()}`).toBe(measured - keptFree);
      unmount();
    }
  });

  it('the help panel fits 80×24, in a dry-run too', async () => {
    for (const dryRun of [false, true]) {
      const [started, ...rest] = walRestoreEvents().slice(0, 3);
      const { frame, stdin } = await renderAt({ columns: 80, rows: 24 }, [{ ...started, dryRun } as RunEvent, ...rest]);
      stdin.write('?');
      await waitFor(() => frame().includes('Nothing is deleted'));
      expectToFit(frame(), { columns: 80, rows: 24 }, `help, dry-run ${dryRun}`);
    }
  });

  it('a tall terminal shows everything: step summaries, the whole why, boxed commands, the last five findings', async () => {
    const { frame } = await renderAt(
      { columns: 200, rows: 60 },
      eventsUntil(walRestoreEvents(), (event) => event.type === 'awaiting-control' && event.stepId === 'choose-source'),
    );
    expect(frame()).toContain('  ✘ Test every backup  0 of 4 healthy  1.2s\n    0 of 4 backups healthy: CORRUPT ×4');
    expect(frame()).toContain('otherwise the copy with the most rows, the newest modification time breaking ties.\n╭');
    expect(frame()).toContain("│ $ sqlite3 -readonly /home/ops/app.local.db 'PRAGMA integrity_check;'");

    const finished = await renderAt({ columns: 200, rows: 60 }, walRestoreEvents());
    const summary = finished.frame();
    expect(summary).toContain('│ Findings');
    expect(summary).toContain('│   • quarantine manifest (sha256):  ');
    expect(summary).toContain('│     1c2d…  /data/rescue-quarantine/20250101T020000Z/app.db  ');
    expect(summary).toContain('│     5a6b…  /data/rescue-quarantine/20250101T020000Z/app.db-shm  ');
    expect(summary).toContain('│   • verified: integrity ok, every snapshot row present, the app wrote a row');
    expect(summary).toContain('│   (6 more findings in report.md)');
    expect(summary).not.toContain('production container: app-prod');
  });

  it('follows the window when it shrinks', async () => {
    const { frame, resize } = await renderAt({ columns: 200, rows: 60 }, untilSwapPrompt(walRestoreEvents()));
    expect(frame()).toContain('Nothing is deleted. The corrupted .db');
    resize({ columns: 80, rows: 24 });
    await waitFor(() => !frame().includes('Nothing is deleted. The corrupted .db'));
    expectToFit(frame(), { columns: 80, rows: 24 }, 'after the resize');
    expect(frame()).toContain('Type app-prod to confirm:');
  });
});
