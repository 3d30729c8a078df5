// How long a writer is given to exit when it is stopped, decided before the stop from what the engine and PID 1 say.
// Pure: table-driven tests pin every rule. Docker's own default is 10 s; a container may set its own (`--stop-timeout`,
// Compose `stop_grace_period`); the operator may override both (--stop-timeout N). A PID 1 that does not catch SIGTERM
// (a shell script, `node app.js` without an init) is never asked by it: the kernel drops SIGTERM for a namespace's init,
// so docker would wait the whole timeout and then kill it. Such an app is stopped with a short grace instead: the
// same end, without the dead wait.
import type { ContainerStateName, Pid1SignalsReading } from '../ports/container-runtime.js';

/** What `docker stop` waits when neither the container nor the operator says otherwise. */
export const DOCKER_DEFAULT_STOP_SEC = 10;
/** The grace of a PID 1 that cannot hear SIGTERM: a handler it installed since the reading still gets a moment. */
export const SHORT_GRACE_SEC = 1;

export interface StopInput {
  name: string;
  state: ContainerStateName;
  /** Config.StopTimeout; null when unset. */
  stopTimeout: number | null;
  /** Config.StopSignal; null when unset (SIGTERM). */
  stopSignal: string | null;
  /** What PID 1 does with SIGTERM; null when it was not read (the container does not run). */
  pid1: Pid1SignalsReading | null;
  /** --stop-timeout N. */
  flagSec?: number;
  /** A Swarm task is stopped by Swarm, with the service's grace, when its service is scaled to 0; only a kill is ours. */
  isSwarmTask?: boolean;
}

export interface StopTiming {
  /** The `t` of the stop call. */
  timeoutSec: number;
  /** The grace the app would have had: its own StopTimeout or docker's 10 s, or what --stop-timeout said. */
  fullSec: number;
  /** PID 1 is known not to catch SIGTERM (ignored, or left at the default a PID 1 never acts on). */
  isDeaf: boolean;
  /** The stop takes no time: the container does not run (a crash loop between two attempts, or exited). */
  isNotRunning: boolean;
  /** Why, in a sentence the operator reads before the stop. */
  reason: string;
}

const TERM_NAMES = new Set(['SIGTERM', 'TERM', '15']);

/** PID 1's command as a person recognises it: the script a shell runs, else the whole command line. */
export function describePid1Command(command: string[]): string {
  const shells = new Set(['sh', 'bash', 'dash', 'ash', 'zsh']);
  const interpreter = command[0]?.split('/').pop() ?? '';
  if (shells.has(interpreter) && command.length > 1 && !command[1].startsWith('-')) return command.slice(1).join(' ');
  return command.length > 0 ? command.join(' ') : 'PID 1';
}

export function decideStopTiming(input: StopInput): StopTiming {
  const ownSec = input.stopTimeout ?? DOCKER_DEFAULT_STOP_SEC;
  const own = input.stopTimeout === null ? `docker's default ${DOCKER_DEFAULT_STOP_SEC} s` : `its own stop timeout of ${ownSec} s`;
  const fullSec = input.flagSec ?? ownSec;
  const signals = input.pid1?.known ? input.pid1.signals : undefined;
  const stopsWithTerm = input.stopSignal === null || TERM_NAMES.has(input.stopSignal.toUpperCase());
  const isDeaf = signals !== undefined && stopsWithTerm && !signals.catchesSigterm;
  const pid1 = signals ? `PID 1 \`${describePid1Command(signals.command)}\`` : 'PID 1';
  const base = { fullSec, isDeaf, isNotRunning: false };
  if (input.state !== 'running') {
    const why =
      input.state === 'restarting' ? 'it is between two crashes: the stop cancels the restart docker has scheduled' : 'nothing in it runs';
    return { ...base, timeoutSec: fullSec, isDeaf: false, isNotRunning: true, reason: `${input.name} is ${input.state}: ${why}` };
  }
  if (input.isSwarmTask) {
    if (isDeaf)
      return {
        ...base,
        fullSec: ownSec,
        timeoutSec: 0,
        reason:
          `${pid1} ignores SIGTERM: Swarm would wait ${ownSec} s and then kill its task; it is killed as soon as the service is ` +
          `scaled to 0`,
      };
    return {
      ...base,
      fullSec: ownSec,
      timeoutSec: ownSec,
      reason:
        `${pid1}${signals ? ' handles SIGTERM' : ' may handle SIGTERM'}: Swarm gives its task ${own} to exit once the service is ` +
        `scaled to 0`,
    };
  }
  if (input.flagSec !== undefined) {
    const note = isDeaf ? `; ${pid1} ignores SIGTERM, so all ${input.flagSec} s pass before docker kills it` : '';
    return {
      ...base,
      timeoutSec: input.flagSec,
      reason: `--stop-timeout ${input.flagSec}: ${input.name} gets ${input.flagSec} s to exit${note}`,
    };
  }
  if (isDeaf) {
    const ignores = signals?.ignoresSigterm
      ? 'ignores SIGTERM'
      : 'ignores SIGTERM (it installs no handler, and the kernel drops it for a PID 1)';
    return {
      ...base,
      timeoutSec: SHORT_GRACE_SEC,
      reason: `${pid1} ${ignores}: docker would wait ${ownSec} s and then kill it; it is killed after a ${SHORT_GRACE_SEC} s grace instead`,
    };
  }
  if (!stopsWithTerm)
    return { ...base, timeoutSec: fullSec, reason: `${input.name} stops on ${input.stopSignal}, not SIGTERM: it gets ${own} to exit` };
  if (!signals) {
    const why = input.pid1 && !input.pid1.known ? input.pid1.reason : 'it was not read';
    return { ...base, timeoutSec: fullSec, reason: `whether PID 1 handles SIGTERM is unknown (${why}): ${input.name} gets ${own} to exit` };
  }
  return { ...base, timeoutSec: fullSec, reason: `${pid1} handles SIGTERM: ${input.name} gets ${own} to exit` };
}

/** What the stop costs at the least and at the most, in seconds, for the downtime question. */
export function stopSeconds(timing: StopTiming): { likely: number; atMost: number } {
  if (timing.isNotRunning) return { likely: 0, atMost: 0 };
  if (timing.isDeaf) return { likely: timing.timeoutSec, atMost: timing.timeoutSec };
  // An app that handles SIGTERM usually exits within a second; it may take all of its grace.
  return { likely: 1, atMost: timing.timeoutSec };
}
