import { describe, expect, it, vi } from 'vitest';
import type { ActionDecl } from '../../src/runbook/actions.js';
import { createEngine, type Engine, type Plan, type Planned, type StepImpl, type StepIO } from '../../src/runbook/engine.js';
import { RescueError } from '../../src/runbook/errors.js';
import type { RunEvent } from '../../src/runbook/events.js';
import type { StepDefinition } from '../../src/runbook/types.js';

interface Deps {
  log: string[];
}

/** An action that logs its argv when performed. */
function logged(argv: string[], mutates = true): Planned<Deps, string> {
  const decl: ActionDecl = { kind: 'argv', where: 'container', container: 'app', argv, mutates };
  return { decl, perform: async (deps) => (deps.log.push(`perform ${argv.join(' ')}`), argv.join(' ')) };
}

interface StepSpec {
  id: string;
  mutates?: boolean;
  skippable?: boolean;
  run?: (io: StepIO, deps: Deps) => Promise<{ summary: string; end?: { exitCode: number; headline: string } }>;
  plan?: StepImpl<Deps>['plan'];
  apply?: StepImpl<Deps>['apply'];
}

// A mutating step by default plans one action and applies it.
const defaultPlan = (id: string) => async (): Promise<Plan<Deps>> => ({ summary: `change ${id}`, actions: [logged(['change', id])] });
async function applyAll(io: StepIO, _deps: Deps, plan: Plan<Deps>) {
  for (const action of plan.actions) await io.perform(action);
  return { summary: plan.summary };
}

function setUp(specs: StepSpec[], opts: { isInteractive?: boolean; isDryRun?: boolean; state?: string } = {}) {
  const deps: Deps = { log: [] };
  const steps: StepDefinition[] = specs.map((spec) => ({
    id: spec.id,
    uses: spec.id,
    title: `Step ${spec.id}`,
    why: 'why',
    skippable: spec.skippable ?? false,
  }));
  const impls = new Map<string, StepImpl<Deps>>(
    specs.map((spec) => [
      spec.id,
      spec.mutates
        ? { kind: spec.id, mutates: true, plan: spec.plan ?? defaultPlan(spec.id), apply: spec.apply ?? applyAll }
        : {
            kind: spec.id,
            mutates: false,
            run: async (io, d) => {
              d.log.push(`run ${spec.id}`);
              return spec.run ? spec.run(io, d) : { summary: `${spec.id} done` };
            },
          },
    ]),
  );
  let now = Date.parse('2025-01-01T02:00:00.000Z');
  const engine = createEngine<Deps>({
    runbook: { name: 'demo', title: 'Demo', source: 'demo.yaml', steps },
    impls,
    deps,
    incidentId: 'I1',
    incidentDir: '/inc/I1',
    target: 'app',
    isDryRun: opts.isDryRun ?? false,
    isInteractive: opts.isInteractive ?? false,
    now: () => (now += 10),
    renderCommands: (step) => [`do ${step.id} (rendered)`],
    finish: (result) => ({ ...result, downtimeMs: 42 }),
    describeState: opts.state === undefined ? undefined : () => opts.state,
  });
  return { engine, deps };
}

const types = (engine: Engine) => engine.history().map((event) => event.type);
const finished = (engine: Engine) => engine.history().at(-1) as Extract<RunEvent, { type: 'run-finished' }>;

// Waits (a tick at a time) until the engine has emitted an event matching `predicate` after `skip` such events.
async function until(engine: Engine, predicate: (event: RunEvent) => boolean, nth = 1): Promise<RunEvent> {
  for (let tick = 0; tick < 200; tick += 1) {
    const matches = engine.history().filter(predicate);
    if (matches.length >= nth) return matches[nth - 1];
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`no such event; got ${types(engine).join(', ')}`);
}

const awaiting =
  (stepId: string, reason = 'before-step') =>
  (event: RunEvent) =>
    event.type === 'awaiting-control' && event.stepId === stepId && event.reason === reason;

