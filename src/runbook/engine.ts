// The state machine that runs a runbook. Pure: it knows steps only through StepImpl and the outside world only
// through the Deps it hands them, and reports everything as events. The TUI, --json, dry-run and drills are views
// of this one loop; there is no second code path.
import { displayLine, recordLine, sameAction, type ActionDecl } from './actions.js';
import { AbortedError, describeError, RescueError } from './errors.js';
import type {
  CommandRecord,
  ControlAction,
  Prompt,
  PromptAnswer,
  ProgressInfo,
  RunEvent,
  SelectOption,
  StepDecl,
  StepVerdict,
} from './events.js';
import type { Runbook, StepDefinition } from './types.js';

/** What a step ends with. `end` stops the runbook early with that exit code (e.g. "nothing to recover"). */
export interface StepOutcome {
  summary: string;
  /** How what it found reads beside its name (a corrupt database is `bad` although the step ran fine). */
  verdict?: StepVerdict;
  /** Plain data the journal keeps: what the step learned or did, read back on resume. */
  data?: unknown;
  end?: { exitCode: number; headline: string };
}

/** A declared action and how to perform it with the run's Deps. The declaration is what every view shows. */
export interface Planned<Deps, T = unknown> {
  decl: ActionDecl;
  perform(deps: Deps): Promise<T>;
  /** For an argv: its exit code in the result (a non-zero exit resolves; it is not a throw). */
  exitCodeOf?(result: T): number;
}

/** A mutating step's plan: made by read-only probes, then performed (or, in a dry-run, printed) as it stands. */
export interface Plan<Deps> {
  /** What the step will do, in a sentence: "would …" in a dry-run. */
  summary: string;
  actions: Array<Planned<Deps>>;
  /** What may run when the step fails part-way, to put back what it began (e.g. remove its helper container). */
  cleanup?: Array<Planned<Deps>>;
}

/** The prompts a step can ask; the engine gives each an id and its step. */
export type PromptSpec =
  | { kind: 'select'; message: string; options: SelectOption[]; initialIndex: number }
  | { kind: 'confirm-typed'; message: string; expected: string }
  | { kind: 'yes-no'; message: string; defaultYes: boolean }
  | { kind: 'path'; message: string; suggestions: SelectOption[]; isEmptyAllowed: boolean }
  | { kind: 'secret'; message: string };

/** How --yes answers a prompt: with this answer, or by refusing (exit 2) because the choice is not unambiguous. */
export type AutoAnswer = Exclude<PromptAnswer, { kind: 'cancel' }> | { refuse: string; hint?: string };

/** What a step may do besides reading its Deps: act on the world, talk to the operator, and report. */
export interface StepIO {
  stepId: string;
  isDryRun: boolean;
  /** False under --yes: no questions, the auto answers are taken. */
  isInteractive: boolean;
  /**
   * Performs one action and records it as a `command` event (the declaration, exit code, duration). A mutating
   * action outside a real run's apply() is a bug and is refused. Rejects with what the action threw.
   */
  perform<T>(planned: Planned<never, T>, phase?: CommandRecord['phase']): Promise<T>;
  ask(prompt: PromptSpec, auto: AutoAnswer): Promise<PromptAnswer>;
  /** Typed confirmation naming the target of a mutating step; resolves at once under --yes. */
  confirm(message: string, expected: string): Promise<void>;
  progress(progress: ProgressInfo): void;
  /**
   * Says what the step waits on and until when at the latest (epoch ms); `waiting()` says the wait is over.
   * `isCancellable`: the operator may stop it (control 'cancel' aborts `signal`).
   */
  waiting(what?: string, untilMs?: number, opts?: { isCancellable?: boolean }): void;
  /** Aborted when the operator cancels the long work this step said may be stopped. */
  signal: AbortSignal;
  output(line: string): void;
  finding(text: string, data?: unknown): void;
}

/**
 * A step kind. A read-only step has `run`; it runs in a dry-run too. A mutating step has `plan` (read-only probes,
 * then its actions as data) and `apply` (performs exactly those actions, in order, checking each): a dry-run prints
 * the plan instead, so the dry-run, the record and the run show the same commands.
 */
