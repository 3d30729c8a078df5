// The shipped runbook, all its steps, through the real engine against the fakes: the whole recovery, non-interactive,
// as restore.ts composes it (declarations rendered for the views, the dry-run verdict decided at the end).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { displayLine } from '../../src/runbook/actions.js';
import { createEngine } from '../../src/runbook/engine.js';
import type { RunEvent } from '../../src/runbook/events.js';
import { parseRunbook } from '../../src/runbook/loader.js';
import type { Deps } from '../../src/steps/deps.js';
import { decideRunEnd } from '../../src/steps/dry-run-verdict.js';
import { stepKinds } from '../../src/steps/index.js';
import { describeRunState } from '../../src/steps/run-state.js';
import { INCIDENT_ID, makeDeps, type TestWorld } from './make-deps.js';
import { DB, LOCAL, setUpOutage } from './outage.js';

const RUNBOOK = fileURLToPath(new URL('../../runbooks/sqlite-wal-restore.yaml', import.meta.url));

export async function restore(world: TestWorld, isDryRun = false): Promise<{ exitCode: number; events: readonly RunEvent[] }> {
  const { facts } = world;
  const engine = createEngine<Deps>({
    runbook: parseRunbook(readFileSync(RUNBOOK, 'utf8'), RUNBOOK, [...stepKinds.keys()]),
    impls: stepKinds,
    deps: world.deps,
    incidentId: INCIDENT_ID,
    incidentDir: world.deps.incident.dir,
    target: 'app:/data/app.db',
    isDryRun,
    isInteractive: false,
    now: world.clock.now,
    renderCommands: (step) => (stepKinds.get(step.uses)?.declare(world.deps) ?? []).map(displayLine),
    finish: (result) => ({
      ...decideRunEnd(result, {
        isDryRun,
        liveVerdict: facts.live?.verdict,
        sourcePath: facts.source?.path,
        noSourceReason: facts.noSourceReason,
        blockers: facts.dryRunBlockers ?? [],
      }),
      downtimeMs: facts.stoppedAt !== undefined && facts.startedAt !== undefined ? facts.startedAt - facts.stoppedAt : undefined,
    }),
    describeState: () => describeRunState(facts),
  });
  const exitCode = await engine.run();
  return { exitCode, events: engine.history() };
}

export function outage(opts: { overSsh?: boolean } = {}): TestWorld & { old: Record<string, Buffer> } {
  const world = makeDeps({ container: 'app', db: DB, local: LOCAL }, {}, opts);
  setUpOutage(world);
  world.runtime.appWritesTo('app', `${DB}-wal`);
  const old = Object.fromEntries(
    ['app.db', 'app.db-wal', 'app.db-shm'].map((name) => [name, world.runtime.fileAt('app', `/data/${name}`)?.content as Buffer]),
  );
  return { ...world, old };
}
