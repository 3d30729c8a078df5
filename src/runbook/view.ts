// RunView: what a screen shows, derived from events alone by reduceView (pure), so the TUI, a replay of
// events.ndjson and the tests all agree.
import type { CommandRecord, ControlAction, Prompt, ProgressInfo, RunEvent, StepDecl, StepStatus, StepVerdict } from './events.js';

export interface StepView extends StepDecl {
  status: StepStatus;
  startedAt?: string;
  durationMs?: number;
  /** One line: what the step found or did. */
  summary?: string;
  error?: { message: string; hint?: string; state?: string };
  /** Last lines of live output (at most OUTPUT_LINES). */
  output: string[];
  progress?: ProgressInfo;
  /**
   * What the running step waits on, since when (epoch ms, from the event's time) and until when at the latest; whether
   * the operator may stop it.
   */
  waiting?: { what: string; untilMs?: number; sinceMs?: number; isCancellable?: boolean };
  /** How what it found reads (a corrupt database is `bad` although the step succeeded). */
  verdict?: StepVerdict;
  /** Every line of output of the current attempt, the latest LOG_LINES of them, for the output view to scroll. */
  log?: string[];
  /** The actions the current attempt performed, as they ran (the latest RAN_COMMANDS). */
  ran?: CommandRecord[];
}

export interface RunSummary {
  exitCode: number;
  headline: string;
  downtimeMs?: number;
  incidentDir: string;
  /** Findings in the order they came. */
  findings: string[];
  /** Summaries of steps that changed something (or would have, in a dry-run). */
  actions: string[];
}

export interface RunView {
  incidentId: string;
  incidentDir: string;
  runbook: string;
  target: string;
  isDryRun: boolean;
  steps: StepView[];
  currentStepId?: string;
  prompt?: Prompt;
  /** Set while the engine waits for Enter / s / r / q: which of those it accepts now. */
  awaiting?: { stepId: string; actions: ControlAction[]; reason: 'before-step' | 'after-failure' };
  findings: string[];
  finished?: RunSummary;
}

export const OUTPUT_LINES = 8;
/** Caps on what a step keeps for the output view: enough for any listing a step prints, bounded for a chatty one. */
export const LOG_LINES = 2000;
export const RAN_COMMANDS = 500;

export const emptyView: RunView = {
  incidentId: '',
  incidentDir: '',
  runbook: '',
  target: '',
  isDryRun: false,
  steps: [],
  findings: [],
};

function updateStep(view: RunView, stepId: string, change: (step: StepView) => StepView): RunView {
  return { ...view, steps: view.steps.map((step) => (step.id === stepId ? change(step) : step)) };
}

function appendCapped<T>(list: T[] | undefined, item: T, cap: number): T[] {
  const next = [...(list ?? []), item];
  return next.length > cap ? next.slice(next.length - cap) : next;
}

function toWaiting(what: string, untilMs: number | undefined, at: string, isCancellable: boolean): NonNullable<StepView['waiting']> {
  const sinceMs = Date.parse(at);
  return {
    what,
    ...(untilMs === undefined ? {} : { untilMs }),
    ...(Number.isNaN(sinceMs) ? {} : { sinceMs }),
    ...(isCancellable ? { isCancellable: true } : {}),
  };
}

export function reduceView(view: RunView, event: RunEvent): RunView {
  switch (event.type) {
    case 'run-started':
      return {
        ...emptyView,
        incidentId: event.incidentId,
        incidentDir: event.incidentDir,
        runbook: event.runbook,
        target: event.target,
        isDryRun: event.dryRun,
        steps: event.steps.map((decl) => ({ ...decl, status: 'pending', output: [] })),
      };
    case 'awaiting-control':
      return {
        ...updateStep(view, event.stepId, (step) => ({ ...step, commands: event.commands ?? step.commands })),
        awaiting: { stepId: event.stepId, actions: event.actions, reason: event.reason },
        currentStepId: event.stepId,
      };
    case 'step-started':
      return {
        ...updateStep(view, event.stepId, (step) => ({
          ...step,
          status: 'running',
          startedAt: event.at,
          error: undefined,
          progress: undefined,
          output: [],
          log: undefined,
          ran: undefined,
          commands: event.commands ?? step.commands,
        })),
        awaiting: undefined,
        currentStepId: event.stepId,
      };
    case 'step-waiting':
      return updateStep(view, event.stepId, (step) => ({
        ...step,
        waiting: event.what === undefined ? undefined : toWaiting(event.what, event.untilMs, event.at, event.isCancellable === true),
      }));
    case 'step-progress':
      return updateStep(view, event.stepId, (step) => (step.status === 'running' ? { ...step, progress: event.progress } : step));
    case 'step-output':
      return updateStep(view, event.stepId, (step) => ({
        ...step,
        output: [...step.output, event.line].slice(-OUTPUT_LINES),
        log: appendCapped(step.log, event.line, LOG_LINES),
      }));
    case 'command':
      return updateStep(view, event.stepId, (step) => ({ ...step, ran: appendCapped(step.ran, event.command, RAN_COMMANDS) }));
    case 'finding':
      return { ...view, findings: [...view.findings, event.text] };
    case 'prompt-opened':
      return { ...view, prompt: event.prompt };
    case 'prompt-answered':
      return view.prompt?.id === event.promptId ? { ...view, prompt: undefined } : view;
    case 'step-succeeded':
      return updateStep(view, event.stepId, (step) => ({
        ...step,
        status: 'ok',
        durationMs: event.durationMs,
        summary: event.summary,
        progress: undefined,
        waiting: undefined,
        verdict: event.verdict,
      }));
    case 'step-planned':
      return updateStep(view, event.stepId, (step) => ({ ...step, commands: event.commands }));
    case 'listener-failed':
      return { ...view, findings: [...view.findings, `${event.listener} failed: ${event.message}`] };
    case 'step-not-performed':
      return updateStep(view, event.stepId, (step) => ({
        ...step,
        status: 'not-performed',
        summary: event.summary,
        commands: event.commands,
      }));
    case 'step-failed':
      return updateStep(view, event.stepId, (step) => ({
        ...step,
        status: 'failed',
        durationMs: event.durationMs,
        progress: undefined,
        waiting: undefined,
        error: { message: event.message, hint: event.hint, state: event.state },
      }));
    case 'step-skipped':
      return { ...updateStep(view, event.stepId, (step) => ({ ...step, status: 'skipped', summary: event.reason })), awaiting: undefined };
    case 'run-finished': {
      const actions = view.steps
        .filter((step) => step.mutates && (step.status === 'ok' || step.status === 'not-performed') && step.summary)
        .map((step) => (step.status === 'not-performed' ? `not performed: ${step.summary}` : (step.summary as string)));
      return {
        ...view,
        prompt: undefined,
        awaiting: undefined,
        currentStepId: undefined,
        finished: {
          exitCode: event.exitCode,
          headline: event.headline,
          downtimeMs: event.downtimeMs,
          incidentDir: event.incidentDir,
          findings: view.findings,
          actions,
        },
      };
    }
  }
}
