// Every exec and engine API call discovery makes goes through here: each is declared as an action (runbook/actions.ts),
// performed through the caller's performer (a step's io.perform, so the run's record holds it), and listed in the
// result with its exit code and duration, whether it succeeds, fails or throws.
import { randomBytes } from 'node:crypto';
import type { ContainerRuntime, ExecResult } from '../ports/container-runtime.js';
import type { ActionDecl } from '../runbook/actions.js';
import type { DiscoveryCommand, Perform } from './types.js';

export interface ApiCall {
  /** The request, e.g. ['GET', '/containers/ID/archive?path=/data']. */
  argv: string[];
  cli: string[];
  target: string;
  purpose: string;
}

// Without a step around it (scan), a declared action is simply run.
const runIt: Perform = (planned) => planned.perform(undefined as never);

export class CommandLog {
  readonly commands: DiscoveryCommand[] = [];
  private readonly perform: Perform;
  /** `bytes` unpredictable bytes as hex: the marks that end a script's answers, helper labels. */
  readonly token: (bytes: number) => string;

  constructor(onCommand?: (command: DiscoveryCommand) => void, perform?: Perform, token?: (bytes: number) => string) {
    this.onCommand = onCommand;
    this.perform = perform ?? runIt;
    this.token = token ?? ((bytes) => randomBytes(bytes).toString('hex'));
  }

  private readonly onCommand?: (command: DiscoveryCommand) => void;

  record(command: DiscoveryCommand): void {
    this.commands.push(command);
    this.onCommand?.(command);
  }

  /** An exec, recorded with its exit code; one that throws (container not running) is recorded with exit 1, then rethrown. */
  async exec(
    runtime: ContainerRuntime,
    target: { id: string; label: string; where: 'container' | 'helper' },
    argv: string[],
    purpose: string,
    timeoutMs: number,
  ): Promise<ExecResult> {
    const startedAt = Date.now();
    const action: ActionDecl = { kind: 'argv', where: target.where, container: target.label, argv, mutates: false };
    const base = { action, where: target.where, target: target.id, purpose, cli: ['docker', 'exec', target.label, ...argv] };
    try {
      const result = await this.perform({
        decl: action,
        perform: () => runtime.exec(target.id, argv, { timeoutMs }),
        exitCodeOf: (answer) => answer.exitCode,
      });
      this.record({ ...base, exitCode: result.exitCode, durationMs: result.durationMs });
      return result;
    } catch (error) {
      this.record({ ...base, exitCode: 1, durationMs: Date.now() - startedAt, error: messageOf(error) });
      throw error;
    }
  }

  /** An engine API call; `extra` adds what the answer says (bytes read). A throw is recorded with exit 1, then rethrown. */
  async api<T>(call: ApiCall, run: () => Promise<T>, extra?: (answer: T) => Partial<DiscoveryCommand>): Promise<T> {
    const startedAt = Date.now();
    const action: ActionDecl = { kind: 'call', where: 'engine', call: call.argv.join(' '), cli: call.cli, mutates: false };
    const base = { action, where: 'engine' as const, target: call.target, purpose: call.purpose, cli: call.cli };
    try {
      const answer = await this.perform({ decl: action, perform: run });
      this.record({ ...base, exitCode: 0, durationMs: Date.now() - startedAt, ...extra?.(answer) });
      return answer;
    } catch (error) {
      this.record({ ...base, exitCode: 1, durationMs: Date.now() - startedAt, error: messageOf(error) });
      throw error;
    }
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