describe('createEngine, non-interactive', () => {
  it('runs every step and ends with exit 0', async () => {
    const { engine, deps } = setUp([{ id: 'a' }, { id: 'b', mutates: true }]);
    expect(await engine.run()).toBe(0);
    expect(deps.log).toEqual(['run a', 'perform change b']);
    expect(types(engine)).toEqual([
      'run-started',
      'step-started',
      'step-succeeded',
      'step-started',
      'step-planned',
      'command',
      'step-succeeded',
      'run-finished',
    ]);
    const [started] = engine.history();
    expect(started).toMatchObject({ type: 'run-started', incidentId: 'I1', runbook: 'demo', dryRun: false, target: 'app' });
    expect(started.type === 'run-started' && started.steps.map((step) => step.commands)).toEqual([
      ['do a (rendered)'],
      ['do b (rendered)'],
    ]);
    expect(finished(engine)).toMatchObject({ exitCode: 0, headline: 'restored and verified', downtimeMs: 42, incidentDir: '/inc/I1' });
  });

  it('stops at a failing step with exit 1; later steps never start', async () => {
    const { engine, deps } = setUp(
      [
        { id: 'a' },
        {
          id: 'b',
          run: async () => {
            throw new RescueError('disk full', { hint: 'free some space' });
          },
        },
        { id: 'c' },
      ],
      { state: 'the app is STOPPED: docker start app' },
    );
    expect(await engine.run()).toBe(1);
    expect(deps.log).toEqual(['run a', 'run b']);
    expect(engine.history().some((event) => event.type === 'step-started' && event.stepId === 'c')).toBe(false);
    expect(engine.history().find((event) => event.type === 'step-failed')).toMatchObject({
      stepId: 'b',
      message: 'disk full',
      hint: 'free some space',
      state: 'the app is STOPPED: docker start app',
    });
    expect(finished(engine).headline).toBe('Step b failed: disk full; the app is STOPPED: docker start app');
  });

  it('a failing step keeps the exit code of its error', async () => {
    const { engine } = setUp([
      {
        id: 'a',
        run: async () => {
          throw new RescueError('bad flag', { exitCode: 2 });
        },
      },
    ]);
    expect(await engine.run()).toBe(2);
  });

  it('a plain Error (a bug) fails the step with exit 1', async () => {
    const { engine } = setUp([
      {
        id: 'a',
        run: async () => {
          throw new TypeError('x is undefined');
        },
      },
    ]);
    expect(await engine.run()).toBe(1);
    expect(engine.history().find((event) => event.type === 'step-failed')).toMatchObject({ message: 'x is undefined', hint: undefined });
  });

  it('a refusing auto answer exits 2 with its reason and hint', async () => {
    const { engine } = setUp([
      {
        id: 'pick',
        run: async (io) => {
          await io.ask(
            {
              kind: 'select',
              message: 'Which?',
              options: [
                { value: 'x', label: 'x' },
                { value: 'y', label: 'y' },
              ],
              initialIndex: 0,
            },
            { refuse: 'two look like production', hint: 'pass --container' },
          );
          return { summary: 'picked' };
        },
      },
    ]);
    expect(await engine.run()).toBe(2);
    expect(engine.history().find((event) => event.type === 'step-failed')).toMatchObject({
      message: 'two look like production',
      hint: 'pass --container',
    });
    expect(types(engine)).not.toContain('prompt-opened');
  });

  it('takes the auto answer without asking', async () => {
    let got: unknown;
    const { engine } = setUp([
      {
        id: 'a',
        run: async (io) => {
          got = await io.ask({ kind: 'yes-no', message: '?', defaultYes: false }, { kind: 'yes-no', yes: true });
          await io.confirm('Type app', 'app');
          return { summary: 'ok' };
        },
      },
    ]);
    expect(await engine.run()).toBe(0);
    expect(got).toEqual({ kind: 'yes-no', yes: true });
    expect(types(engine)).not.toContain('prompt-opened');
  });

  it('an outcome with `end` stops the run early with its exit code', async () => {
    const { engine, deps } = setUp([
      { id: 'a', run: async () => ({ summary: 'healthy', end: { exitCode: 0, headline: 'nothing to recover' } }) },
      { id: 'b' },
    ]);
    expect(await engine.run()).toBe(0);
    expect(deps.log).toEqual(['run a']);
    expect(types(engine)).toEqual(['run-started', 'step-started', 'step-succeeded', 'run-finished']);
    expect(finished(engine).headline).toBe('nothing to recover');
  });

  it('reports progress, output, findings and performed actions as events of the step', async () => {
    const { engine } = setUp([
      {
        id: 'a',
        run: async (io) => {
          io.progress({ done: 1, total: 2, unit: 'files' });
          io.output('line');
          io.finding('found', { n: 1 });
          await io.perform(logged(['ls'], false));
          return { summary: 'ok' };
        },
      },
    ]);
    await engine.run();
    expect(engine.history().slice(2, 6)).toMatchObject([
      { type: 'step-progress', stepId: 'a', progress: { done: 1, total: 2, unit: 'files' } },
      { type: 'step-output', stepId: 'a', line: 'line' },
      { type: 'finding', stepId: 'a', text: 'found', data: { n: 1 } },
      {
        type: 'command',
        stepId: 'a',
        command: { action: { kind: 'argv', argv: ['ls'], where: 'container' }, phase: 'action', exitCode: 0 },
      },
    ]);
  });

  it('a read-only step cannot perform a mutating action: refused as a bug, nothing performed', async () => {
    const { engine, deps } = setUp([{ id: 'a', run: async (io) => ({ summary: await io.perform(logged(['rm', '-rf', '/data'])) }) }]);
    expect(await engine.run()).toBe(1);
    expect(deps.log).toEqual(['run a']);
    expect(engine.history().find((event) => event.type === 'step-failed')).toMatchObject({
      message: expect.stringContaining('tried to perform a mutating action'),
    });
  });

  it('a mutating step must perform exactly its plan: an undeclared action fails the step as a bug', async () => {
    const apply = async (io: StepIO) => {
      await io.perform(logged(['something', 'else']));
      return { summary: 'done' };
    };
    const { engine } = setUp([{ id: 'swap', mutates: true, apply }]);
    expect(await engine.run()).toBe(1);
    expect(engine.history().find((event) => event.type === 'step-failed')).toMatchObject({
      message: 'step "swap" performed "container app: something else" where it declared "container app: change swap"',
    });
  });

  it('a mutating step that stops short of its plan without failing is a bug too', async () => {
    const { engine } = setUp([{ id: 'swap', mutates: true, apply: async () => ({ summary: 'did nothing' }) }]);
    expect(await engine.run()).toBe(1);
    expect(engine.history().find((event) => event.type === 'step-failed')).toMatchObject({
      message: 'step "swap" stopped after 0 of 1 declared actions',
    });
  });

  it('a mutating step that fails part-way keeps its own error: what ran is the start of its plan', async () => {
    const plan = async () => ({ summary: 'two', actions: [logged(['one']), logged(['two'])] });
    const apply = async (io: StepIO, _deps: Deps, planned: Plan<Deps>) => {
      await io.perform(planned.actions[0]);
      throw new RescueError('the second would fail', { hint: 'the first is done' });
    };
    const { engine, deps } = setUp([{ id: 'swap', mutates: true, plan, apply }]);
    expect(await engine.run()).toBe(1);
    expect(deps.log).toEqual(['perform one']);
    expect(engine.history().find((event) => event.type === 'step-failed')).toMatchObject({
      message: 'the second would fail',
      hint: 'the first is done',
    });
  });

  it('a subscriber that throws cannot break the run: its failure is an event, the run stops at the next step and says so', async () => {
    const { engine, deps } = setUp([{ id: 'a' }, { id: 'b' }], { state: 'nothing was changed' });
    engine.subscribe((event) => {
      if (event.type === 'step-succeeded') throw new Error('ENOSPC: no space left on device, write');
    }, 'the incident record');
    const seen: string[] = [];
    engine.subscribe((event) => seen.push(event.type), 'a view');
    expect(await engine.run()).toBe(1);
    expect(deps.log).toEqual(['run a']);
    expect(engine.history().find((event) => event.type === 'listener-failed')).toMatchObject({
      listener: 'the incident record',
      message: 'ENOSPC: no space left on device, write',
    });
    expect(finished(engine).headline).toBe(
      'stopped: the incident record failed (ENOSPC: no space left on device, write); nothing was changed',
    );
    // The other subscribers heard all of it, the failure included.
    expect(seen).toContain('listener-failed');
    expect(seen.at(-1)).toBe('run-finished');
  });

  it('a step kind without implementation ends the run with exit 1', async () => {
    const { engine } = setUp([{ id: 'a' }]);
    const broken = createEngine<Deps>({
      runbook: {
        name: 'demo',
        title: 'Demo',
        source: 'demo.yaml',
        steps: [{ id: 'z', uses: 'nope', title: 'Z', why: 'w', skippable: false }],
      },
      impls: new Map(),
      deps: { log: [] },
      incidentId: 'I1',
      incidentDir: '/inc',
      target: 't',
      isDryRun: false,
      isInteractive: false,
      now: () => 0,
      renderCommands: () => [],
      finish: (result) => result,
    });
    expect(await broken.run()).toBe(1);
    expect(finished(broken).headline).toBe('no implementation for step kind "nope"');
    expect(await engine.run()).toBe(0);
  });

  it('subscribers get every event as it is emitted; unsubscribe stops them', async () => {
    const { engine } = setUp([{ id: 'a' }]);
    const seen: string[] = [];
    const stop = engine.subscribe((event) => seen.push(event.type));
    const listener = vi.fn();
    engine.subscribe(listener)();
    await engine.run();
    stop();
    expect(seen).toEqual(types(engine));
    expect(listener).not.toHaveBeenCalled();
  });
});

