import { describe, expect, it } from 'vitest';
import type { CommandRecord, RunEvent, StepDecl } from '../../src/runbook/events.js';
import { emptyView, LOG_LINES, OUTPUT_LINES, RAN_COMMANDS, reduceView, type RunView } from '../../src/runbook/view.js';

const at = '2025-01-01T02:00:00.000Z';
const steps: StepDecl[] = [
  { id: 'look', title: 'Look', why: 'w', mutates: false, skippable: true, commands: ['ls'] },
  { id: 'swap', title: 'Swap', why: 'w', mutates: true, skippable: false, commands: ['mv a b'] },
];
const started: RunEvent = {
  type: 'run-started',
  at,
  incidentId: 'I1',
  incidentDir: '/inc/I1',
  runbook: 'demo',
  dryRun: false,
  target: 'app:/data/app.db',
  steps,
};

const ls: CommandRecord = {
  action: { kind: 'argv', where: 'container', container: 'app', argv: ['ls'], mutates: false },
  phase: 'action',
  exitCode: 0,
  durationMs: 3,
};

const reduce = (events: RunEvent[], from: RunView = emptyView) => events.reduce(reduceView, from);

describe('reduceView', () => {
  it('turns a full run into the final view', () => {
    const view = reduce([
      started,
      { type: 'awaiting-control', at, stepId: 'look', actions: ['continue', 'skip', 'quit'], reason: 'before-step' },
      { type: 'step-started', at: '2025-01-01T02:00:01.000Z', stepId: 'look' },
      { type: 'step-progress', at, stepId: 'look', progress: { done: 1, total: 2, unit: 'files' } },
      { type: 'step-output', at, stepId: 'look', line: 'found app' },
      { type: 'command', at, stepId: 'look', command: ls },
      { type: 'finding', at, stepId: 'look', text: 'the db is corrupt' },
      { type: 'prompt-opened', at, prompt: { kind: 'yes-no', id: 'look#1', stepId: 'look', message: 'Sure?', defaultYes: true } },
      { type: 'prompt-answered', at, promptId: 'look#1', answer: { kind: 'yes-no', yes: true } },
      { type: 'step-succeeded', at, stepId: 'look', durationMs: 1200, summary: 'looked' },
      { type: 'awaiting-control', at, stepId: 'swap', actions: ['continue', 'quit'], reason: 'before-step' },
      { type: 'step-started', at: '2025-01-01T02:00:05.000Z', stepId: 'swap' },
      { type: 'step-succeeded', at, stepId: 'swap', durationMs: 80, summary: 'swapped 3 files' },
      { type: 'run-finished', at, exitCode: 0, headline: 'restored and verified', downtimeMs: 4000, incidentDir: '/inc/I1' },
    ]);
    expect(view).toEqual({
      incidentId: 'I1',
      incidentDir: '/inc/I1',
      runbook: 'demo',
      target: 'app:/data/app.db',
      isDryRun: false,
      steps: [
        {
          ...steps[0],
          status: 'ok',
          startedAt: '2025-01-01T02:00:01.000Z',
          durationMs: 1200,
          summary: 'looked',
          output: ['found app'],
          log: ['found app'],
          ran: [ls],
          progress: undefined,
          error: undefined,
        },
        {
          ...steps[1],
          status: 'ok',
          startedAt: '2025-01-01T02:00:05.000Z',
          durationMs: 80,
          summary: 'swapped 3 files',
          output: [],
          progress: undefined,
          error: undefined,
        },
      ],
      currentStepId: undefined,
      prompt: undefined,
      awaiting: undefined,
      findings: ['the db is corrupt'],
      finished: {
        exitCode: 0,
        headline: 'restored and verified',
        downtimeMs: 4000,
        incidentDir: '/inc/I1',
        findings: ['the db is corrupt'],
        actions: ['swapped 3 files'],
      },
    });
  });

  it('shows the waiting state and the open prompt', () => {
    const waiting = reduce([
      started,
      { type: 'awaiting-control', at, stepId: 'look', actions: ['continue', 'skip', 'quit'], reason: 'before-step' },
    ]);
    expect(waiting.awaiting).toEqual({ stepId: 'look', actions: ['continue', 'skip', 'quit'], reason: 'before-step' });
    expect(waiting.currentStepId).toBe('look');
    const prompt = { kind: 'yes-no', id: 'look#1', stepId: 'look', message: 'Sure?', defaultYes: false } as const;
    const asked = reduce(
      [
        { type: 'step-started', at, stepId: 'look' },
        { type: 'prompt-opened', at, prompt },
      ],
      waiting,
    );
    expect(asked.awaiting).toBeUndefined();
    expect(asked.prompt).toEqual(prompt);
    expect(reduceView(asked, { type: 'prompt-answered', at, promptId: 'other#9', answer: { kind: 'cancel' } }).prompt).toEqual(prompt);
  });

  it('a failure then a retry clears the error and the old output', () => {
    const failed = reduce([
      started,
      { type: 'step-started', at, stepId: 'look' },
      { type: 'step-output', at, stepId: 'look', line: 'try 1' },
      { type: 'step-failed', at, stepId: 'look', durationMs: 5, message: 'boom', hint: 'try again', state: 'nothing was changed' },
      { type: 'awaiting-control', at, stepId: 'look', actions: ['retry', 'skip', 'quit'], reason: 'after-failure' },
    ]);
    expect(failed.steps[0]).toMatchObject({
      status: 'failed',
      error: { message: 'boom', hint: 'try again', state: 'nothing was changed' },
      output: ['try 1'],
    });
    expect(failed.awaiting?.reason).toBe('after-failure');

    const retried = reduce([{ type: 'step-started', at: '2025-01-01T02:01:00.000Z', stepId: 'look' }], failed);
    expect(retried.steps[0]).toMatchObject({ status: 'running', error: undefined, output: [], startedAt: '2025-01-01T02:01:00.000Z' });
    expect(retried.awaiting).toBeUndefined();
  });

  it('keeps the last OUTPUT_LINES lines of output', () => {
    const lines = Array.from({ length: OUTPUT_LINES + 3 }, (_, index) => `line ${index}`);
    const view = reduce([
      started,
      { type: 'step-started', at, stepId: 'look' },
      ...lines.map((line): RunEvent => ({ type: 'step-output', at, stepId: 'look', line })),
    ]);
    expect(view.steps[0].output).toEqual(lines.slice(-OUTPUT_LINES));
  });

  it('keeps every line and command of the attempt for the output view, the latest LOG_LINES and RAN_COMMANDS', () => {
    const lines = Array.from({ length: LOG_LINES + 5 }, (_, index) => `line ${index}`);
    const view = reduce([
      started,
      { type: 'step-started', at, stepId: 'look' },
      ...lines.map((line): RunEvent => ({ type: 'step-output', at, stepId: 'look', line })),
      ...Array.from({ length: RAN_COMMANDS + 1 }, (_, index): RunEvent => ({
        type: 'command',
        at,
        stepId: 'look',
        command: { ...ls, durationMs: index },
      })),
    ]);
    expect(view.steps[0].log).toEqual(lines.slice(-LOG_LINES));
    expect(view.steps[0].ran?.map((record) => record.durationMs)).toEqual(Array.from({ length: RAN_COMMANDS }, (_, index) => index + 1));
    const retried = reduce([{ type: 'step-started', at, stepId: 'look' }], view);
    expect(retried.steps[0].log).toBeUndefined();
    expect(retried.steps[0].ran).toBeUndefined();
  });

  it('a wait: what, since the event and until when; cleared when the wait or the step is over', () => {
    const waiting = reduce([
      started,
      { type: 'step-started', at, stepId: 'look' },
      {
        type: 'step-waiting',
        at: '2025-01-01T02:00:02.000Z',
        stepId: 'look',
        what: 'the app has 10 s to exit',
        untilMs: Date.parse('2025-01-01T02:00:12.000Z'),
      },
    ]);
    expect(waiting.steps[0].waiting).toEqual({
      what: 'the app has 10 s to exit',
      sinceMs: Date.parse('2025-01-01T02:00:02.000Z'),
      untilMs: Date.parse('2025-01-01T02:00:12.000Z'),
    });
    expect(reduce([{ type: 'step-waiting', at, stepId: 'look' }], waiting).steps[0].waiting).toBeUndefined();
    expect(reduce([{ type: 'step-succeeded', at, stepId: 'look', durationMs: 1, summary: 's' }], waiting).steps[0].waiting).toBeUndefined();
  });

  it('dry-run: a not-performed step shows its exact commands and counts as an action', () => {
    const view = reduce([
      { ...started, dryRun: true } as RunEvent,
      { type: 'step-skipped', at, stepId: 'look', reason: 'skipped by the operator' },
      { type: 'step-started', at, stepId: 'swap' },
      { type: 'step-not-performed', at, stepId: 'swap', summary: 'would swap', commands: ['mv /data/app.db /q/'], actions: [] },
      { type: 'run-finished', at, exitCode: 0, headline: 'dry-run complete: nothing was changed', incidentDir: '/inc/I1' },
    ]);
    expect(view.isDryRun).toBe(true);
    expect(view.steps.map((entry) => entry.status)).toEqual(['skipped', 'not-performed']);
    expect(view.steps[0].summary).toBe('skipped by the operator');
    expect(view.steps[1].commands).toEqual(['mv /data/app.db /q/']);
    expect(view.finished?.actions).toEqual(['not performed: would swap']);
  });

  it('a run-started resets whatever came before', () => {
    const old = reduce([started, { type: 'finding', at, stepId: 'look', text: 'old' }]);
    expect(reduceView(old, started).findings).toEqual([]);
  });
});
