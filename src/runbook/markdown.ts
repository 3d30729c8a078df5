// A runbook as Markdown, for when the tool itself cannot run: every step's why and the commands to type by hand.
import type { Runbook } from './types.js';

export function runbookToMarkdown(runbook: Runbook): string {
  const lines = [`# ${runbook.title}`, '', `Runbook \`${runbook.name}\`. Placeholders in angle brackets: fill them in. Steps marked ⚠ change something.`, ''];
  runbook.steps.forEach((step, index) => {
    lines.push(`## ${index + 1}. ${step.title}${step.mutates ? ' ⚠' : ''}`, '', step.why, '', '```sh', ...step.commands, '```', '');
  });
  return lines.join('\n');
}
