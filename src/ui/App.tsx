import React, { useEffect } from 'react';
import { Box, Text, useInput } from 'ink';
import type { PromptAnswer, RunEvent } from '../runbook/events.js';
import type { RunView } from '../runbook/view.js';
import { ActivePrompt } from './ActivePrompt.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { Help } from './Help.js';
import { OutputView } from './OutputView.js';
import type { CompletePath } from './PathPrompt.js';
import { fitScreen } from './presentation/fit-screen.js';
import { HEADER_ROWS } from './presentation/measure-screen.js';
import { FINISHED_LAYOUTS, LIVE_LAYOUTS } from './presentation/screen-layout.js';
import { getAvailableKeys, getFocusStep, getOutputStep, hasRunStarted, type ControlKey } from './presentation/screen-state.js';
import { StepDetail } from './StepDetail.js';
import { StepList } from './StepList.js';
import { Summary } from './Summary.js';
import type { Clock } from './use-now.js';
import { useRefState } from './use-ref-state.js';
import { useRunView, type Subscribe } from './use-run-view.js';
import { useTerminalSize } from './use-terminal-size.js';

export type ControlAction = 'continue' | 'skip' | 'retry' | 'quit' | 'cancel';

/** What the TUI can ask of the engine; the engine decides whether it is valid now. */
export interface RunController {
  /** Answers the open prompt with that id. */
  answer(promptId: string, answer: PromptAnswer): void;
  /** Asks the engine to continue, skip, retry or quit. */
  control(action: ControlAction): void;
}

export interface AppProps {
  /** Registers a listener for run events; returns the unsubscribe function. */
  subscribe: Subscribe;
  /** Where the operator's answers and key presses go. */
  controller: RunController;
  /** Events that happened before mounting (e.g. a resumed run), reduced first. */
  initialEvents?: RunEvent[];
  /** Tab's completion at a path prompt (e.g. discovery's completePath bound to the local files, cwd and home). */
  completePath?: CompletePath;
  /** The clock countdowns read; Date.now when absent. */
  now?: Clock;
  /** What the run will act on, for the header while questions come before the run (e.g. "coolify over SSH"). */
  preRunTarget?: string;
}

const CONTROL_KEYS: Record<string, ControlAction> = { s: 'skip', r: 'retry', q: 'quit', c: 'cancel' };

function stepIndex(view: RunView, stepId: string | undefined): number {
  return view.steps.findIndex((step) => step.id === stepId);
}

