// What stop-app changed to keep every writer down for the downtime window, and whether it was put back: restart
// policies set to `no` (so a daemon restart mid-window cannot revive a writer), or a Swarm service scaled to 0. Written
// to the incident folder before the first change and read back by a resumed run, which must put back what was found,
// never what it finds (the policy it reads then is the `no` this run set).
import type { RestartPolicy } from '../ports/container-runtime.js';
import type { Deps } from './deps.js';
import { restartFlag } from './port-actions.js';

export const DOWNTIME_RECORD = 'downtime-window.json';

export const NO_RESTART: RestartPolicy = { name: 'no', maximumRetryCount: 0 };

export interface PolicyRecord {
  id: string;
  name: string;
  /** As it was before the stop. */
  policy: RestartPolicy;
}

export interface DowntimeRecord {
  /** Every writer's restart policy as found; those not `no` are set to `no` until start-app puts them back. */
  policies: PolicyRecord[];
  /** A Swarm service scaled to 0: its replica count before. */
  service?: { id: string; name: string; replicas: number };
  /** When it was all put back; absent while the window is open. */
  restoredAt?: string;
}

/** The record an earlier attempt of this incident wrote; undefined when none was. */
export async function readDowntimeRecord(deps: Pick<Deps, 'incidentFiles'>): Promise<DowntimeRecord | undefined> {
  const text = await deps.incidentFiles.readText(DOWNTIME_RECORD);
  return text === null ? undefined : (JSON.parse(text) as DowntimeRecord);
}

/** Writes it and keeps it in the facts, so the run's state can say what is still changed. */
export async function writeDowntimeRecord(deps: Pick<Deps, 'incidentFiles' | 'facts'>, record: DowntimeRecord): Promise<void> {
  deps.facts.downtime = record;
  await deps.incidentFiles.writeText(DOWNTIME_RECORD, `${JSON.stringify(record, null, 2)}\n`);
}

/** The policies that were changed for the window (those that were not `no` already). */
export function changedPolicies(record: DowntimeRecord | undefined): PolicyRecord[] {
  return (record?.policies ?? []).filter((entry) => entry.policy.name !== 'no');
}

export function describePolicies(entries: PolicyRecord[]): string {
  return entries.map((entry) => `${entry.name}: ${restartFlag(entry.policy)}`).join(', ');
}
