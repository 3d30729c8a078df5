// Builders for the views and events the component tests render; one realistic restore run.
import type { RunEvent, StepDecl, StepStatus } from '../../src/runbook/events.js';
import type { StepView } from '../../src/runbook/view.js';

const AT = '2025-01-01T02:00:00.000Z';

export const RESTORE_STEPS: StepDecl[] = [
  {
    id: 'find-container',
    title: 'Find the container',
    why: 'Several containers may match (PR previews); the one running with the database mounted is the production app.',
    mutates: false,
    skippable: false,
    commands: ['docker ps --filter name=app'],
  },
  {
    id: 'check-live',
    title: 'Check the live database',
    why: 'integrity_check tells us whether the live file is really corrupt before anything is touched.',
    mutates: false,
    skippable: true,
    commands: ['docker exec app-prod sqlite3 /data/app.db "PRAGMA integrity_check"'],
  },
  {
    id: 'copy-local',
    title: 'Upload the healthy local copy',
    why: 'The local snapshot passed integrity_check; it goes beside the live file under a temporary name.',
    mutates: true,
    skippable: false,
    commands: ['docker cp ./app.snapshot.db app-prod:/data/app.db.rescue-tmp'],
  },
  {
    id: 'swap',
    title: 'Swap in the verified copy',
    why: 'The corrupt file and its -wal/-shm move to quarantine, then the verified copy is renamed into place.',
    mutates: true,
    skippable: false,
    commands: [
      'docker stop app-prod',
      'mv /data/app.db /data/quarantine/',
      'mv /data/app.db.rescue-tmp /data/app.db',
      'docker start app-prod',
    ],
  },
  {
    id: 'verify-writes',
    title: 'Prove the app writes again',
    why: 'A write after the restart shows the app is back.',
    mutates: false,
    skippable: true,
    commands: [],
  },
];

export function stepView(index: number, status: StepStatus, extra: Partial<StepView> = {}): StepView {
  return { ...RESTORE_STEPS[index], status, output: [], ...extra };
}

export const runStarted = (dryRun = false): RunEvent => ({
  type: 'run-started',
  at: AT,
  incidentId: '20250101T020000Z',
  incidentDir: './incidents/20250101T020000Z',
  runbook: 'restore-from-local',
  dryRun,
  target: 'my-alias › app-prod:/data/app.db',
  steps: RESTORE_STEPS,
});

export const stepStarted = (stepId: string): RunEvent => ({ type: 'step-started', at: AT, stepId });
