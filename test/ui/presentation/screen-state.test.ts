import { describe, expect, it } from 'vitest';
import type { StepStatus } from '../../../src/runbook/events.js';
import { emptyView, type RunView, type StepView } from '../../../src/runbook/view.js';
import { getAvailableKeys, getFocusStep, getOutputStep } from '../../../src/ui/presentation/screen-state.js';
import { describeExitCode } from '../../../src/ui/presentation/exit-code.js';

function step(id: string, status: StepStatus, skippable = false): StepView {
  return { id, title: id, why: '', mutates: false, skippable, commands: [], status, output: [] };
}

function view(steps: StepView[], extra: Partial<RunView> = {}): RunView {
  return { ...emptyView, steps, ...extra };
}

describe('getFocusStep', () => {
  it.each<[string, RunView, string | undefined]>([
    ['nothing started: the first pending step', view([step('a', 'pending'), step('b', 'pending')]), 'a'],
    ['a running step', view([step('a', 'running'), step('b', 'pending')], { currentStepId: 'a' }), 'a'],
    ['a failed step', view([step('a', 'failed'), step('b', 'pending')], { currentStepId: 'a' }), 'a'],
    ['after a success: the next pending step', view([step('a', 'ok'), step('b', 'pending')], { currentStepId: 'a' }), 'b'],
    ['all done: the last current step', view([step('a', 'ok'), step('b', 'ok')], { currentStepId: 'b' }), 'b'],
    [
      'a prompt: its step',
      view([step('a', 'ok'), step('b', 'running')], {
        currentStepId: 'a',
        prompt: { kind: 'yes-no', id: 'p', stepId: 'b', message: '?', defaultYes: true },
      }),
      'b',
    ],
    ['no steps', view([]), undefined],
  ])('%s', (_name, input, expected) => {
    expect(getFocusStep(input)?.id).toBe(expected);
  });
});

describe('getAvailableKeys', () => {
  it.each<[string, RunView, string[]]>([
    ['before a fixed step', view([step('a', 'pending')]), ['continue', 'quit', 'output', 'help']],
    ['before a skippable step', view([step('a', 'pending', true)]), ['continue', 'skip', 'quit', 'output', 'help']],
    ['while running', view([step('a', 'running')], { currentStepId: 'a' }), ['quit', 'output', 'help']],
    ['after a failure', view([step('a', 'failed')], { currentStepId: 'a' }), ['retry', 'quit', 'output', 'help']],
    ['after a skippable failure', view([step('a', 'failed', true)], { currentStepId: 'a' }), ['retry', 'skip', 'quit', 'output', 'help']],
    [
      'while a prompt is open',
      view([step('a', 'running')], { prompt: { kind: 'yes-no', id: 'p', stepId: 'a', message: '?', defaultYes: true } }),
      [],
    ],
    [
      'what the engine says it waits for wins over the guess',
      view([step('a', 'failed', true)], {
        currentStepId: 'a',
        awaiting: { stepId: 'a', actions: ['retry', 'quit'], reason: 'after-failure' },
      }),
      ['retry', 'quit', 'output', 'help'],
    ],
    ['before the run: none, its questions own the keys', view([]), []],
    [
      'while running work the step says may be stopped: c too',
      view([{ ...step('a', 'running'), waiting: { what: 'salvage', isCancellable: true } }], { currentStepId: 'a' }),
      ['cancel', 'quit', 'output', 'help'],
    ],
    [
      'when finished: none, the CLI reads no key once the run is over',
      view([step('a', 'ok')], { finished: { exitCode: 0, headline: '', incidentDir: '', findings: [], actions: [] } }),
      [],
    ],
  ])('%s', (_name, input, expected) => {
    expect(getAvailableKeys(input)).toEqual(expected);
  });
});

describe('getOutputStep', () => {
  it.each<[string, RunView, string | undefined]>([
    ['the running step', view([step('a', 'ok'), step('b', 'running'), step('c', 'pending')], { currentStepId: 'b' }), 'b'],
    ['the failed step in focus', view([step('a', 'ok'), step('b', 'failed'), step('c', 'pending')], { currentStepId: 'b' }), 'b'],
    // The engine already waits before c: the operator has just read b's result go by.
    [
      'between steps: the last that ran, not the next',
      view([step('a', 'ok'), step('b', 'ok'), step('c', 'pending')], { currentStepId: 'c' }),
      'b',
    ],
    ['a skipped step counts as having run', view([step('a', 'ok'), step('b', 'skipped'), step('c', 'pending')]), 'b'],
    ['nothing ran yet: the first step', view([step('a', 'pending'), step('b', 'pending')]), 'a'],
    ['no steps', view([]), undefined],
  ])('%s', (_name, input, expected) => {
    expect(getOutputStep(input)?.id).toBe(expected);
  });
});

describe('describeExitCode', () => {
  it.each([
    [0, 'done and verified'],
    [1, 'a step failed (state is safe and said)'],
    [2, 'usage error or ambiguity'],
    [3, 'the operator aborted'],
    [4, 'dry-run found the target unhealthy'],
    [9, 'unexpected exit code'],
  ])('%d means %s', (code, expected) => {
    expect(describeExitCode(code)).toBe(expected);
  });
});
