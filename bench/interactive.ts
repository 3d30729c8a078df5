// The recovery at the keyboard: the built CLI in a real terminal (tmux, 160×50), the same flags as the --yes run, and an
// operator who answers every question the moment it is on the screen: n to the dry-run question, Enter before each
// step and at each list (the preselected answer), the app's name at each typed confirmation, n to saving the answers.
// Timed from the session's start to the program's exit; the downtime is the record's. As an operator's shell: CI and
// NODE_ENV are not set (with CI, Ink draws only the last frame; NODE_ENV=test would load React's development build).
import fs from 'node:fs';
import path from 'node:path';
import type { RunEvent } from '../src/runbook/events.js';
import type { Sshd } from '../test/support/sshd/sshd.js';
import { capture, kill, sendKeys, startSession, typeText, type TmuxSession } from '../test/support/tmux.js';
import type { BenchOutage } from './outage.js';
import { readEvents, restoreArgs, summarizeEvents, type ToolRun } from './tool.js';

export interface InteractiveRun extends Omit<ToolRun, 'peakRssMb' | 'peakRssByStepMb'> {
  /** What was answered, in order (for the log). */
  answers: string[];
  chosenSource?: string;
}

const POLL_MS = 40;

export async function runInteractiveRestore(
  sshd: Sshd,
  outage: BenchOutage,
  cliPath: string,
  timeoutMs = 15 * 60_000,
): Promise<InteractiveRun> {
  const incidentDir = path.join(outage.workDir, 'incident-tui');
  const cwd = fs.mkdtempSync(path.join(outage.workDir, 'operator-'));
  const exitFile = path.join(outage.workDir, 'tui-exit-code');
  const answers: string[] = [];
  let session: TmuxSession | undefined;
  const started = performance.now();
  try {
    session = await startSession({
      name: `${outage.prefix}tui`.replace(/[^\w-]/g, '-'),
      cwd,
      // The shell records the command's exit code in a file: tmux 3.3 sometimes marks the pane dead without an exit status.
      argv: ['sh', '-c', '"$@"; echo $? > "$0"', exitFile, cliPath, 'restore', ...restoreArgs(outage, incidentDir)],
      width: 160,
      height: 50,
      env: { CI: undefined, CONTINUOUS_INTEGRATION: undefined, NODE_ENV: undefined, HOME: sshd.home, SSH_AUTH_SOCK: '' },
    });
    let handled = '';
    for (;;) {
      if (fs.existsSync(exitFile) && fs.readFileSync(exitFile, 'utf8').trim() !== '') break;
      if (performance.now() - started > timeoutMs) throw new Error(`the interactive run did not end within ${timeoutMs / 1000} s`);
      const screen = await capture(session);
      const answer = nextAnswer(screen);
      if (answer && answer.id !== handled) {
        handled = answer.id;
        answers.push(answer.id);
        if (answer.text !== undefined) await typeText(session, answer.text);
        if (answer.keys.length > 0) await sendKeys(session, ...answer.keys);
        if (answer.id.startsWith('failed')) break;
      }
      await new Promise((done) => setTimeout(done, POLL_MS));
    }
  } finally {
    if (session) await kill(session);
  }
  const wallMs = performance.now() - started;
  const exitText = fs.existsSync(exitFile) ? fs.readFileSync(exitFile, 'utf8').trim() : '';
  const events: RunEvent[] = fs.existsSync(path.join(incidentDir, 'events.ndjson'))
    ? readEvents(fs.readFileSync(path.join(incidentDir, 'events.ndjson'), 'utf8'))
    : [];
  const summary = summarizeEvents(events);
  if (summary.incidentId) fs.rmSync(`/tmp/sqlite-rescue/${summary.incidentId}`, { recursive: true, force: true });
  const chosen = events.find((event) => event.type === 'step-succeeded' && event.stepId === 'choose-source') as
    { data?: { id?: string } } | undefined;
  const exitCode = exitText === '' ? -1 : Number(exitText);
  const failure = exitCode === 0 ? undefined : `exit ${exitText || '(none)'} after ${answers.join(', ')}`;
  return { exitCode, failure, wallMs, events, answers, chosenSource: chosen?.data?.id, ...summary };
}

interface Answer {
  /** Identifies the question, so that each is answered once. */
  id: string;
  text?: string;
  keys: string[];
}

/** What an operator answering at once types at this screen, if anything. */
export function nextAnswer(screen: string): Answer | undefined {
  const confirm = /Type (\S+) to confirm:/.exec(screen);
  const running = /Running: (.+)/.exec(screen)?.[1]?.trim() ?? '';
  if (confirm) {
    // Typed and echoed in one go: tmux delivers the text before the Enter.
    return { id: `confirm ${running}`, text: confirm[1], keys: ['Enter'] };
  }
  if (/\br retry\b/.test(screen)) return { id: `failed ${running}`, keys: ['q'] };
  if (screen.includes('Start with a dry-run') && screen.includes('(y/N)')) return { id: 'dry-run question', keys: ['n'] };
  if (screen.includes('Save these answers to')) return { id: 'save answers', keys: ['n'] };
  if (screen.includes('Enter pick')) {
    const question = /\? (.+)/.exec(screen)?.[1]?.trim() ?? 'a list';
    return { id: `pick ${question}`, keys: ['Enter'] };
  }
  const next = /Next: (.+)/.exec(screen)?.[1]?.trim();
  if (next && screen.includes('Enter run/continue')) return { id: `run ${next}`, keys: ['Enter'] };
  return undefined;
}