export interface StepImpl<Deps> {
  kind: string;
  mutates: boolean;
  run?(io: StepIO, deps: Deps): Promise<StepOutcome>;
  plan?(io: StepIO, deps: Deps): Promise<Plan<Deps>>;
  /** Performs plan.actions in order through io.perform (then, on failure, any of plan.cleanup). */
  apply?(io: StepIO, deps: Deps, plan: Plan<Deps>): Promise<StepOutcome>;
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
  /** A step's declared actions as command lines, with what the run knows so far. */
  renderCommands(step: StepDefinition): string[];
  /** Last word on the exit: dry-run maps an unhealthy target to 4, the downtime is measured by the steps. */
  finish(result: { exitCode: number; headline: string }): { exitCode: number; headline: string; downtimeMs?: number };
  /** When the run stops early: what state things are in and what to do (e.g. "the app is stopped: docker start X"). */
  describeState?(): Promise<string | undefined> | string | undefined;
  /** Resuming an interrupted run: the steps its journal says succeeded. */
  resumeFrom?: ReadonlyMap<string, PastStep>;
}

export interface Engine {
  /** Runs to the end and resolves with the exit code; never rejects, whatever a step or a subscriber throws. */
  run(): Promise<number>;
  /** `name` says who failed when the listener throws (e.g. "the incident record"). */
  subscribe(listener: (event: RunEvent) => void, name?: string): () => void;
  answer(promptId: string, answer: PromptAnswer): void;
  control(action: ControlAction): void;
  /** Events so far, for a view that subscribes late. */
  history(): readonly RunEvent[];
}

interface Waiter<T> {
  resolve(value: T): void;
  accepts(value: T): boolean;
}

interface Listener {
  fn: (event: RunEvent) => void;
  name: string;
}

/** The step performed something other than it declared: a bug in the step, never to be papered over. */
function undeclared(step: StepDefinition, performed: ActionDecl[], declared: ActionDecl[]): RescueError {
  const index = performed.findIndex((action, at) => !declared[at] || !sameAction(action, declared[at]));
  const what =
    index === -1
      ? `stopped after ${performed.length} of ${declared.length} declared actions`
      : `performed "${recordLine(performed[index])}" where it declared ${declared[index] ? `"${recordLine(declared[index])}"` : 'nothing more'}`;
  return new RescueError(`step "${step.id}" ${what}`, {
    kind: 'bug',
    hint: 'this is a bug in sqlite-rescue: the record above lists what really ran',
  });
}

