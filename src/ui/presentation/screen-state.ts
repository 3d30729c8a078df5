// Derives what the screen focuses on and which keys it offers from a RunView alone.
// The engine stays the judge of what is valid; these only choose what to show.
import type { RunView, StepView } from '../../runbook/view.js';

export type ControlKey = 'continue' | 'skip' | 'retry' | 'quit' | 'cancel' | 'help';

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
  // The engine says exactly what it waits for; the guesses below only cover a view without that.
  if (view.awaiting) return [...view.awaiting.actions, 'help'];
  const focus = getFocusStep(view);
  if (focus?.status === 'running') return focus.waiting?.isCancellable ? ['cancel', 'quit', 'help'] : ['quit', 'help'];
  if (focus?.status === 'failed') return focus.skippable ? ['retry', 'skip', 'quit', 'help'] : ['retry', 'quit', 'help'];
  if (focus?.status === 'pending') return focus.skippable ? ['continue', 'skip', 'quit', 'help'] : ['continue', 'quit', 'help'];
  return ['continue', 'quit', 'help'];
}
