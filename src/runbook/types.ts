// A runbook as loaded from runbooks/*.yaml: declarations only, no behaviour.

export interface StepDefinition {
  id: string;
  /** Which step implementation runs it: a file under src/steps/. */
  uses: string;
  title: string;
  why: string;
  mutates: boolean;
  skippable: boolean;
  /** Shell commands an operator would type by hand, with <placeholders>. */
  commands: string[];
}

export interface Runbook {
  name: string;
  title: string;
  /** Where it was loaded from, for messages. */
  source: string;
  steps: StepDefinition[];
}
