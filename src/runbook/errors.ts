// Errors split three ways (as cli-kit does): the operator's to fix, an external system failing, and our bugs.
// Operator and external errors carry a hint: the next thing to type or check. Only bugs print a stack.

export type ErrorKind = 'operator' | 'external' | 'bug';

export class RescueError extends Error {
  readonly kind: ErrorKind;
  readonly hint?: string;
  /** Exit code the CLI uses when this error ends the run. */
  readonly exitCode: number;

  constructor(message: string, opts: { kind?: ErrorKind; hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'RescueError';
    this.kind = opts.kind ?? 'external';
    this.hint = opts.hint;
    this.exitCode = opts.exitCode ?? 1;
  }
}

/** A usage mistake or an ambiguity the operator must settle: exit 2. */
export class UsageError extends RescueError {
  constructor(message: string, hint?: string) {
    super(message, { kind: 'operator', hint, exitCode: 2 });
    this.name = 'UsageError';
  }
}

/** No Docker engine answered. */
export class RuntimeUnavailableError extends RescueError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super(message, { kind: 'external', hint, cause });
    this.name = 'RuntimeUnavailableError';
  }
}

export class ContainerNotFoundError extends RescueError {
  constructor(idOrName: string) {
    super(`no container named or with id "${idOrName}"`, {
      kind: 'operator',
      hint: 'list containers with `docker ps -a` and pass --container NAME',
      exitCode: 2,
    });
    this.name = 'ContainerNotFoundError';
  }
}

/** The app's image cannot run the helper used to rename files while the app is stopped. */
export class HelperUnavailableError extends RescueError {
  constructor(message: string, hint?: string, cause?: unknown) {
    super(message, { kind: 'external', hint, cause });
    this.name = 'HelperUnavailableError';
  }
}

/** The operator pressed q or Escape at a question. */
export class AbortedError extends RescueError {
  constructor(message = 'aborted by the operator') {
    super(message, { kind: 'operator', exitCode: 3 });
    this.name = 'AbortedError';
  }
}

// Lower-case context in front of a cause, as lazydocker does: "copy into container: <cause>".
export function describeError(error: unknown): { message: string; hint?: string; kind: ErrorKind } {
  if (error instanceof RescueError) return { message: error.message, hint: error.hint, kind: error.kind };
  if (error instanceof Error) return { message: error.message, kind: 'bug' };
  return { message: String(error), kind: 'bug' };
}
