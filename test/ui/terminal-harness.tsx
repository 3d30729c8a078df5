// The App in a real terminal, driven by a scripted engine: each answer the operator gives brings the next part of the
// run, as the engine would send it. Run as a program (node --import tsx test/ui/terminal-harness.tsx ANSWERS DIR) by
// App.real-terminal.int.test.tsx inside tmux. Every answer and key press is appended to ANSWERS (one JSON a line),
// so the test can tell what reached the engine. Tab completes with discovery's completePath over DIR, for real.
import { appendFileSync } from 'node:fs';
import { homedir } from 'node:os';
import React from 'react';
import { render } from 'ink';
import { createLocalFiles } from '../../src/adapters/node-fs/local-files.js';
import { completePath } from '../../src/discovery/path-completion.js';
import type { Prompt, PromptAnswer, RunEvent, SelectOption } from '../../src/runbook/events.js';
import { App, type ControlAction } from '../../src/ui/App.js';
import { PASSPHRASE_QUESTION, walRestoreEvents } from './wal-restore-run.js';

const [answersFile, folder] = process.argv.slice(2);
if (!answersFile || !folder) throw new Error('usage: terminal-harness.tsx ANSWERS_FILE FOLDER');
const AT = '2025-01-01T02:00:00.000Z';

const containers: SelectOption[] = Array.from({ length: 30 }, (_, index) => ({
  value: `c${index}`,
  label: index === 0 ? 'app-prod  ghcr.io/acme/app:1.4  running' : `app-pr-${index}  ghcr.io/acme/app:1.4  running`,
  hint: index === 0 ? 'production: coolify.pullRequestId=0' : `preview: pr-${index} in the name`,
}));
const pick: Prompt = {
  kind: 'select',
  id: 'pick',
  stepId: 'find-container',
  message: 'Which container?',
  options: containers,
  initialIndex: 0,
};
const local: Prompt = {
  kind: 'path',
  id: 'local',
  stepId: 'choose-source',
  message: 'Where is the healthy local copy?',
  suggestions: [{ value: 'data/app.db', label: './data/app.db', hint: 'same tables' }],
  isEmptyAllowed: true,
};

const run = walRestoreEvents();
const indexOf = (isIt: (event: RunEvent) => boolean) => run.findIndex(isIt);
const started = (stepId: string) => indexOf((event) => event.type === 'step-started' && event.stepId === stepId);
const waitsBefore = (stepId: string) => indexOf((event) => event.type === 'awaiting-control' && event.stepId === stepId);
const opened = (prompt: Prompt): RunEvent => ({ type: 'prompt-opened', at: AT, prompt });
const answered = (promptId: string, answer: PromptAnswer): RunEvent => ({ type: 'prompt-answered', at: AT, promptId, answer });

// What the engine sends once a prompt is answered: the scripted run up to the next question, then that question.
const NEXT: Record<string, RunEvent[]> = {
  [PASSPHRASE_QUESTION.id]: [...run.slice(0, started('find-container') + 1), opened(pick)],
  pick: [...run.slice(started('find-container') + 1, started('choose-source') + 1), opened(local)],
  local: run.slice(started('choose-source') + 1, waitsBefore('snapshot-source') + 1),
};

const listeners = new Set<(event: RunEvent) => void>();
const emit = (events: RunEvent[]) => setImmediate(() => events.forEach((event) => listeners.forEach((listener) => listener(event))));
const record = (entry: object) => appendFileSync(answersFile, `${JSON.stringify(entry)}\n`);

const ink = render(
  <App
    subscribe={(listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    }}
    initialEvents={[opened(PASSPHRASE_QUESTION)]}
    controller={{
      answer: (promptId: string, answer: PromptAnswer) => {
        record({ promptId, answer });
        emit([answered(promptId, answer.kind === 'secret' ? { kind: 'secret', value: '' } : answer), ...(NEXT[promptId] ?? [])]);
      },
      control: (action: ControlAction) => {
        record({ control: action });
        if (action === 'quit') {
          ink.unmount();
          process.exit(0);
        }
      },
    }}
    completePath={(typed) => completePath(createLocalFiles(), folder, typed, homedir())}
    preRunTarget="the harness"
  />,
  { exitOnCtrlC: false },
);
