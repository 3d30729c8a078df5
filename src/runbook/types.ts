// A runbook as loaded from runbooks/*.yaml: the order of the steps and what an operator reads of each. Whether a
// step changes anything and what it runs are declared once, by its step kind in src/steps/.

export interface StepDefinition {
  id: string;
  /** Which step implementation runs it: a file under src/steps/. */
  uses: string;
  title: string;
  why: string;
  skippable: boolean;
  /**
   * Steps that share a window run as one: the first waits for the operator as any step does, the rest follow
   * without pausing (the downtime window: stop, swap, start). Its confirmation is the first step's.
   */
  window?: string;
}

export interface Runbook {
  name: string;
  title: string;
  /** Where it was loaded from, for messages. */
  source: string;
  steps: StepDefinition[];
}
