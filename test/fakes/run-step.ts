// Runs step kinds through the real engine (the StepIO the steps get in production), and collects what came out:
// exit code, events, the step-failed event, every command as it was recorded.
import { displayLine, type ActionDecl } from '../../src/runbook/actions.js';
import { createEngine, type Engine, type PastStep } from '../../src/runbook/engine.js';
import type { CommandRecord, Prompt, PromptAnswer, RunEvent } from '../../src/runbook/events.js';
import type { StepDefinition } from '../../src/runbook/types.js';
import type { Deps } from '../../src/steps/deps.js';
import type { StepKind } from '../../src/steps/step-kind.js';

export interface StepRun {
  exitCode: number;
  events: RunEvent[];
  failed?: Extract<RunEvent, { type: 'step-failed' }>;
  finished: Extract<RunEvent, { type: 'run-finished' }>;
  findings: string[];
  output: string[];
  /** Every command the steps performed, in order. */
  commands: CommandRecord[];
  /** The declared actions each mutating step planned (a run) or printed as not performed (a dry-run), by step id. */
  planned: Map<string, ActionDecl[]>;
}

export interface RunStepOptions {
  isDryRun?: boolean;
  /** Interactive run: every prompt gets this answer, and every control wait is answered `continue`. */
  answer?: (prompt: Prompt) => PromptAnswer;
  /** A resumed run: what the journal says each step ended with (the step is reverified before it counts). */
  resumeFrom?: ReadonlyMap<string, PastStep>;
  /** Sees every event as it is emitted, with the engine to act on (e.g. cancel a long step). */
  onEvent?: (event: RunEvent, engine: Engine) => void;
}

export function stepDefinition(kind: string): StepDefinition {
  return { id: kind, uses: kind, title: kind.replaceAll('-', ' '), why: 'test', skippable: false };
}

export async function runSteps(kinds: StepKind[], deps: Deps, options: RunStepOptions = {}): Promise<StepRun> {
  const byKind = new Map(kinds.map((kind) => [kind.kind, kind]));
  const engine = createEngine<Deps>({
    runbook: { name: 'test', title: 'test', source: 'test.yaml', steps: kinds.map((kind) => stepDefinition(kind.kind)) },
    impls: byKind,
    deps,
    incidentId: deps.incident.id,
    incidentDir: deps.incident.dir,
    target: 'test',
    isDryRun: options.isDryRun ?? false,
    isInteractive: options.answer !== undefined,
    now: () => deps.clock.now(),
    renderCommands: (step) => (byKind.get(step.uses)?.declare(deps) ?? []).map(displayLine),
    finish: (result) => result,
    resumeFrom: options.resumeFrom,
  });
  const { answer, onEvent } = options;
  if (onEvent) engine.subscribe((event) => onEvent(event, engine));
  if (answer) {
    // Answered a tick later, as a person at a keyboard would.
    engine.subscribe((event) => {
      if (event.type === 'prompt-opened') setImmediate(() => engine.answer(event.prompt.id, answer(event.prompt)));
      if (event.type === 'awaiting-control' && event.reason === 'before-step') setImmediate(() => engine.control('continue'));
      if (event.type === 'awaiting-control' && event.reason === 'after-failure') setImmediate(() => engine.control('quit'));
    });
  }
  const exitCode = await engine.run();
  const events = [...engine.history()];
  return {
    exitCode,
    events,
    failed: events.find((event): event is Extract<RunEvent, { type: 'step-failed' }> => event.type === 'step-failed'),
    finished: events.find((event): event is Extract<RunEvent, { type: 'run-finished' }> => event.type === 'run-finished') as Extract<
      RunEvent,
      { type: 'run-finished' }
    >,
    findings: events.flatMap((event) => (event.type === 'finding' ? [event.text] : [])),
    output: events.flatMap((event) => (event.type === 'step-output' ? [event.line] : [])),
    commands: events.flatMap((event) => (event.type === 'command' ? [event.command] : [])),
    planned: new Map(
      events.flatMap((event) =>
        event.type === 'step-planned' || event.type === 'step-not-performed' ? [[event.stepId, event.actions] as const] : [],
      ),
    ),
  };
}

export function runStep(kind: StepKind, deps: Deps, options: RunStepOptions = {}): Promise<StepRun> {
  return runSteps([kind], deps, options);
}

/** The argv of every command performed in a container or helper (what `docker exec` ran), in order. */
export function execArgvs(run: StepRun): string[][] {
  return run.commands.flatMap((command) =>
    command.action.kind === 'argv' && command.action.where !== 'host' && command.action.where !== 'local' ? [command.action.argv] : [],
  );
}
