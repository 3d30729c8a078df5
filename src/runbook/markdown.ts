// A runbook as Markdown, for when the tool itself cannot run: every step's why and the commands to type by hand,
// from the same declarations the run performs.
import type { Runbook, StepDefinition } from './types.js';

/** What a step kind declares, as `runbook print` shows it. */
export interface PrintedStep {
  mutates: boolean;
  commands: string[];
}

export function runbookToMarkdown(runbook: Runbook, describe: (step: StepDefinition) => PrintedStep): string {
  const lines = [
    `# ${runbook.title}`,
    '',
    `Runbook \`${runbook.name}\`. Placeholders in angle brackets: fill them in. Steps marked ⚠ change something.`,
    '',
  ];
  runbook.steps.forEach((step, index) => {
    const { mutates, commands } = describe(step);
    lines.push(`## ${index + 1}. ${step.title}${mutates ? ' ⚠' : ''}`, '', step.why, '', '```sh', ...commands, '```', '');
  });
  return lines.join('\n');
}
