// Issue 13 through the steps: check-live-db diagnoses the damage on a copy, choose-source offers the repaired,
// salvaged and merged candidates beside the healthy copies, each with the rows it lacks, and picks as the operator or
// --yes / --source say. The fake inspector models rows as keys, so every loss is an exact number.
import { describe, expect, it } from 'vitest';
import { checkLiveDb } from '../../src/steps/check-live-db.js';
import { chooseSource } from '../../src/steps/choose-source.js';
import type { RestoreOptions } from '../../src/steps/deps.js';
import { fakeRowsDb, type FakeRowsState } from '../fakes/fake-sqlite-inspector.js';
import { makeDeps, type TestWorld } from '../fakes/make-deps.js';
import { DB, LOCAL, settleTarget } from '../fakes/outage.js';
import { runSteps } from '../fakes/run-step.js';
import type { Prompt, PromptAnswer } from '../../src/runbook/events.js';

// Production held posts 1…1000 and users 1…50 before the damage; the day-old local copy has posts 1…800, users 1…50.
const DAY_OLD: FakeRowsState = { tables: { posts: 800, users: 50 }, note: 'day-old copy' };

async function outage(live: FakeRowsState, options: RestoreOptions = {}): Promise<TestWorld> {
  const world = makeDeps({ container: 'app', db: DB, ...options });
  world.runtime.addContainer({
    name: 'app',
    labels: { 'coolify.pullRequestId': '0' },
    mounts: [{ destination: '/data', volume: 'app-data' }],
  });
  world.runtime.putFile('app', DB, fakeRowsDb(live));
  world.files.put(LOCAL, fakeRowsDb(DAY_OLD), '2024-12-31T18:00:00.000Z');
  await settleTarget(world);
  world.facts.backups = [];
  return world;
}

const indexOnly: FakeRowsState = {
  tables: { posts: 1000, users: 50 },
  indexErrors: ['wrong # of entries in index posts_by_author'],
  damagedIndexes: { posts_by_author: 'posts' },
};
// Two leaves among the newest posts destroyed: keys 901…950 cannot be read.
const tableDamage: FakeRowsState = {
  tables: { posts: 1000, users: 50 },
  errors: ['Tree 2 page 100: btreeInitPage() returns error code 11'],
  unreadable: { posts: [[901, 950]] },
};

const options = (world: TestWorld) => world.facts.sources?.map((source) => [source.id, source.loss?.totalMissing ?? null]);