describe('createEngine, interactive', () => {
  it('waits before each step; continue runs it', async () => {
    const { engine, deps } = setUp([{ id: 'a', skippable: true }, { id: 'b' }], { isInteractive: true });
    const done = engine.run();
    expect(await until(engine, awaiting('a'))).toMatchObject({ actions: ['continue', 'skip', 'quit'] });
    expect(deps.log).toEqual([]);
    engine.control('continue');
    expect(await until(engine, awaiting('b'))).toMatchObject({ actions: ['continue', 'quit'] });
    expect(deps.log).toEqual(['run a']);
    engine.control('continue');
    expect(await done).toBe(0);
    expect(types(engine)).toEqual([
      'run-started',
      'awaiting-control',
      'step-started',
      'step-succeeded',
      'awaiting-control',
      'step-started',
      'step-succeeded',
      'run-finished',
    ]);
  });

  it('skip on a skippable step emits step-skipped and moves on', async () => {
    const { engine, deps } = setUp([{ id: 'a', skippable: true }, { id: 'b' }], { isInteractive: true });
    const done = engine.run();
    await until(engine, awaiting('a'));
    engine.control('skip');
    await until(engine, awaiting('b'));
    engine.control('continue');
    expect(await done).toBe(0);
    expect(deps.log).toEqual(['run b']);
    expect(engine.history().find((event) => event.type === 'step-skipped')).toMatchObject({
      stepId: 'a',
      reason: 'skipped by the operator',
    });
  });

  it('skip on a step that is not skippable is ignored', async () => {
    const { engine, deps } = setUp([{ id: 'a' }], { isInteractive: true });
    const done = engine.run();
    await until(engine, awaiting('a'));
    engine.control('skip');
    engine.control('retry');
    await new Promise((resolve) => setImmediate(resolve));
    expect(types(engine)).toEqual(['run-started', 'awaiting-control']);
    engine.control('continue');
    expect(await done).toBe(0);
    expect(deps.log).toEqual(['run a']);
  });

  it('after a failure, retry runs the step again', async () => {
    let attempts = 0;
    const { engine } = setUp(
      [
        {
          id: 'a',
          run: async () => {
            attempts += 1;
            if (attempts === 1) throw new RescueError('flaky', { hint: 'retry' });
            return { summary: 'second time lucky' };
          },
        },
      ],
      { isInteractive: true },
    );
    const done = engine.run();
    await until(engine, awaiting('a'));
    engine.control('continue');
    expect(await until(engine, awaiting('a', 'after-failure'))).toMatchObject({ actions: ['retry', 'quit'] });
    engine.control('retry');
    expect(await done).toBe(0);
    expect(attempts).toBe(2);
    expect(types(engine)).toEqual([
      'run-started',
      'awaiting-control',
      'step-started',
      'step-failed',
      'awaiting-control',
      'step-started',
      'step-succeeded',
      'run-finished',
    ]);
  });

  it('after a failure of a skippable step, skip goes on without it', async () => {
    const { engine, deps } = setUp(
      [
        {
          id: 'a',
          skippable: true,
          run: async () => {
            throw new RescueError('no');
          },
        },
        { id: 'b' },
      ],
      { isInteractive: true },
    );
    const done = engine.run();
    await until(engine, awaiting('a'));
    engine.control('continue');
    expect(await until(engine, awaiting('a', 'after-failure'))).toMatchObject({ actions: ['retry', 'skip', 'quit'] });
    engine.control('skip');
    await until(engine, awaiting('b'));
    engine.control('continue');
    expect(await done).toBe(0);
    expect(deps.log).toEqual(['run a', 'run b']);
    expect(engine.history().find((event) => event.type === 'step-skipped')).toMatchObject({
      reason: 'skipped by the operator after it failed',
    });
  });

  it('quit before a step ends with exit 3 and says the state', async () => {
    const { engine, deps } = setUp([{ id: 'a' }], { isInteractive: true, state: 'nothing was changed' });
    const done = engine.run();
    await until(engine, awaiting('a'));
    engine.control('quit');
    expect(await done).toBe(3);
    expect(deps.log).toEqual([]);
    expect(finished(engine).headline).toBe('aborted by the operator before "Step a"; nothing was changed');
  });

  it('quit after a failure ends with the failure (exit 1)', async () => {
    const { engine } = setUp(
      [
        {
          id: 'a',
          run: async () => {
            throw new RescueError('no');
          },
        },
      ],
      { isInteractive: true },
    );
    const done = engine.run();
    await until(engine, awaiting('a'));
    engine.control('continue');
    await until(engine, awaiting('a', 'after-failure'));
    engine.control('quit');
    expect(await done).toBe(1);
  });

  it('answer() resolves the prompt a step asked', async () => {
    let got: unknown;
    const { engine } = setUp(
      [
        {
          id: 'a',
          run: async (io) => {
            got = await io.ask(
              {
                kind: 'select',
                message: 'Which?',
                options: [
                  { value: 'x', label: 'X' },
                  { value: 'y', label: 'Y' },
                ],
                initialIndex: 0,
              },
              { kind: 'select', value: 'x' },
            );
            return { summary: 'ok' };
          },
        },
      ],
      { isInteractive: true },
    );
    const done = engine.run();
    await until(engine, awaiting('a'));
    engine.control('continue');
    const opened = await until(engine, (event) => event.type === 'prompt-opened');
    expect(opened).toMatchObject({ prompt: { kind: 'select', id: 'a#1', stepId: 'a', message: 'Which?', initialIndex: 0 } });
    engine.answer('a#999', { kind: 'select', value: 'x' });
    engine.answer('a#1', { kind: 'select', value: 'y' });
    engine.answer('a#1', { kind: 'select', value: 'x' });
    expect(await done).toBe(0);
    expect(got).toEqual({ kind: 'select', value: 'y' });
    expect(engine.history().filter((event) => event.type === 'prompt-answered')).toHaveLength(1);
  });

  it('a cancel answer aborts with exit 3', async () => {
    const { engine, deps } = setUp(
      [
        {
          id: 'a',
          run: async (io) => {
            await io.ask({ kind: 'yes-no', message: 'Go?', defaultYes: true }, { kind: 'yes-no', yes: true });
            return { summary: 'ok' };
          },
        },
        { id: 'b' },
      ],
      { isInteractive: true },
    );
    const done = engine.run();
    await until(engine, awaiting('a'));
    engine.control('continue');
    await until(engine, (event) => event.type === 'prompt-opened');
    engine.answer('a#1', { kind: 'cancel' });
    expect(await done).toBe(3);
    expect(deps.log).toEqual(['run a']);
    expect(finished(engine).headline).toBe('aborted: question not answered: Go?');
  });

  it('confirm() with a mismatching typed text aborts', async () => {
    const { engine } = setUp(
      [
        {
          id: 'a',
          mutates: true,
          apply: async (io) => {
            await io.confirm('Type the container name', 'app');
            return { summary: 'swapped' };
          },
        },
      ],
      { isInteractive: true },
    );
    const done = engine.run();
    await until(engine, awaiting('a'));
    engine.control('continue');
    const opened = await until(engine, (event) => event.type === 'prompt-opened');
    expect(opened).toMatchObject({ prompt: { kind: 'confirm-typed', expected: 'app', message: 'Type the container name' } });
    engine.answer('a#1', { kind: 'confirm-typed', typed: 'app-pr-12' });
    expect(await done).toBe(3);
    expect(engine.history().find((event) => event.type === 'step-failed')).toMatchObject({ message: 'not confirmed: step a' });
    expect(types(engine)).not.toContain('step-succeeded');
  });

  it('confirm() with the exact typed text goes on', async () => {
    const { engine, deps } = setUp(
      [
        {
          id: 'a',
          mutates: true,
          apply: async (io, d, plan) => {
            await io.confirm('Type it', 'app');
            return applyAll(io, d, plan);
          },
        },
      ],
      { isInteractive: true },
    );
    const done = engine.run();
    await until(engine, awaiting('a'));
    engine.control('continue');
    await until(engine, (event) => event.type === 'prompt-opened');
    engine.answer('a#1', { kind: 'confirm-typed', typed: 'app' });
    expect(await done).toBe(0);
    expect(deps.log).toEqual(['perform change a']);
  });

  // The waiter exists before awaiting-control is emitted, so a listener may answer from inside it.
  it('a control() sent synchronously from the awaiting-control listener is taken', async () => {
    const { engine } = setUp([{ id: 'a' }], { isInteractive: true });
    engine.subscribe((event) => {
      if (event.type === 'awaiting-control') engine.control('continue');
    });
    const result = await Promise.race([engine.run(), new Promise((resolve) => setTimeout(() => resolve('hung'), 200))]);
    expect(result).toBe(0);
  });
});