export function App({ subscribe, controller, initialEvents, completePath, now = Date.now, preRunTarget }: AppProps) {
  const { view, readView } = useRunView(subscribe, initialEvents);
  const { rows, columns } = useTerminalSize();
  const [isHelpOpen, readIsHelpOpen, writeIsHelpOpen] = useRefState(false);
  // The step whose full output is open (o), if any.
  const [outputStepId, readOutputStepId, writeOutputStepId] = useRefState<string | undefined>(undefined);
  // The prompt stays in the view until the engine echoes prompt-answered; this stops a second Enter answering twice.
  const [answeredPromptId, readAnsweredPromptId, writeAnsweredPromptId] = useRefState<string | undefined>(undefined);

  const prompt = view.prompt;
  const isBeforeRun = !hasRunStarted(view);
  const isPromptActive = prompt !== undefined && prompt.id !== answeredPromptId;
  const isShowingHelp = isHelpOpen && prompt === undefined && !view.finished;
  const outputStep = prompt || view.finished || isShowingHelp ? undefined : view.steps.find((step) => step.id === outputStepId);

  // A question needs its answer: it replaces the output view rather than wait behind it.
  useEffect(() => {
    if (prompt) writeOutputStepId(undefined);
  }, [prompt, writeOutputStepId]);

  useInput(
    (input, key) => {
      const current = readView();
      // A prompt may have opened after this handler was bound: the prompt owns the keys then.
      if (current.prompt || !hasRunStarted(current) || readOutputStepId() !== undefined) return;
      if (input === '?') return writeIsHelpOpen(!readIsHelpOpen());
      // While help is open, keys other than ? and Escape are ignored so a stray Enter runs nothing.
      if (readIsHelpOpen()) {
        if (key.escape) writeIsHelpOpen(false);
        return;
      }
      if (input === 'o') return writeOutputStepId(getOutputStep(current)?.id);
      if (key.return) return controller.control('continue');
      const action = CONTROL_KEYS[input];
      if (action) controller.control(action);
    },
    { isActive: prompt === undefined && view.finished === undefined && outputStep === undefined },
  );

  const focusStep = getFocusStep(view);
  const keys: ControlKey[] = isShowingHelp ? ['help'] : getAvailableKeys(view);
  const parts = { view, focusStep, isShowingHelp, hasFooter: keys.length > 0, columns };
  const { layout, promptRows } = fitScreen(parts, view.finished ? FINISHED_LAYOUTS : LIVE_LAYOUTS, rows);
  const gap = layout.hasGaps ? 1 : 0;
  const answer = (promptAnswer: PromptAnswer) => {
    if (!prompt || readAnsweredPromptId() === prompt.id) return;
    writeAnsweredPromptId(prompt.id);
    controller.answer(prompt.id, promptAnswer);
  };
  const promptBox = (marginTop: number) =>
    prompt ? (
      <Box flexDirection="column" marginTop={marginTop}>
        <ActivePrompt
          key={prompt.id}
          prompt={prompt}
          onAnswer={answer}
          onCancel={() => answer({ kind: 'cancel' })}
          isActive={isPromptActive}
          columns={columns}
          maxRows={Number.isFinite(promptRows) ? promptRows : undefined}
          completePath={completePath}
        />
      </Box>
    ) : null;

  const header = (
    <Header
      runbook={view.runbook}
      target={isBeforeRun ? (preRunTarget ?? '') : view.target}
      incidentId={view.incidentId}
      isDryRun={view.isDryRun}
      isBeforeRun={isBeforeRun}
    />
  );

  if (outputStep) {
    const moveStep = (delta: number) => {
      const next = view.steps[stepIndex(view, readOutputStepId()) + delta];
      if (next) writeOutputStepId(next.id);
    };
    return (
      <Box flexDirection="column">
        {header}
        <Box flexDirection="column" marginTop={1}>
          <OutputView
            key={outputStep.id}
            step={outputStep}
            position={{ index: stepIndex(view, outputStep.id), count: view.steps.length }}
            maxRows={rows === undefined ? undefined : rows - 1 - HEADER_ROWS - 1}
            columns={columns}
            onStep={moveStep}
            onClose={() => writeOutputStepId(undefined)}
          />
        </Box>
      </Box>
    );
  }

  return (
    <Box flexDirection="column">
      {header}
      {isShowingHelp ? (
        <Box flexDirection="column" marginTop={gap}>
          <Help isDryRun={view.isDryRun} />
        </Box>
      ) : isBeforeRun ? (
        (promptBox(gap) ?? (
          <Box marginTop={gap}>
            <Text dimColor>Starting…</Text>
          </Box>
        ))
      ) : (
        <>
          <Box flexDirection="column" marginTop={gap}>
            <StepList
              steps={view.steps}
              focusStepId={view.finished ? undefined : focusStep?.id}
              hasSummaries={layout.hasStepSummaries}
              isCollapsed={view.finished !== undefined && layout.isStepListCollapsed}
            />
          </Box>
          <Box flexDirection="column" marginTop={gap}>
            {view.finished ? (
              <Summary summary={view.finished} isDryRun={view.isDryRun} layout={layout} columns={columns} />
            ) : focusStep ? (
              <StepDetail step={focusStep} isDryRun={view.isDryRun} columns={columns} layout={layout} now={now} />
            ) : (
              <Text dimColor>Waiting for the run to start…</Text>
            )}
            {promptBox(gap)}
          </Box>
        </>
      )}
      {keys.length > 0 ? (
        <Box marginTop={gap}>
          <Footer keys={keys} />
        </Box>
      ) : null}
    </Box>
  );
}
