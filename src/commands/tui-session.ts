// The terminal screen for one command, from its first question to its last: drawn before anything connects, so that
// the questions that come before a run (resume an unfinished one? a dry-run first? an unknown SSH host key, a key's
// passphrase) are asked on the same screen as the run's, and those after it (save the answers?) too. Before a run is
// attached the session is the event source the App reads; once attached, the engine's events follow on the same
// stream. A secret's answer goes to the asker alone: the event the App and every other listener sees carries none.
import type { Engine, PromptSpec } from '../runbook/engine.js';
import type { Prompt, PromptAnswer, RunEvent } from '../runbook/events.js';
import type { CompletePath } from '../ui/PathPrompt.js';
import { AbortedError } from '../runbook/errors.js';
import { loadTui } from './tui-loader.js';

export interface TuiSession {
  /** Asks on the screen before (or after) a run; rejects never: Escape answers `cancel`. */
  ask(prompt: PromptSpec): Promise<PromptAnswer>;
  /** From now on the screen shows this run; answers and keys go to its engine. */
  attach(engine: Engine): void;
  /** Lets the last frame render, then gives the terminal back; a second call waits for the first. */
  close(): Promise<void>;
}

export async function openTuiSession(opts: { target: string; completePath?: CompletePath }): Promise<TuiSession> {
  const [react, { render }, { App }] = await loadTui();
  // React is CommonJS: its namespace may hold the API as `default` only.
  const React = (react as unknown as { default?: typeof react }).default ?? react;
  const events: RunEvent[] = [];
  const listeners = new Set<(event: RunEvent) => void>();
  const waiting = new Map<string, (answer: PromptAnswer) => void>();
  let engine: Engine | undefined;
  let count = 0;
  let closing: Promise<void> | undefined;
  const emit = (event: RunEvent) => {
    events.push(event);
    for (const listener of listeners) listener(event);
  };
  const subscribe = (listener: (event: RunEvent) => void) => {
    for (const event of events) listener(event);
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const controller = {
    answer(promptId: string, answer: PromptAnswer) {
      const resolve = waiting.get(promptId);
      if (!resolve) return engine?.answer(promptId, answer);
      waiting.delete(promptId);
      emit({
        type: 'prompt-answered',
        at: new Date().toISOString(),
        promptId,
        answer: answer.kind === 'secret' ? { kind: 'secret', value: '' } : answer,
      });
      resolve(answer);
    },
    control(action: Parameters<Engine['control']>[0]) {
      engine?.control(action);
    },
  };
  // Ink draws on the thread the run's commands answer on: each frame (laid out, tokenised, diffed) costs 10-30 ms of
  // CPU at 120x40, and a reply that arrives mid-frame waits for it. Ten frames a second is smooth for a person and
  // keeps the downtime window within a --yes run's (measured in the TUI e2e test; Ink's default is 30).
  const ink = render(React.createElement(App, { subscribe, controller, completePath: opts.completePath, preRunTarget: opts.target }), {
    exitOnCtrlC: false,
    maxFps: 10,
  });
  return {
    ask(spec) {
      count += 1;
      // Before a run its questions belong to no step; after it, to the run as a whole.
      const stepId = engine ? 'after-run' : 'pre-run';
      const prompt = { ...spec, id: `${stepId}#${count}`, stepId } as Prompt;
      const answered = new Promise<PromptAnswer>((resolve) => waiting.set(prompt.id, resolve));
      emit({ type: 'prompt-opened', at: new Date().toISOString(), prompt });
      return answered;
    },
    attach(next) {
      engine = next;
      next.subscribe(emit, 'the screen');
    },
    close() {
      closing ??= (async () => {
        // Let the last frame (the summary) render before Ink lets go of the terminal.
        await new Promise((done) => setTimeout(done, 50));
        ink.unmount();
        await ink.waitUntilExit();
      })();
      return closing;
    },
  };
}

/** Yes or no on the screen; Escape backs out of the command (exit 3), nothing having been done. */
export async function askYesNo(session: TuiSession, message: string, defaultYes: boolean): Promise<boolean> {
  const answer = await session.ask({ kind: 'yes-no', message, defaultYes });
  if (answer.kind === 'cancel') throw new AbortedError(`question not answered: ${message.split('\n')[0]}`);
  return answer.kind === 'yes-no' && answer.yes;
}

/** A secret typed masked on the screen (a key's passphrase); Escape backs out. */
export async function askSecret(session: TuiSession, message: string): Promise<string> {
  const answer = await session.ask({ kind: 'secret', message });
  if (answer.kind !== 'secret') throw new AbortedError(`question not answered: ${message}`);
  return answer.value;
}
