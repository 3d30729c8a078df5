// What a step does to the world, declared as data before it is done. The run performs these declarations, the
// dry-run prints them, `runbook print`, the TUI's command box and the record show them: one declaration, many views.
// Pure: rendering only, no I/O.
import { shellLine } from './shell-line.js';

/** Where an action runs: this machine, the SSH server's shell, inside the app's container, inside a helper, or the engine's API. */
export type ActionWhere = 'local' | 'host' | 'container' | 'helper' | 'engine';

/**
 * A process run with this argv (never a shell string): inside a container or helper (`container` names it), on the
 * SSH server (`host`), or on this machine (`local`).
 */
export interface ArgvAction {
  kind: 'argv';
  where: 'local' | 'host' | 'container' | 'helper';
  /** The container or helper the argv runs in, by name. */
  container?: string;
  argv: string[];
  mutates: boolean;
  /** Set when the action runs only under a condition the step states, e.g. "when quick_check passes". */
  when?: string;
}

/**
 * A call into an API (the Docker engine's, SFTP, SQLite's through better-sqlite3), named as the call, with what an
 * operator could type for the same effect. The CLI line is an equivalent, not what ran.
 */
export interface CallAction {
  kind: 'call';
  where: 'local' | 'host' | 'engine';
  /** The call itself, e.g. `POST /containers/{id}/stop?t=10`, `SFTP put …`, `better-sqlite3 backup …`. */
  call: string;
  /** The CLI equivalent, as argv. */
  cli: string[];
  mutates: boolean;
  when?: string;
}

export type ActionDecl = ArgvAction | CallAction;

/** What an operator could paste to do the same by hand. */
export function commandLine(action: ActionDecl): string {
  if (action.kind === 'call') return shellLine(action.cli);
  if ((action.where === 'container' || action.where === 'helper') && action.container)
    return shellLine(['docker', 'exec', action.container, ...action.argv]);
  return shellLine(action.argv);
}

/** The line the TUI's command box and a dry-run show: the command, and the condition it runs under. */
export function displayLine(action: ActionDecl): string {
  return action.when ? `${commandLine(action)}   # ${action.when}` : commandLine(action);
}

/** The record's line: what ran, where, and for an API call its CLI equivalent marked as such. */
export function recordLine(action: ActionDecl): string {
  if (action.kind === 'call')
    return `${action.where === 'engine' ? 'engine API' : action.where}: ${action.call}  (CLI equivalent: ${shellLine(action.cli)})`;
  const where = action.container ? `${action.where} ${action.container}` : action.where;
  return `${where}: ${shellLine(action.argv)}`;
}

/** Two declarations are the same action when everything an operator reads of them is the same. */
export function sameAction(a: ActionDecl, b: ActionDecl): boolean {
  return recordLine(a) === recordLine(b) && a.mutates === b.mutates;
}
