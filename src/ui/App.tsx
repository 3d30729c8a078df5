import React from 'react';
import { Box, Text, useInput } from 'ink';
import type { PromptAnswer, RunEvent } from '../runbook/events.js';
import { ActivePrompt } from './ActivePrompt.js';
import { Footer } from './Footer.js';
import { Header } from './Header.js';
import { Help } from './Help.js';
import { measureScreen } from './presentation/measure-screen.js';
import { chooseLayout, FINISHED_LAYOUTS, LIVE_LAYOUTS } from './presentation/screen-layout.js';
import { getAvailableKeys, getFocusStep, type ControlKey } from './presentation/screen-state.js';
import { StepDetail } from './StepDetail.js';
import { StepList } from './StepList.js';
import { Summary } from './Summary.js';
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
}

const CONTROL_KEYS: Record<string, ControlAction> = { s: 'skip', r: 'retry', q: 'quit', c: 'cancel' };

export function App({ subscribe, controller, initialEvents }: AppProps) {
  const { view, readView } = useRunView(subscribe, initialEvents);
  const { rows, columns } = useTerminalSize();
  const [isHelpOpen, readIsHelpOpen, writeIsHelpOpen] = useRefState(false);
  // The prompt stays in the view until the engine echoes prompt-answered; this stops a second Enter answering twice.
  const [answeredPromptId, readAnsweredPromptId, writeAnsweredPromptId] = useRefState<string | undefined>(undefined);

  const prompt = view.prompt;
  const isPromptActive = prompt !== undefined && prompt.id !== answeredPromptId;
  const isShowingHelp = isHelpOpen && prompt === undefined;

  useInput(
    (input, key) => {
      // A prompt may have opened after this handler was bound: the prompt owns the keys then.
      if (readView().prompt) return;
      if (input === '?') return writeIsHelpOpen(!readIsHelpOpen());
      // While help is open, keys other than ? and Escape are ignored so a stray Enter runs nothing.
      if (readIsHelpOpen()) {
        if (key.escape) writeIsHelpOpen(false);
        return;
      }
      if (key.return) return controller.control('continue');
      const action = CONTROL_KEYS[input];
      if (action) controller.control(action);
    },
    { isActive: prompt === undefined && view.finished === undefined },
  );

  const focusStep = getFocusStep(view);
  const keys: ControlKey[] = isShowingHelp ? ['help'] : getAvailableKeys(view);
  const parts = { view, focusStep, isShowingHelp, hasFooter: keys.length > 0, columns };
  // The richest layout that fits the terminal (see chooseLayout).
  const layout = chooseLayout(view.finished ? FINISHED_LAYOUTS : LIVE_LAYOUTS, rows, (candidate) => measureScreen(parts, candidate));
  const gap = layout.hasGaps ? 1 : 0;
  const answer = (promptAnswer: PromptAnswer) => {
    if (!prompt || readAnsweredPromptId() === prompt.id) return;
    writeAnsweredPromptId(prompt.id);
    controller.answer(prompt.id, promptAnswer);
  };

  return (
    <Box flexDirection="column">
      <Header runbook={view.runbook} target={view.target} incidentId={view.incidentId} isDryRun={view.isDryRun} />
      {isShowingHelp ? (
        <Box flexDirection="column" marginTop={gap}>
          <Help isDryRun={view.isDryRun} />
        </Box>
      ) : (
        <>
          <Box flexDirection="column" marginTop={gap}>
            <StepList steps={view.steps} focusStepId={view.finished ? undefined : focusStep?.id} hasSummaries={layout.hasStepSummaries} />
          </Box>
          <Box flexDirection="column" marginTop={gap}>
            {view.finished ? (
              <Summary summary={view.finished} isDryRun={view.isDryRun} layout={layout} columns={columns} />
            ) : focusStep ? (
              <StepDetail step={focusStep} isDryRun={view.isDryRun} columns={columns} layout={layout} />
            ) : (
              <Text dimColor>Waiting for the run to start…</Text>
            )}
            {prompt && !view.finished ? (
              <Box flexDirection="column" marginTop={gap}>
                <ActivePrompt key={prompt.id} prompt={prompt} onAnswer={answer} onCancel={() => answer({ kind: 'cancel' })} isActive={isPromptActive} columns={columns} />
              </Box>
            ) : null}
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
