// Derives what the screen focuses on and which keys it offers from a RunView alone.
// The engine stays the judge of what is valid; these only choose what to show.
import type { RunView, StepView } from '../../runbook/view.js';

/** Whether the engine has announced the run: before that, only questions asked before it (prompts of 'pre-run'). */
export function hasRunStarted(view: RunView): boolean {
  return view.incidentId !== '' || view.steps.length > 0;
}

export type ControlKey = 'continue' | 'skip' | 'retry' | 'quit' | 'cancel' | 'output' | 'help';

// The step the detail pane shows: the one running, failed or asking; otherwise the next one to run,
// so the operator reads its why and commands before pressing Enter.
export function getFocusStep(view: RunView): StepView | undefined {
  const byId = (id: string | undefined) => (id === undefined ? undefined : view.steps.find((step) => step.id === id));
  const prompted = byId(view.prompt?.stepId);
  if (prompted) return prompted;
  const current = byId(view.currentStepId);
  if (current && (current.status === 'running' || current.status === 'failed')) return current;
  return view.steps.find((step) => step.status === 'pending') ?? current;
}

export function getAvailableKeys(view: RunView): ControlKey[] {
  // The CLI lets go of the terminal as soon as the run is over: no key is read after that.
  if (view.finished) return [];
  if (view.prompt) return [];
  // Before the run there is nothing to run, skip or show: only its questions, which own the keys.
  if (!hasRunStarted(view)) return [];
  // The engine says exactly what it waits for; the guesses below only cover a view without that.
  if (view.awaiting) return [...view.awaiting.actions, 'output', 'help'];
  const focus = getFocusStep(view);
  if (focus?.status === 'running') return focus.waiting?.isCancellable ? ['cancel', 'quit', 'output', 'help'] : ['quit', 'output', 'help'];
  if (focus?.status === 'failed')
    return focus.skippable ? ['retry', 'skip', 'quit', 'output', 'help'] : ['retry', 'quit', 'output', 'help'];
  if (focus?.status === 'pending')
    return focus.skippable ? ['continue', 'skip', 'quit', 'output', 'help'] : ['continue', 'quit', 'output', 'help'];
  return ['continue', 'quit', 'output', 'help'];
}

// The step `o` opens: the one running, else the failed one in focus, else the last that ran (its output is what the
// operator just saw go by), else the one in focus.
export function getOutputStep(view: RunView): StepView | undefined {
  const running = view.steps.find((step) => step.status === 'running');
  if (running) return running;
  const focus = getFocusStep(view);
  if (focus?.status === 'failed') return focus;
  return [...view.steps].reverse().find((step) => step.status !== 'pending') ?? focus;
}