export function createEngine<Deps>(options: EngineOptions<Deps>): Engine {
  const listeners = new Set<Listener>();
  const events: RunEvent[] = [];
  let promptCounter = 0;
  let controlWaiter: Waiter<ControlAction> | undefined;
  const promptWaiters = new Map<string, (answer: PromptAnswer) => void>();
  const stamp = () => new Date(options.now()).toISOString();
  /** The first subscriber failure: the run stops at the next step boundary. */
  let listenerFailure: { listener: string; message: string } | undefined;
  /** The running step's cancellation, for control('cancel'). */
  let running: AbortController | undefined;

  // A subscriber that throws (a full disk under the incident record) must not break the run: it is dropped, its
  // failure becomes an event for the others, and the loop stops at the next safe point.
  function emit(event: RunEvent): void {
    events.push(event);
    const failures: Array<{ listener: string; message: string }> = [];
    for (const listener of [...listeners]) {
      try {
        listener.fn(event);
      } catch (error) {
        listeners.delete(listener);
        failures.push({ listener: listener.name, message: describeError(error).message });
      }
    }
    for (const failure of failures) {
      listenerFailure ??= failure;
      emit({ type: 'listener-failed', at: stamp(), ...failure });
    }
  }

  function waitForControl(stepId: string, actions: ControlAction[], reason: 'before-step' | 'after-failure'): Promise<ControlAction> {
    // The waiter exists before anyone hears of it, so a listener may answer from inside emit().
    const chosen = new Promise<ControlAction>((resolve) => {
      controlWaiter = { resolve, accepts: (action) => actions.includes(action) };
    });
    emit({ type: 'awaiting-control', at: stamp(), stepId, actions, reason, commands: declareCommands(stepId) });
    return chosen;
  }

  /**
   * `mayMutate` is true only inside a real run's apply(); `performed` collects what the step did; `defaultPhase` is
   * what a perform is recorded as when the step does not say (a plan's calls are probes).
   */
  function makeIO(
    step: StepDefinition,
    access: { mayMutate: boolean; performed: ActionDecl[]; defaultPhase?: CommandRecord['phase']; cancel?: AbortController },
  ): StepIO {
    const io: StepIO = {
      stepId: step.id,
      isDryRun: options.isDryRun,
      isInteractive: options.isInteractive,
      async perform<T>(planned: Planned<never, T>, phase: CommandRecord['phase'] = access.defaultPhase ?? 'action'): Promise<T> {
        const mayMutateNow = access.mayMutate && (phase === 'action' || phase === 'cleanup');
        if (planned.decl.mutates && !mayMutateNow) {
          throw new RescueError(
            `step "${step.id}" tried to perform a mutating action as a ${phase}, or outside its apply(): ${recordLine(planned.decl)}`,
            { kind: 'bug' },
          );
        }
        const started = options.now();
        const record = (exitCode: number, error?: string) =>
          emit({
            type: 'command',
            at: stamp(),
            stepId: step.id,
            command: {
              action: planned.decl,
              phase,
              exitCode,
              durationMs: options.now() - started,
              ...(error === undefined ? {} : { error }),
            },
          });
        if (phase === 'action') access.performed.push(planned.decl);
        let result: T;
        try {
          result = await planned.perform(options.deps as never);
        } catch (error) {
          record(1, describeError(error).message);
          throw error;
        }
        record(planned.exitCodeOf ? planned.exitCodeOf(result) : 0);
        return result;
      },
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
        if (answer.kind !== 'confirm-typed' || answer.typed !== expected)
          throw new AbortedError(`not confirmed: ${step.title.toLowerCase()}`);
      },
      progress: (progress) => emit({ type: 'step-progress', at: stamp(), stepId: step.id, progress }),
      waiting: (what, untilMs, opts = {}) =>
        emit({
          type: 'step-waiting',
          at: stamp(),
          stepId: step.id,
          ...(what === undefined ? {} : { what }),
          ...(untilMs === undefined ? {} : { untilMs }),
          ...(opts.isCancellable ? { isCancellable: true } : {}),
        }),
      signal: access.cancel?.signal ?? new AbortController().signal,
      output: (line) => emit({ type: 'step-output', at: stamp(), stepId: step.id, line }),
      finding: (text, data) => emit({ type: 'finding', at: stamp(), stepId: step.id, text, data }),
    };
    return io;
  }

  function declareCommands(stepId: string): string[] {
    const step = options.runbook.steps.find((entry) => entry.id === stepId);
    return step ? options.renderCommands(step) : [];
  }

  function declare(step: StepDefinition): StepDecl {
    const mutates = options.impls.get(step.uses)?.mutates ?? false;
    return { id: step.id, title: step.title, why: step.why, mutates, skippable: step.skippable, commands: options.renderCommands(step) };
  }

  function finishRun(exitCode: number, headline: string): number {
    const final = options.finish({ exitCode, headline });
    emit({
      type: 'run-finished',
      at: stamp(),
      exitCode: final.exitCode,
      headline: final.headline,
      downtimeMs: final.downtimeMs,
      incidentDir: options.incidentDir,
    });
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

  // A mutating step: plan (probes only), then apply exactly that plan, or print it in a dry-run.
  async function planAndApply(step: StepDefinition, impl: StepImpl<Deps>, started: number): Promise<StepOutcome> {
    if (!impl.plan || !impl.apply) throw new RescueError(`step kind "${impl.kind}" mutates but has no plan/apply`, { kind: 'bug' });
    const plan = await impl.plan(makeIO(step, { mayMutate: false, performed: [], defaultPhase: 'probe' }), options.deps);
    const actions = plan.actions.map((planned) => planned.decl);
    const commands = actions.map(displayLine);
    if (options.isDryRun) {
      emit({ type: 'step-not-performed', at: stamp(), stepId: step.id, summary: plan.summary, commands, actions });
      return { summary: plan.summary };
    }
    emit({ type: 'step-planned', at: stamp(), stepId: step.id, summary: plan.summary, commands, actions });
    const performed: ActionDecl[] = [];
    let outcome: StepOutcome;
    try {
      outcome = await impl.apply(makeIO(step, { mayMutate: true, performed }), options.deps, plan);
    } catch (error) {
      // A failure part-way is fine as long as what ran is the start of the plan.
      const isPrefix = performed.every((action, index) => actions[index] !== undefined && sameAction(action, actions[index]));
      throw isPrefix ? error : undeclared(step, performed, actions);
    }
    if (performed.length !== actions.length || !performed.every((action, index) => sameAction(action, actions[index])))
      throw undeclared(step, performed, actions);
    emit(succeeded(step, started, outcome));
    return outcome;
  }

  function succeeded(step: StepDefinition, started: number, outcome: StepOutcome, prefix = ''): RunEvent {
    return {
      type: 'step-succeeded',
      at: stamp(),
      stepId: step.id,
      durationMs: options.now() - started,
      summary: `${prefix}${outcome.summary}`,
      data: outcome.data,
      ...(outcome.verdict ? { verdict: outcome.verdict } : {}),
    };
  }

  // One attempt at a step: resolves with the outcome, or with the error it failed with (already reported).
  async function attempt(step: StepDefinition, impl: StepImpl<Deps>): Promise<{ outcome?: StepOutcome; error?: unknown }> {
    const started = options.now();
    emit({ type: 'step-started', at: stamp(), stepId: step.id, commands: options.renderCommands(step) });
    running = new AbortController();
    try {
      if (impl.mutates) return { outcome: await planAndApply(step, impl, started) };
      if (!impl.run) throw new RescueError(`step kind "${impl.kind}" has no run`, { kind: 'bug' });
      const outcome = await impl.run(makeIO(step, { mayMutate: false, performed: [], cancel: running }), options.deps);
      emit(succeeded(step, started, outcome));
      return { outcome };
    } catch (error) {
      const described = describeError(error);
      const state = await describeStateSafely();
      emit({
        type: 'step-failed',
        at: stamp(),
        stepId: step.id,
        durationMs: options.now() - started,
        message: described.message,
        hint: described.hint,
        state,
      });
      return { error };
    }
  }

  // On resume: a step the journal calls done counts as done only if it proves so now.
  async function reverified(
    step: StepDefinition,
    impl: StepImpl<Deps>,
  ): Promise<{ isDone: boolean; outcome?: StepOutcome; error?: unknown }> {
    const past = options.resumeFrom?.get(step.id);
    if (!past || !impl.reverify) return { isDone: false };
    const started = options.now();
    emit({ type: 'step-started', at: stamp(), stepId: step.id, commands: options.renderCommands(step) });
    const io = makeIO(step, { mayMutate: false, performed: [] });
    try {
      const outcome = await impl.reverify(io, options.deps, past);
      if (!outcome) {
        io.output('done before the interruption, but not in place now: running it again');
        return { isDone: false };
      }
      emit(succeeded(step, started, outcome, 'verified after the interruption: '));
      return { isDone: true, outcome };
    } catch (error) {
      const described = describeError(error);
      emit({
        type: 'step-failed',
        at: stamp(),
        stepId: step.id,
        durationMs: options.now() - started,
        message: described.message,
        hint: described.hint,
        state: await describeStateSafely(),
      });
      return { isDone: false, error };
    }
  }

  function stoppedByListener(): string | undefined {
    return listenerFailure ? `stopped: ${listenerFailure.listener} failed (${listenerFailure.message})` : undefined;
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

    let previous: StepDefinition | undefined;
    for (const step of runbook.steps) {
      const impl = options.impls.get(step.uses);
      // A step in the same window as the one before it follows at once: the window was confirmed as a whole.
      const isInsideWindow = step.window !== undefined && previous?.window === step.window;
      previous = step;
      if (!impl) return finishRun(1, `no implementation for step kind "${step.uses}"`);
      const stopped = stoppedByListener();
      if (stopped) return finishRun(1, await withState(stopped));

      const resumed = await reverified(step, impl);
      if (resumed.error)
        return finishRun(
          resumed.error instanceof RescueError ? resumed.error.exitCode : 1,
          await withState(`${step.title} could not be verified: ${describeError(resumed.error).message}`),
        );
      if (resumed.outcome?.end) return finishRun(resumed.outcome.end.exitCode, resumed.outcome.end.headline);
      if (resumed.isDone) continue;

      if (options.isInteractive && !isInsideWindow) {
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
        if (!options.isInteractive || listenerFailure) return finishRun(exitCode, await withState(`${step.title} failed: ${message}`));
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
    const stopped = stoppedByListener();
    if (stopped) return finishRun(1, await withState(stopped));
    return finishRun(0, options.isDryRun ? 'dry-run complete: nothing was changed' : 'restored and verified');
  }

  return {
    async run() {
      try {
        return await run();
      } catch (error) {
        // Even the last word may fail to reach a broken subscriber: the exit code still does.
        try {
          return finishRun(1, await withState(`internal error: ${describeError(error).message}`));
        } catch {
          return 1;
        }
      }
    },
    subscribe(fn, name = 'a subscriber') {
      const listener = { fn, name };
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    answer(promptId, answer) {
      const resolve = promptWaiters.get(promptId);
      if (!resolve) return;
      promptWaiters.delete(promptId);
      // What was typed at a secret prompt goes to the step alone, never into the event stream (the record, --json).
      emit({ type: 'prompt-answered', at: stamp(), promptId, answer: answer.kind === 'secret' ? { kind: 'secret', value: '' } : answer });
      resolve(answer);
    },
    control(action) {
      if (action === 'cancel') {
        running?.abort();
        return;
      }
      if (!controlWaiter?.accepts(action)) return;
      const waiter = controlWaiter;
      controlWaiter = undefined;
      waiter.resolve(action);
    },
    history: () => events,
  };
}