describe('rescue candidates', () => {
  it('index-only damage, --yes: the repair loses nothing and is taken; nothing is salvaged', async () => {
    const world = await outage(indexOnly, { local: LOCAL });
    const run = await runSteps([checkLiveDb, chooseSource], world.deps);
    expect(run.exitCode).toBe(0);
    expect(run.findings).toContain('damage: 1 index damaged, every table intact');
    expect(world.facts.source).toMatchObject({
      id: 'repaired',
      kind: 'repaired',
      tables: { posts: 1000, users: 50 },
      loss: { totalMissing: 0 },
    });
    // The day-old copy lacks the 200 newest posts the damaged database still holds.
    expect(options(world)).toEqual([
      ['repaired', 0],
      ['local', 200],
    ]);
    expect(world.sqlite.calls.map((call) => call.method)).not.toContain('salvage');
    expect(run.findings).toContain('data loss: restoring the repaired loses nothing the damaged database still holds');
    expect(run.events.find((event) => event.type === 'step-succeeded' && event.stepId === 'choose-source')).toMatchObject({
      verdict: { tone: 'good', label: 'repaired: loses nothing' },
    });
  });

  it('table damage, at the terminal: salvaged and merged offered beside the local copy, least loss preselected', async () => {
    const world = await outage(tableDamage, { local: LOCAL });
    const prompts: Prompt[] = [];
    const answer = (prompt: Prompt): PromptAnswer => {
      prompts.push(prompt);
      return prompt.kind === 'select' ? { kind: 'select', value: prompt.options[prompt.initialIndex].value } : { kind: 'cancel' };
    };
    const run = await runSteps([checkLiveDb, chooseSource], world.deps, { answer });
    expect(run.exitCode).toBe(0);
    expect(run.findings).toContain('damage: table posts: 1 page unreadable');
    // The reference is the salvage: 950 posts (1…900, 951…1000) and 50 users. The merge brings back 801…900 and
    // 951…1000 on top of the copy's 1…800: it lacks nothing the damaged database still holds, and nothing of the
    // copy's; at the same loss it comes before the salvage, which holds only what the damaged database still holds.
    expect(options(world)).toEqual([
      ['merged', 0],
      ['salvaged', 0],
      ['local', 150],
    ]);
    expect(run.output).toContain('no repair: table(s) posts damaged, so a repair would lose rows');
    const select = prompts.find((prompt) => prompt.kind === 'select' && prompt.stepId === 'choose-source');
    expect(select?.kind === 'select' && select.options.map((option) => option.value)).toEqual(['merged', 'salvaged', 'local']);
    expect(select?.kind === 'select' && select.options[select.initialIndex].value).toBe('merged');
    expect(world.facts.sources?.find((source) => source.id === 'merged')).toMatchObject({
      tables: { posts: 950, users: 50 },
      mergedFrom: {
        base: 'local',
        perTable: { posts: { fromHealthy: 800, fromSalvage: 150 }, users: { fromHealthy: 50, fromSalvage: 0 } },
      },
    });
  });

  it('table damage, --yes: the healthy copy, never a salvage (it may hold rows the app had deleted)', async () => {
    const world = await outage(tableDamage, { local: LOCAL });
    const run = await runSteps([checkLiveDb, chooseSource], world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.facts.source?.id).toBe('local');
    expect(world.sqlite.calls.map((call) => call.method)).not.toContain('salvage');
  });

  it('--source merged under --yes: merged is built and taken', async () => {
    const world = await outage(tableDamage, { local: LOCAL, source: 'merged' });
    const run = await runSteps([checkLiveDb, chooseSource], world.deps);
    expect(run.exitCode).toBe(0);
    expect(world.facts.source).toMatchObject({ id: 'merged', tables: { posts: 950, users: 50 }, loss: { totalMissing: 0 } });
    expect(run.findings.find((text) => text.startsWith('data loss:'))).toBe(
      'data loss: restoring the merged loses nothing the damaged database still holds',
    );
  });

  it('--source repaired when a table is damaged: refused with why, nothing chosen', async () => {
    const world = await outage(tableDamage, { local: LOCAL, source: 'repaired' });
    const run = await runSteps([checkLiveDb, chooseSource], world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.failed?.message).toBe(
      '--source repaired: cannot restore from it: no repair: table(s) posts damaged, so a repair would lose rows',
    );
    expect(world.facts.source).toBeUndefined();
  });

  it('a long salvage shows itself as cancellable; cancelling goes on without the salvaged and merged candidates', async () => {
    const world = await outage(tableDamage, { local: LOCAL });
    const release = world.sqlite.holdSalvages();
    let cancelled = false;
    const answer = (prompt: Prompt): PromptAnswer =>
      prompt.kind === 'select' ? { kind: 'select', value: prompt.options[prompt.initialIndex].value } : { kind: 'cancel' };
    const running = runSteps([checkLiveDb, chooseSource], world.deps, {
      answer,
      onEvent: (event, engine) => {
        if (event.type === 'step-waiting' && event.isCancellable && !cancelled) {
          cancelled = true;
          setImmediate(() => engine.control('cancel'));
        }
      },
    });
    const run = await running;
    release();
    expect(cancelled).toBe(true);
    expect(run.exitCode).toBe(0);
    expect(run.output).toContain('the salvage was stopped by the operator: no salvaged or merged candidate');
    expect(world.facts.sources?.map((source) => source.id)).toEqual(['local']);
  });

  it('a database with no readable row: said, and the healthy copy is what remains', async () => {
    const world = await outage(
      { tables: { posts: 1000 }, errors: ['Tree 2 page 2: btreeInitPage() returns error code 11'], unreadable: { posts: [[1, 1000]] } },
      { local: LOCAL, source: 'salvaged' },
    );
    const run = await runSteps([checkLiveDb, chooseSource], world.deps);
    expect(run.exitCode).toBe(2);
    expect(run.output).toContain('no salvage: no row of any table can be read: every table is unreadable from its first row');
  });
});
