// The state machine that runs a runbook. Pure: it knows steps only through StepImpl and the outside world only
// through the Deps it hands them, and reports everything as events. The TUI, --json, dry-run and drills are views
// of this one loop; there is no second code path.
import { AbortedError, describeError, RescueError } from './errors.js';
import type { CommandRecord, ControlAction, Prompt, PromptAnswer, ProgressInfo, RunEvent, SelectOption, StepDecl } from './events.js';
import type { Runbook, StepDefinition } from './types.js';

/** What a step ends with. `end` stops the runbook early with that exit code (e.g. "nothing to recover"). */
export interface StepOutcome {
  summary: string;
  data?: unknown;
  end?: { exitCode: number; headline: string };
}

/** A prompt as a step asks it; the engine gives it an id and its step. */
export type PromptSpec =
  | { kind: 'select'; message: string; options: SelectOption[]; initialIndex: number }
  | { kind: 'confirm-typed'; message: string; expected: string }
  | { kind: 'yes-no'; message: string; defaultYes: boolean };

/** How --yes answers a prompt: with this answer, or by refusing (exit 2) because the choice is not unambiguous. */
export type AutoAnswer = Exclude<PromptAnswer, { kind: 'cancel' }> | { refuse: string; hint?: string };

/** What a step may do besides using its Deps: talk to the operator and report. */
export interface StepIO {
  stepId: string;
  isDryRun: boolean;
  /** False under --yes: no questions, the auto answers are taken. */
  isInteractive: boolean;
  ask(prompt: PromptSpec, auto: AutoAnswer): Promise<PromptAnswer>;
  /** Typed confirmation naming the target of a mutating step; resolves at once under --yes. */
  confirm(message: string, expected: string): Promise<void>;
  progress(progress: ProgressInfo): void;
  output(line: string): void;
  finding(text: string, data?: unknown): void;
  command(command: CommandRecord): void;
}

export interface StepImpl<Deps> {
  kind: string;
  /** Performs the step. Throws RescueError (with a hint and the state things are in) on failure. */
  run(io: StepIO, deps: Deps): Promise<StepOutcome>;
  /** Dry-run of a mutating step: read-only checks only, and the exact commands it would run, named in `commands`. */
  plan?(io: StepIO, deps: Deps): Promise<StepOutcome & { commands: string[] }>;
  /**
   * Resume: proves from the world as it is now (files, checksums, container state), not from the journal, that this
   * step's effect is in place, and restores the facts later steps need. Resolves undefined when the step must run
   * again. Steps without it always run again on resume.
   */
  reverify?(io: StepIO, deps: Deps, past: PastStep): Promise<StepOutcome | undefined>;
}

/** What the journal of an interrupted run says a step ended with. */
export interface PastStep {
  /** When it succeeded. */
  at: string;
  summary: string;
  data?: unknown;
}

export interface EngineOptions<Deps> {
  runbook: Runbook;
  impls: ReadonlyMap<string, StepImpl<Deps>>;
  deps: Deps;
  incidentId: string;
  incidentDir: string;
  target: string;
  isDryRun: boolean;
  isInteractive: boolean;
  now: () => number;
  /** Renders a step's commands with what the run knows so far. */
  renderCommands(step: StepDefinition): string[];
  /** Last word on the exit: dry-run maps an unhealthy target to 4, the downtime is measured by the steps. */
  finish(result: { exitCode: number; headline: string }): { exitCode: number; headline: string; downtimeMs?: number };
  /** When the run stops early: what state things are in and what to do (e.g. "the app is stopped: docker start X"). */
  describeState?(): Promise<string | undefined> | string | undefined;
  /** Resuming an interrupted run: the steps its journal says succeeded. */
  resumeFrom?: ReadonlyMap<string, PastStep>;
}

export interface Engine {
  /** Runs to the end and resolves with the exit code; never rejects. */
  run(): Promise<number>;
  subscribe(listener: (event: RunEvent) => void): () => void;
  answer(promptId: string, answer: PromptAnswer): void;
  control(action: ControlAction): void;
  /** Events so far, for a view that subscribes late. */
  history(): readonly RunEvent[];
}

interface Waiter<T> {
  resolve(value: T): void;
  accepts(value: T): boolean;
}

