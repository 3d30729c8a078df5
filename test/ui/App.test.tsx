import React from 'react';
import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import type { PromptAnswer, RunEvent } from '../../src/runbook/events.js';
import { App, type ControlAction } from '../../src/ui/App.js';
import { RESTORE_STEPS, runStarted, stepStarted } from './fixtures.js';
import { plain, tick, waitFor, waitForFrame } from './wait-for.js';

const AT = '2025-01-01T02:00:00.000Z';

// A stand-in for the engine's event bus and controller: tests push events and read what the UI sent.
function makeFakeEngine() {
  const listeners = new Set<(event: RunEvent) => void>();
  const answers: Array<[string, PromptAnswer]> = [];
  const controls: ControlAction[] = [];
  return {
    subscribe: (listener: (event: RunEvent) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    controller: {
      answer: (promptId: string, answer: PromptAnswer) => answers.push([promptId, answer]),
      control: (action: ControlAction) => controls.push(action),
    },
    emit: (...events: RunEvent[]) => events.forEach((event) => listeners.forEach((listener) => listener(event))),
    listenerCount: () => listeners.size,
    answers,
    controls,
  };
}

async function renderApp(initialEvents?: RunEvent[]) {
  const engine = makeFakeEngine();
  const result = render(<App subscribe={engine.subscribe} controller={engine.controller} initialEvents={initialEvents} />);
  await waitFor(() => engine.listenerCount() === 1);
  await tick();
  return { ...result, engine };
}

const selectContainer: RunEvent = {
  type: 'prompt-opened',
  at: AT,
  prompt: {
    kind: 'select',
    id: 'pick-container',
    stepId: 'find-container',
    message: 'Which container runs the production app?',
    options: [
      { value: 'app-pr-41', label: 'app-pr-41', hint: 'PR preview' },
      { value: 'app-prod', label: 'app-prod', hint: 'running 12 days, mounts /data/app.db' },
    ],
    initialIndex: 1,
  },
};

describe('App', () => {
  it('shows the header, the steps and the next step before anything runs', async () => {
    const { lastFrame, engine } = await renderApp();
    engine.emit(runStarted(true));
    const frame = await waitForFrame(lastFrame, 'Find the container');
    expect(frame).toContain('sqlite-rescue · restore-from-local   DRY RUN');
    expect(frame).toContain('target my-alias › app-prod:/data/app.db  incident 20250101T020000Z');
    expect(frame).toContain('Next: Find the container');
    expect(frame).toContain('$ docker ps --filter name=app');
    expect(frame.split('\n').at(-1)).toBe('Enter run/continue · q quit · o output · ? help');
  });

  it('Enter on a select prompt answers with the preselected option, once', async () => {
    const { lastFrame, stdin, engine } = await renderApp();
    engine.emit(runStarted(), stepStarted('find-container'), selectContainer);
    await waitForFrame(lastFrame, '❯ app-prod');
    stdin.write('\r');
    await waitFor(() => engine.answers.length > 0);
    stdin.write('\r');
    await tick(30);
    expect(engine.answers).toEqual([['pick-container', { kind: 'select', value: 'app-prod' }]]);
    expect(engine.controls).toEqual([]);
  });

  it('a key pressed as a prompt opens is not sent as a control action', async () => {
    const { stdin, engine } = await renderApp([runStarted(), stepStarted('find-container')]);
    engine.emit(selectContainer);
    stdin.write('\r');
    await tick(30);
    expect(engine.controls).toEqual([]);
  });

  it('a typed confirmation goes through controller.answer; Escape cancels the prompt', async () => {
    const { lastFrame, stdin, engine } = await renderApp();
    engine.emit(runStarted(), stepStarted('swap'), {
      type: 'prompt-opened',
      at: AT,
      prompt: {
        kind: 'confirm-typed',
        id: 'confirm-swap',
        stepId: 'swap',
        message: 'Stop app-prod and swap /data/app.db',
        expected: 'app-prod',
      },
    });
    await waitForFrame(lastFrame, 'Type app-prod to confirm');
    stdin.write('app-prod');
    await waitForFrame(lastFrame, '> app-prod');
    stdin.write('\r');
    await waitFor(() => engine.answers.length > 0);
    expect(engine.answers).toEqual([['confirm-swap', { kind: 'confirm-typed', typed: 'app-prod' }]]);

    engine.emit({ type: 'prompt-answered', at: AT, promptId: 'confirm-swap', answer: { kind: 'confirm-typed', typed: 'app-prod' } });
    await waitFor(() => !plain(lastFrame()).includes('Type app-prod'));
    engine.emit({
      type: 'prompt-opened',
      at: AT,
      prompt: { kind: 'yes-no', id: 'again', stepId: 'swap', message: 'Start app-prod now?', defaultYes: true },
    });
    await waitForFrame(lastFrame, 'Start app-prod now? (Y/n)');
    stdin.write('\u001B');
    await waitFor(() => engine.answers.length > 1);
    expect(engine.answers[1]).toEqual(['again', { kind: 'cancel' }]);
    expect(engine.controls).toEqual([]);
  });

  it('keys with no prompt open send control actions; ? toggles help', async () => {
    const { lastFrame, stdin, engine } = await renderApp([runStarted()]);
    for (const key of ['\r', 's', 'r', 'q']) {
      stdin.write(key);
      await tick(5);
    }
    await waitFor(() => engine.controls.length === 4);
    expect(engine.controls).toEqual(['continue', 'skip', 'retry', 'quit']);

    stdin.write('?');
    await waitForFrame(lastFrame, 'Nothing is deleted');
    stdin.write('s');
    await tick(30);
    expect(engine.controls).toHaveLength(4);
    stdin.write('?');
    await waitFor(() => !plain(lastFrame()).includes('Nothing is deleted'));
  });

  it('s sends skip while a skippable step waits', async () => {
    const { lastFrame, stdin, engine } = await renderApp();
    engine.emit(runStarted(), stepStarted('find-container'), {
      type: 'step-succeeded',
      at: AT,
      stepId: 'find-container',
      durationMs: 800,
      summary: 'app-prod',
    });
    await waitForFrame(lastFrame, 'Next: Check the live database');
    expect(plain(lastFrame()).split('\n').at(-1)).toBe('Enter run/continue · s skip · q quit · o output · ? help');
    stdin.write('s');
    await waitFor(() => engine.controls.length > 0);
    expect(engine.controls).toEqual(['skip']);
  });

  it('a failure shows the error and offers retry', async () => {
    const { lastFrame, engine } = await renderApp();
    engine.emit(runStarted(), stepStarted('copy-local'), {
      type: 'step-failed',
      at: AT,
      stepId: 'copy-local',
      durationMs: 2100,
      message: 'sha256 differs after transfer',
      hint: 'the upload was cut short; retry it',
      state: 'nothing replaced: the live file is untouched, the partial copy was removed',
    });
    const frame = await waitForFrame(lastFrame, 'Failed: Upload the healthy local copy');
    expect(frame).toContain('✘ sha256 differs after transfer');
    expect(frame).toContain('hint: the upload was cut short; retry it');
    expect(frame).toContain('state: nothing replaced');
    expect(frame.split('\n').at(-1)).toBe('r retry · q quit · o output · ? help');
  });

  it('renders only the latest of rapid progress events, and the final state after them', async () => {
    const { lastFrame, frames, engine } = await renderApp();
    engine.emit(runStarted(), stepStarted('copy-local'));
    await waitForFrame(lastFrame, 'Running: Upload');
    const before = frames.length;
    const MiB = 1024 * 1024;
    for (let done = 1; done <= 200; done += 1) {
      engine.emit({
        type: 'step-progress',
        at: AT,
        stepId: 'copy-local',
        progress: { done: done * MiB, total: 200 * MiB, unit: 'bytes', rate: 50 * MiB, etaSec: (200 - done) / 50 },
      });
    }
    await waitForFrame(lastFrame, '200.0 MiB / 200.0 MiB');
    expect(frames.length - before).toBeLessThan(10);
    engine.emit({ type: 'step-progress', at: AT, stepId: 'copy-local', progress: { done: 10 * MiB, total: 200 * MiB, unit: 'bytes' } });
    engine.emit({ type: 'step-succeeded', at: AT, stepId: 'copy-local', durationMs: 4000, summary: 'uploaded 200.0 MiB, sha256 matches' });
    const frame = await waitForFrame(lastFrame, 'uploaded 200.0 MiB, sha256 matches');
    expect(frame).not.toContain('10.0 MiB / 200.0 MiB');
  });

  it('run-finished shows the Summary', async () => {
    const { lastFrame, engine } = await renderApp();
    engine.emit(
      runStarted(),
      ...RESTORE_STEPS.flatMap((step): RunEvent[] => [
        stepStarted(step.id),
        { type: 'step-succeeded', at: AT, stepId: step.id, durationMs: 1500, summary: `${step.title.toLowerCase()}: done` },
      ]),
      { type: 'finding', at: AT, stepId: 'check-live', text: 'live database: 3 integrity errors' },
      {
        type: 'run-finished',
        at: AT,
        exitCode: 0,
        headline: 'Recovered: app-prod writes again',
        downtimeMs: 42_000,
        incidentDir: './incidents/20250101T020000Z',
      },
    );
    const frame = await waitForFrame(lastFrame, 'Recovered: app-prod writes again');
    expect(frame).toContain('exit 0: done and verified');
    expect(frame).toContain('• live database: 3 integrity errors');
    expect(frame).toContain('• swap in the verified copy: done');
    expect(frame).toContain('Downtime  42s (app stopped → started)');
    expect(frame).toContain('Record    ./incidents/20250101T020000Z');
  });

  // The CLI unmounts Ink right after run-finished: a footer offering keys would promise what nobody reads.
  it('once finished, offers no keys and sends none', async () => {
    const { lastFrame, stdin, engine } = await renderApp([runStarted(), stepStarted('find-container')]);
    engine.emit({
      type: 'run-finished',
      at: AT,
      exitCode: 3,
      headline: 'aborted by the operator',
      incidentDir: './incidents/20250101T020000Z',
    });
    const frame = await waitForFrame(lastFrame, 'aborted by the operator');
    expect(frame.split('\n').at(-1)).toMatch(/^╰─+╯$/);
    expect(frame).not.toContain('quit');
    expect(frame).not.toContain('? help');
    for (const key of ['\r', 'q', 'r', '?']) stdin.write(key);
    await tick(30);
    expect(engine.controls).toEqual([]);
    expect(plain(lastFrame())).not.toContain('Nothing is deleted');
  });

  it('shows the commands the engine filled in when it waits before a step', async () => {
    const { lastFrame, engine } = await renderApp([runStarted()]);
    await waitForFrame(lastFrame, '$ docker ps --filter name=app');
    engine.emit({
      type: 'awaiting-control',
      at: AT,
      stepId: 'find-container',
      actions: ['continue', 'quit'],
      reason: 'before-step',
      commands: ["docker ps -a --filter name=app-prod --format '{{.Names}}'", 'docker inspect app-prod'],
    });
    const frame = await waitForFrame(lastFrame, 'docker inspect app-prod');
    expect(frame).toContain("│ $ docker ps -a --filter name=app-prod --format '{{.Names}}'");
    expect(frame).toContain('│ $ docker inspect app-prod');
    expect(frame).not.toContain('$ docker ps --filter name=app ');
    expect(frame.split('\n').at(-1)).toBe('Enter run/continue · q quit · o output · ? help');
  });

  it('unsubscribes on unmount', async () => {
    const { unmount, engine } = await renderApp();
    unmount();
    expect(engine.listenerCount()).toBe(0);
  });
});
