// The one event stream every view reads: the TUI reduces it to a RunView, --json prints it, the record stores it.
// Events are plain JSON (no class instances, no functions) so that a line of events.ndjson is one of these.
import type { ActionDecl } from './actions.js';

export type StepStatus = 'pending' | 'running' | 'ok' | 'failed' | 'skipped' | 'not-performed';

export interface ProgressInfo {
  done: number;
  total: number;
  unit: 'bytes' | 'files';
  /** Bytes (or files) per second over the step so far. */
  rate?: number;
  /** Seconds left at that rate. */
  etaSec?: number;
}

/** One action as it ran (see actions.ts): the declaration itself, never a shell string. */
export interface CommandRecord {
  action: ActionDecl;
  /**
   * `probe`: a read-only look a mutating step takes to make its plan (it runs in a dry-run too); `action`: one of the
   * step's declared actions; `verify`: a read-only look at what an action did; `cleanup`: putting back what a failed
   * step began (e.g. removing its helper container).
   */
  phase: 'probe' | 'action' | 'verify' | 'cleanup';
  /** The process's exit code for an argv; for a call 0 when it succeeded, 1 when it threw. */
  exitCode: number;
  durationMs: number;
  /** What the call threw, when it did. */
  error?: string;
}

export interface SelectOption {
  value: string;
  label: string;
  /** A second line in dim text: why it ranks where it does. */
  hint?: string;
}

/**
 * `path`: a local path typed (Tab completes it; empty means none), with found files offered as suggestions.
 * `secret`: typed masked (a key's passphrase); its answer is never journaled (prompt-answered carries no value).
 */
export type Prompt =
  | { kind: 'select'; id: string; stepId: string; message: string; options: SelectOption[]; initialIndex: number }
  | { kind: 'confirm-typed'; id: string; stepId: string; message: string; expected: string }
  | { kind: 'yes-no'; id: string; stepId: string; message: string; defaultYes: boolean }
  | { kind: 'path'; id: string; stepId: string; message: string; suggestions: SelectOption[]; isEmptyAllowed: boolean }
  | { kind: 'secret'; id: string; stepId: string; message: string };

/** `cancel` is Escape or q at a prompt: the engine treats it as the operator aborting. */
export type PromptAnswer =
  | { kind: 'select'; value: string }
  | { kind: 'confirm-typed'; typed: string }
  | { kind: 'yes-no'; yes: boolean }
  | { kind: 'path'; value: string }
  | { kind: 'secret'; value: string }
  | { kind: 'cancel' };

/** How a step's outcome reads beside its name: what it found, not only that it ran (a corrupt database is `bad`). */
export interface StepVerdict {
  tone: 'good' | 'bad' | 'warn';
  /** A few words: "corrupt (4 errors)", "healthy", "3 of 7 healthy". */
  label: string;
}

/**
 * What the operator can tell the engine when it waits between steps or after a failure; `cancel` stops the long work
 * a running step said may be stopped (a salvage), and the step goes on without it.
 */
export type ControlAction = 'continue' | 'skip' | 'retry' | 'quit' | 'cancel';

export interface StepDecl {
  id: string;
  title: string;
  why: string;
  mutates: boolean;
  skippable: boolean;
  /** The step's declared actions as command lines, with what the run knows so far (placeholders for the rest). */
  commands: string[];
}

export type RunEvent =
  | {
      type: 'run-started';
      at: string;
      incidentId: string;
      incidentDir: string;
      runbook: string;
      dryRun: boolean;
      target: string;
      steps: StepDecl[];
    }
  /** `commands` are the step's shell commands filled in with what the run knows by now. */
  | { type: 'step-started'; at: string; stepId: string; commands?: string[] }
  | { type: 'step-progress'; at: string; stepId: string; progress: ProgressInfo }
  | { type: 'step-output'; at: string; stepId: string; line: string }
  | { type: 'command'; at: string; stepId: string; command: CommandRecord }
  | { type: 'finding'; at: string; stepId: string; text: string; data?: unknown }
  | {
      type: 'awaiting-control';
      at: string;
      stepId: string;
      actions: ControlAction[];
      reason: 'before-step' | 'after-failure';
      commands?: string[];
    }
  | { type: 'prompt-opened'; at: string; prompt: Prompt }
  /** A secret's answer is recorded as `{ kind: 'secret', value: '' }`: what was typed never reaches a subscriber. */
  | { type: 'prompt-answered'; at: string; promptId: string; answer: PromptAnswer }
  | { type: 'step-succeeded'; at: string; stepId: string; durationMs: number; summary: string; data?: unknown; verdict?: StepVerdict }
  /**
   * A step waits on something slow: what, and when it ends at the latest (epoch ms), for a countdown ("the app has 10 s
   * to exit; docker kills it then"). `what` undefined: the wait is over.
   */
  | { type: 'step-waiting'; at: string; stepId: string; what?: string; untilMs?: number; isCancellable?: boolean }
  /** A mutating step's plan, made from read-only probes: exactly what it performs next (or, in a dry-run, would). */
  | { type: 'step-planned'; at: string; stepId: string; summary: string; commands: string[]; actions: ActionDecl[] }
  | { type: 'step-not-performed'; at: string; stepId: string; summary: string; commands: string[]; actions: ActionDecl[] }
  | { type: 'step-failed'; at: string; stepId: string; durationMs: number; message: string; hint?: string; state?: string }
  | { type: 'step-skipped'; at: string; stepId: string; reason: string }
  /** A subscriber (the incident record, a view) threw: the run stops at the next safe point and says so. */
  | { type: 'listener-failed'; at: string; listener: string; message: string }
  | { type: 'run-finished'; at: string; exitCode: number; headline: string; downtimeMs?: number; incidentDir: string };

export type RunEventType = RunEvent['type'];