export function createEngine<Deps>(options: EngineOptions<Deps>): Engine {
  const listeners = new Set<(event: RunEvent) => void>();
  const events: RunEvent[] = [];
  let promptCounter = 0;
  let controlWaiter: Waiter<ControlAction> | undefined;
  const promptWaiters = new Map<string, (answer: PromptAnswer) => void>();
  const stamp = () => new Date(options.now()).toISOString();

  function emit(event: RunEvent): void {
    events.push(event);
    for (const listener of listeners) listener(event);
  }

  function waitForControl(stepId: string, actions: ControlAction[], reason: 'before-step' | 'after-failure'): Promise<ControlAction> {
    // The waiter exists before anyone hears of it, so a listener may answer from inside emit().
    const chosen = new Promise<ControlAction>((resolve) => {
      controlWaiter = { resolve, accepts: (action) => actions.includes(action) };
    });
    emit({ type: 'awaiting-control', at: stamp(), stepId, actions, reason, commands: declareCommands(stepId) });
    return chosen;
  }

  function makeIO(step: StepDefinition): StepIO {
    const io: StepIO = {
      stepId: step.id,
      isDryRun: options.isDryRun,
      isInteractive: options.isInteractive,
      async ask(spec, auto) {
        if (!options.isInteractive) {
          if ('refuse' in auto) throw new RescueError(auto.refuse, { kind: 'operator', hint: auto.hint, exitCode: 2 });
          return auto;
        }
        promptCounter += 1;
        const prompt = { ...spec, id: `${step.id}#${promptCounter}`, stepId: step.id } as Prompt;
        const answered = new Promise<PromptAnswer>((resolve) => promptWaiters.set(prompt.id, resolve));
        emit({ type: 'prompt-opened', at: stamp(), prompt });
        const answer = await answered;
        if (answer.kind === 'cancel') throw new AbortedError(`question not answered: ${spec.message}`);
        return answer;
      },
      async confirm(message, expected) {
        if (!options.isInteractive) return;
        const answer = await io.ask({ kind: 'confirm-typed', message, expected }, { kind: 'confirm-typed', typed: expected });
        if (answer.kind !== 'confirm-typed' || answer.typed !== expected) throw new AbortedError(`not confirmed: ${step.title.toLowerCase()}`);
      },
      progress: (progress) => emit({ type: 'step-progress', at: stamp(), stepId: step.id, progress }),
      output: (line) => emit({ type: 'step-output', at: stamp(), stepId: step.id, line }),
      finding: (text, data) => emit({ type: 'finding', at: stamp(), stepId: step.id, text, data }),
      command: (command) => emit({ type: 'command', at: stamp(), stepId: step.id, command }),
    };
    return io;
  }

  function declareCommands(stepId: string): string[] {
    const step = options.runbook.steps.find((entry) => entry.id === stepId);
    return step ? options.renderCommands(step) : [];
  }

  function declare(step: StepDefinition): StepDecl {
    return { id: step.id, title: step.title, why: step.why, mutates: step.mutates, skippable: step.skippable, commands: options.renderCommands(step) };
  }

  function finishRun(exitCode: number, headline: string): number {
    const final = options.finish({ exitCode, headline });
    emit({ type: 'run-finished', at: stamp(), exitCode: final.exitCode, headline: final.headline, downtimeMs: final.downtimeMs, incidentDir: options.incidentDir });
    return final.exitCode;
  }

  // The state is read from the world when it can be (is the app running?): a failed read must not hide the failure.
  async function describeStateSafely(): Promise<string | undefined> {
    try {
      return await options.describeState?.();
    } catch (error) {
      return `(could not read the state: ${describeError(error).message})`;
    }
  }

  async function withState(headline: string): Promise<string> {
    const state = await describeStateSafely();
    return state ? `${headline}; ${state}` : headline;
  }

  // One attempt at a step: resolves with the outcome, or with the error it failed with (already reported).
  async function attempt(step: StepDefinition, impl: StepImpl<Deps>): Promise<{ outcome?: StepOutcome; error?: unknown }> {
    const started = options.now();
    emit({ type: 'step-started', at: stamp(), stepId: step.id, commands: options.renderCommands(step) });
    const io = makeIO(step);
    try {
      if (options.isDryRun && step.mutates) {
        if (!impl.plan) throw new RescueError(`step "${step.id}" cannot be dry-run`, { kind: 'bug' });
        const planned = await impl.plan(io, options.deps);
        emit({ type: 'step-not-performed', at: stamp(), stepId: step.id, summary: planned.summary, commands: planned.commands });
        return { outcome: planned };
      }
      const outcome = await impl.run(io, options.deps);
      emit({ type: 'step-succeeded', at: stamp(), stepId: step.id, durationMs: options.now() - started, summary: outcome.summary, data: outcome.data });
      return { outcome };
    } catch (error) {
      const described = describeError(error);
      const state = await describeStateSafely();
      emit({ type: 'step-failed', at: stamp(), stepId: step.id, durationMs: options.now() - started, message: described.message, hint: described.hint, state });
      return { error };
    }
  }

  // On resume: a step the journal calls done counts as done only if it proves so now.
  async function reverified(step: StepDefinition, impl: StepImpl<Deps>): Promise<{ isDone: boolean; outcome?: StepOutcome; error?: unknown }> {
    const past = options.resumeFrom?.get(step.id);
    if (!past || !impl.reverify) return { isDone: false };
    const started = options.now();
    emit({ type: 'step-started', at: stamp(), stepId: step.id, commands: options.renderCommands(step) });
    const io = makeIO(step);
    try {
      const outcome = await impl.reverify(io, options.deps, past);
      if (!outcome) {
        io.output('done before the interruption, but not in place now: running it again');
        return { isDone: false };
      }
      emit({ type: 'step-succeeded', at: stamp(), stepId: step.id, durationMs: options.now() - started, summary: `verified after the interruption: ${outcome.summary}`, data: outcome.data });
      return { isDone: true, outcome };
    } catch (error) {
      const described = describeError(error);
      emit({ type: 'step-failed', at: stamp(), stepId: step.id, durationMs: options.now() - started, message: described.message, hint: described.hint, state: await describeStateSafely() });
      return { isDone: false, error };
    }
  }

  async function run(): Promise<number> {
    const { runbook } = options;
    emit({
      type: 'run-started',
      at: stamp(),
      incidentId: options.incidentId,
      incidentDir: options.incidentDir,
      runbook: runbook.name,
      dryRun: options.isDryRun,
      target: options.target,
      steps: runbook.steps.map(declare),
    });

    for (const step of runbook.steps) {
      const impl = options.impls.get(step.uses);
      if (!impl) return finishRun(1, `no implementation for step kind "${step.uses}"`);

      const resumed = await reverified(step, impl);
      if (resumed.error) return finishRun(resumed.error instanceof RescueError ? resumed.error.exitCode : 1, await withState(`${step.title} could not be verified: ${describeError(resumed.error).message}`));
      if (resumed.outcome?.end) return finishRun(resumed.outcome.end.exitCode, resumed.outcome.end.headline);
      if (resumed.isDone) continue;

      if (options.isInteractive) {
        const action = await waitForControl(step.id, step.skippable ? ['continue', 'skip', 'quit'] : ['continue', 'quit'], 'before-step');
        if (action === 'quit') return finishRun(3, await withState(`aborted by the operator before "${step.title}"`));
        if (action === 'skip') {
          emit({ type: 'step-skipped', at: stamp(), stepId: step.id, reason: 'skipped by the operator' });
          continue;
        }
      }

      for (;;) {
        const { outcome, error } = await attempt(step, impl);
        if (outcome?.end) return finishRun(outcome.end.exitCode, outcome.end.headline);
        if (outcome) break;

        const exitCode = error instanceof RescueError ? error.exitCode : 1;
        const message = describeError(error).message;
        if (error instanceof AbortedError) return finishRun(3, await withState(`aborted: ${message}`));
        if (!options.isInteractive) return finishRun(exitCode, await withState(`${step.title} failed: ${message}`));
        const actions: ControlAction[] = step.skippable ? ['retry', 'skip', 'quit'] : ['retry', 'quit'];
        const action = await waitForControl(step.id, actions, 'after-failure');
        if (action === 'retry') continue;
        if (action === 'skip') {
          emit({ type: 'step-skipped', at: stamp(), stepId: step.id, reason: 'skipped by the operator after it failed' });
          break;
        }
        return finishRun(exitCode === 2 ? 2 : 1, await withState(`${step.title} failed: ${message}`));
      }
    }
    return finishRun(0, options.isDryRun ? 'dry-run complete: nothing was changed' : 'restored and verified');
  }

  return {
    run: () =>
      run().catch(async (error: unknown) => finishRun(1, await withState(`internal error: ${describeError(error).message}`))),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    answer(promptId, answer) {
      const resolve = promptWaiters.get(promptId);
      if (!resolve) return;
      promptWaiters.delete(promptId);
      emit({ type: 'prompt-answered', at: stamp(), promptId, answer });
      resolve(answer);
    },
    control(action) {
      if (!controlWaiter?.accepts(action)) return;
      const waiter = controlWaiter;
      controlWaiter = undefined;
      waiter.resolve(action);
    },
    history: () => events,
  };
}
