// Where backup's commands run and what they are called: in the app's container when its image has sqlite3 and a
// shell, otherwise in a helper from the sqlite3 tool image on the app's volumes (SQLite's locks are kernel locks on the
// volume's files, so that sqlite3 reads the live database as safely as the app's own). Shared by the backup steps.
import type { StepIO } from '../runbook/engine.js';
import type { BackupPlace, BackupWay } from './backup-facts.js';
import { targetRef } from './check-live-db.js';
import { dirname, join } from './container-paths.js';
import type { Deps } from './deps.js';
import type { Target } from './facts.js';
import { helperRef } from './helpers.js';
import { PROBE_SCRIPT, TOOLS } from './image-tools.js';
import { execIn, type ContainerRef } from './port-actions.js';
import { isMissingBinary } from './sqlite-cli.js';

/** find-container's TOOLS and what backup's commands need beyond them, probed the same way in one exec. */
export const BACKUP_TOOLS: readonly string[] = [...new Set(['sh', ...TOOLS, 'ln', 'timeout', 'sync'])];
/** Without these in the app's image, the backup runs in the tool helper. */
export const CONTAINER_WAY_NEEDS = ['sh', 'sqlite3', 'ln', 'mv', 'rm', 'mkdir'];
/** The tool image is busybox and sqlite3: it has them all. */
const TOOL_HELPER_TOOLS: string[] = [...BACKUP_TOOLS];

export function backupsDir(dbPath: string): string {
  return join(dirname(dbPath), 'backups');
}

/** Names the helper before it exists, so every command that uses it can name it in the plan. */
export function backupHelperName(target: Pick<Target, 'containerName'>, incidentId: string): string {
  return `${target.containerName}-rescue-${incidentId}-backup`
    .replace(/[^a-zA-Z0-9_.-]+/g, '-')
    .replace(/^[^a-zA-Z0-9]+/, '')
    .slice(0, 120);
}

export function wayFor(tools: readonly string[]): BackupWay {
  return CONTAINER_WAY_NEEDS.every((tool) => tools.includes(tool)) ? 'container' : 'helper';
}

/** Which of BACKUP_TOOLS the app's image has: one exec of find-container's probe script (an image without sh has none). */
export async function probeBackupTools(io: StepIO, ref: ContainerRef): Promise<string[]> {
  const result = await io.perform(execIn(ref, ['sh', '-c', PROBE_SCRIPT, 'sh', ...BACKUP_TOOLS.filter((tool) => tool !== 'sh')]));
  if (isMissingBinary(result) || result.exitCode !== 0) return [];
  const found = new Set(result.stdout.split('\n').map((line) => line.trim()));
  return BACKUP_TOOLS.filter((tool) => tool === 'sh' || found.has(tool));
}

/** Where the backup's commands run: the container or helper, and what it has. */
export interface Runner {
  ref: ContainerRef;
  where: 'container' | 'helper';
  tools: string[];
}

export function runnerFor(place: Pick<BackupPlace, 'way' | 'tools'>, target: Target, incidentId: string): Runner {
  if (place.way === 'container') return { ref: targetRef(target), where: 'container', tools: place.tools };
  return { ref: helperRef(backupHelperName(target, incidentId)), where: 'helper', tools: TOOL_HELPER_TOOLS };
}

export function hasBackupTool(runner: Runner, tool: string): boolean {
  return runner.tools.includes(tool);
}

export function describeWay(way: BackupWay, image: string): string {
  return way === 'container' ? 'sqlite3 in the container' : `sqlite3 in a helper container from ${image}`;
}

/** Keeps the facts of Deps but gives it `known` values for a declaration made before the step runs. */
export function placeOrDefault(deps: Pick<Deps, 'facts'>, dbPath: string): Pick<BackupPlace, 'way' | 'dir' | 'tools'> {
  return deps.facts.backupPlace ?? { way: 'container', dir: backupsDir(dbPath), tools: [...BACKUP_TOOLS] };
}

/** The same StepIO, its performs recorded as `verify`: the read-only looks an apply() takes between its actions. */
export function verifying(io: StepIO): StepIO {
  return { ...io, perform: (planned, phase = 'verify') => io.perform(planned, phase) };
}