describe('createEngine, dry-run', () => {
  it('plans a mutating step and prints its plan instead of applying it: the same actions a run performs', async () => {
    const plan = vi.fn(async () => ({ summary: 'would swap', actions: [logged(['mv', '/data/app.db', '/q/'])] }));
    const apply = vi.fn(applyAll);
    const { engine, deps } = setUp([{ id: 'look' }, { id: 'swap', mutates: true, plan, apply }], { isDryRun: true });
    expect(await engine.run()).toBe(0);
    expect(deps.log).toEqual(['run look']);
    expect(plan).toHaveBeenCalledTimes(1);
    expect(apply).not.toHaveBeenCalled();
    expect(types(engine)).toEqual(['run-started', 'step-started', 'step-succeeded', 'step-started', 'step-not-performed', 'run-finished']);
    expect(engine.history().find((event) => event.type === 'step-not-performed')).toMatchObject({
      stepId: 'swap',
      summary: 'would swap',
      commands: ['docker exec app mv /data/app.db /q/'],
      actions: [{ kind: 'argv', where: 'container', container: 'app', argv: ['mv', '/data/app.db', '/q/'], mutates: true }],
    });
    expect(finished(engine).headline).toBe('dry-run complete: nothing was changed');
  });

  it("a plan's probes run in a dry-run too, recorded as probes; a mutating perform there is refused", async () => {
    const plan = async (io: StepIO) => {
      await io.perform(logged(['df', '-Pk', '/data'], false));
      await io.perform(logged(['mkdir', '/q']));
      return { summary: 'never', actions: [] };
    };
    const { engine, deps } = setUp([{ id: 'swap', mutates: true, plan }], { isDryRun: true });
    expect(await engine.run()).toBe(1);
    expect(deps.log).toEqual(['perform df -Pk /data']);
    expect(engine.history().find((event) => event.type === 'command')).toMatchObject({ command: { phase: 'probe' } });
  });
});
