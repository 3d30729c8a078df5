// Every exec and engine API call discovery makes goes through here, so each one is recorded (argv, where, exit code,
// duration) whether it succeeds, fails or throws: the run's record lists them all.
import type { ContainerRuntime, ExecResult } from '../ports/container-runtime.js';
import type { DiscoveryCommand } from './types.js';

export interface ApiCall {
  /** The request, e.g. ['GET', '/containers/ID/archive?path=/data']. */
  argv: string[];
  cli: string[];
  target: string;
  purpose: string;
}

export class CommandLog {
  readonly commands: DiscoveryCommand[] = [];

  constructor(private readonly onCommand?: (command: DiscoveryCommand) => void) {}

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
    const cli = ['docker', 'exec', target.label, ...argv];
    try {
      const result = await runtime.exec(target.id, argv, { timeoutMs });
      this.record({ argv, where: target.where, exitCode: result.exitCode, durationMs: result.durationMs, target: target.id, purpose, cli });
      return result;
    } catch (error) {
      const durationMs = Date.now() - startedAt;
      this.record({ argv, where: target.where, exitCode: 1, durationMs, target: target.id, purpose, cli, error: messageOf(error) });
      throw error;
    }
  }

  /** An engine API call; `extra` adds what the answer says (bytes read). A throw is recorded with exit 1, then rethrown. */
  async api<T>(call: ApiCall, run: () => Promise<T>, extra?: (answer: T) => Partial<DiscoveryCommand>): Promise<T> {
    const startedAt = Date.now();
    try {
      const answer = await run();
      this.record({ ...call, where: 'engine', exitCode: 0, durationMs: Date.now() - startedAt, ...extra?.(answer) });
      return answer;
    } catch (error) {
      this.record({ ...call, where: 'engine', exitCode: 1, durationMs: Date.now() - startedAt, error: messageOf(error) });
      throw error;
    }
  }
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
