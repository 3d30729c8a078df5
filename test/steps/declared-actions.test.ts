// One declaration per step: the dry-run prints exactly what the run performs. The same outage is run twice against
// the fakes, once as a dry-run and once for real, locally and over --host; every mutating step's printed plan must
// equal the actions the real run performed, command for command, and every read-only step before the first change
// must run the same commands in both.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recordLine, type ActionDecl } from '../../src/runbook/actions.js';
import { parseRunbook } from '../../src/runbook/loader.js';
import type { RunEvent } from '../../src/runbook/events.js';
import { stepKinds } from '../../src/steps/index.js';
import type { TestWorld } from '../fakes/make-deps.js';
import { DB } from '../fakes/outage.js';
import { ALWAYS, composeReplicas, crashLooping, DEAF_PID1, realApp, serviceWrites, swarmApp } from '../fakes/real-apps.js';
import { outage, restore } from '../fakes/run-runbook.js';

// The restore runbook's mutating steps (the registry also holds backup's, which this runbook does not use).
const RESTORE_RUNBOOK = new URL('../../runbooks/sqlite-wal-restore.yaml', import.meta.url);
const MUTATING = parseRunbook(readFileSync(RESTORE_RUNBOOK, 'utf8'), 'sqlite-wal-restore.yaml', [...stepKinds.keys()])
  .steps.filter((step) => stepKinds.get(step.uses)?.mutates)
  .map((step) => step.uses);
const READ_ONLY_BEFORE_CHANGES = ['find-container', 'check-live-db', 'test-backups', 'choose-source', 'snapshot-source'];

function printedPlans(events: readonly RunEvent[]): Map<string, string[]> {
  return new Map(
    events.flatMap((event) => (event.type === 'step-not-performed' ? [[event.stepId, event.actions.map(recordLine)] as const] : [])),
  );
}

function performed(events: readonly RunEvent[], phase: 'action' | 'probe'): Map<string, string[]> {
  const byStep = new Map<string, string[]>();
  for (const event of events) {
    if (event.type !== 'command' || event.command.phase !== phase) continue;
    byStep.set(event.stepId, [...(byStep.get(event.stepId) ?? []), recordLine(event.command.action)]);
  }
  return byStep;
}

describe.each([
  ['on the local engine', false],
  ['over --host', true],
])('dry-run and run %s', (_where, overSsh) => {
  it('every mutating step performs exactly the plan the dry-run printed', async () => {
    const dry = await restore(outage({ overSsh }), true);
    const real = await restore(outage({ overSsh }), false);
    expect(real.exitCode).toBe(0);
    expect(dry.exitCode).toBe(4);
    const printed = printedPlans(dry.events);
    const done = performed(real.events, 'action');
    expect([...printed.keys()]).toEqual(MUTATING);
    for (const step of MUTATING) expect({ step, commands: done.get(step) }).toEqual({ step, commands: printed.get(step) });
    // The plans were made by the same probes in both runs.
    const dryProbes = performed(dry.events, 'probe');
    const realProbes = performed(real.events, 'probe');
    expect(dryProbes.get('stage-in-container')).toEqual(realProbes.get('stage-in-container'));
  });

  it('every read-only step runs the same commands in the dry-run as in the run', async () => {
    const dry = performed((await restore(outage({ overSsh }), true)).events, 'action');
    const real = performed((await restore(outage({ overSsh }), false)).events, 'action');
    for (const step of READ_ONLY_BEFORE_CHANGES) expect({ step, commands: dry.get(step) }).toEqual({ step, commands: real.get(step) });
  });

  it('the TUI announces the plan before the step performs it, and the record holds what ran, no shell string', async () => {
    const { events } = await restore(outage({ overSsh }), false);
    const planned = events.filter((event): event is Extract<RunEvent, { type: 'step-planned' }> => event.type === 'step-planned');
    expect(planned.map((event) => event.stepId)).toEqual(MUTATING);
    const actions: ActionDecl[] = events.flatMap((event) => (event.type === 'command' ? [event.command.action] : []));
    // API calls are named as the call, with the CLI equivalent beside it; no argv holds a pipe or a shell string.
    for (const action of actions) {
      if (action.kind === 'call') expect(action.call).not.toMatch(/^(docker|scp|sqlite3) /);
      else expect(action.argv.some((arg) => arg === '|' || arg === '&&')).toBe(false);
    }
    const upload = actions.find((action) => action.kind === 'call' && action.call.startsWith('SFTP'));
    expect(upload !== undefined).toBe(overSsh);
  });
});

// Issue 12's paths: an app between two crashes, a PID 1 deaf to SIGTERM under `always`, a Swarm service, Compose
// replicas. The restart policy changes, the short grace, the scale to 0 and back are declared like every other action.
function writing(world: TestWorld, container: string): TestWorld {
  world.runtime.appWritesTo(container, `${DB}-wal`);
  return world;
}

describe.each<[string, () => TestWorld]>([
  ['a crash-looping app', () => writing(crashLooping(), 'app')],
  ['a PID 1 that ignores SIGTERM, restart policy always', () => writing(realApp({ pid1: DEAF_PID1, restartPolicy: ALWAYS }), 'app')],
  [
    'a one-replica Swarm service',
    () => {
      const world = swarmApp();
      serviceWrites(world, 'app', `${DB}-wal`);
      return world;
    },
  ],
  ['Compose replicas on one database', () => writing(composeReplicas(), 'shop-web-1')],
])('dry-run and run of %s', (_name, build) => {
  it('every mutating step performs exactly the plan the dry-run printed', async () => {
    const dry = await restore(build(), true);
    const real = await restore(build(), false);
    expect(real.events.find((event) => event.type === 'step-failed')).toBeUndefined();
    expect(real.exitCode).toBe(0);
    expect(dry.exitCode).toBe(4);
    const printed = printedPlans(dry.events);
    const done = performed(real.events, 'action');
    expect([...printed.keys()]).toEqual(MUTATING);
    for (const step of MUTATING) expect({ step, commands: done.get(step) }).toEqual({ step, commands: printed.get(step) });
    // A change to a restart policy or a replica count is declared in the plan of the step that makes it.
    const changes = [...done.values()].flat().filter((line) => /\/update|\/kill\?/.test(line));
    expect(changes.length).toBeGreaterThan(0);
  });
});
