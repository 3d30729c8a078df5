// Parses and validates a runbook's YAML text. Pure: the caller reads the file. A bad runbook fails with a
// message naming the file, the step and the field, so whoever edited it can fix it at 2 a.m.
import { parse } from 'yaml';
import { z } from 'zod';
import { RescueError } from './errors.js';
import type { Runbook } from './types.js';

const stepSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case words joined by dashes'),
  uses: z.string().min(1),
  title: z.string().min(1),
  why: z.string().min(1),
  skippable: z.boolean().default(false),
  window: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case words joined by dashes')
    .optional(),
});

const runbookSchema = z.strictObject({
  name: z.string().min(1),
  title: z.string().min(1),
  steps: z.array(z.unknown()).min(1),
});

export class RunbookError extends RescueError {
  constructor(message: string) {
    super(message, {
      kind: 'operator',
      exitCode: 2,
      hint: 'fix the runbook file, or print the built-in one with `sqlite-rescue runbook print`',
    });
    this.name = 'RunbookError';
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.length > 0 ? issue.path.join('.') : '(top level)';
  if (issue.code === 'invalid_type' && issue.message.includes('undefined')) return `field "${field}" is missing`;
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((key) => `"${key}"`).join(', ')}`;
  return `field "${field}": ${issue.message}`;
}

export function parseRunbook(text: string, source: string, knownKinds: readonly string[]): Runbook {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new RunbookError(`${source}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const top = runbookSchema.safeParse(document);
  if (!top.success) throw new RunbookError(`${source}: ${describeIssue(top.error.issues[0])}`);

  const seen = new Set<string>();
  const steps = top.data.steps.map((raw, index) => {
    const label = typeof (raw as { id?: unknown })?.id === 'string' ? `step "${(raw as { id: string }).id}"` : `step ${index + 1}`;
    const parsed = stepSchema.safeParse(raw);
    if (!parsed.success) throw new RunbookError(`${source}: ${label}: ${describeIssue(parsed.error.issues[0])}`);
    const step = parsed.data;
    if (!knownKinds.includes(step.uses)) {
      throw new RunbookError(`${source}: ${label}: field "uses": unknown step kind "${step.uses}" (known: ${knownKinds.join(', ')})`);
    }
    if (seen.has(step.id)) throw new RunbookError(`${source}: ${label}: field "id": used twice`);
    seen.add(step.id);
    return step;
  });
  return { name: top.data.name, title: top.data.title, source, steps };
}
