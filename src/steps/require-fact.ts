// A step that needs what an earlier step learned says which step that is, instead of failing obscurely.
import { RescueError } from '../runbook/errors.js';

export function requireFact<T>(value: T | undefined, what: string, stepId: string): T {
  if (value === undefined) {
    throw new RescueError(`${what} is not known yet`, {
      kind: 'operator',
      hint: `run the step "${stepId}" first (it was skipped or failed)`,
    });
  }
  return value;
}
