// A step kind as this runbook's steps implement it: the engine's StepImpl, plus its actions declared for the views.
import type { ActionDecl } from '../runbook/actions.js';
import type { StepImpl } from '../runbook/engine.js';
import type { Deps, Known } from './deps.js';

export interface StepKind extends StepImpl<Deps> {
  /**
   * The step's actions with what the run knows so far (placeholders such as <container> for the rest), for
   * `runbook print` and the TUI before the step runs. Built from the same constructors run() and plan() use.
   */
  declare(known: Known): ActionDecl[];
}
