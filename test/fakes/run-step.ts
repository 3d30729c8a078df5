// Runs step implementations through the real engine (the StepIO the steps get in production), and collects what
// came out: exit code, events, the step-failed event, every command argv.
import { createEngine, type PastStep, type StepImpl } from '../../src/runbook/engine.js';
import type { Prompt, PromptAnswer, RunEvent } from '../../src/runbook/events.js';
import type { StepDefinition } from '../../src/runbook/types.js';
import type { Deps } from '../../src/steps/deps.js';

export interface StepRun {
  exitCode: number;
  events: RunEvent[];
  failed?: Extract<RunEvent, { type: 'step-failed' }>;
  finished: Extract<RunEvent, { type: 'run-finished' }>;
  findings: string[];
  output: string[];
}

export interface RunStepOptions {
  isDryRun?: boolean;
  mutates?: boolean;
  /** Interactive run: every prompt gets this answer, and every control wait is answered `continue`. */
  answer?: (prompt: Prompt) => PromptAnswer;
  /** A resumed run: what the journal says each step ended with (the step is reverified before it counts). */
  resumeFrom?: ReadonlyMap<string, PastStep>;
}

export function stepDefinition(kind: string, mutates = false): StepDefinition {
  return { id: kind, uses: kind, title: kind.replaceAll('-', ' '), why: 'test', mutates, skippable: false, commands: [`${kind} <db>`] };
}

export async function runSteps(impls: Array<StepImpl<Deps>>, deps: Deps, options: RunStepOptions = {}): Promise<StepRun> {
  const engine = createEngine<Deps>({
    runbook: { name: 'test', title: 'test', source: 'test.yaml', steps: impls.map((impl) => stepDefinition(impl.kind, options.mutates)) },
    impls: new Map(impls.map((impl) => [impl.kind, impl])),
    deps,
    incidentId: deps.incident.id,
    incidentDir: deps.incident.dir,
    target: 'test',
    isDryRun: options.isDryRun ?? false,
    isInteractive: options.answer !== undefined,
    now: () => deps.clock.now(),
    renderCommands: (step) => step.commands,
    finish: (result) => result,
    resumeFrom: options.resumeFrom,
  });
  const { answer } = options;
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
    finished: events.find((event): event is Extract<RunEvent, { type: 'run-finished' }> => event.type === 'run-finished') as Extract<RunEvent, { type: 'run-finished' }>,
    findings: events.flatMap((event) => (event.type === 'finding' ? [event.text] : [])),
    output: events.flatMap((event) => (event.type === 'step-output' ? [event.line] : [])),
  };
}

export function runStep(impl: StepImpl<Deps>, deps: Deps, options: RunStepOptions = {}): Promise<StepRun> {
  return runSteps([impl], deps, options);
}
