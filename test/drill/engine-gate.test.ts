import { describe, expect, it } from 'vitest';
import type { ContainerRuntime } from '../../src/ports/container-runtime.js';
import { gateRuntime } from '../../src/drill/engine-gate.js';

// A runtime whose startHelper resolves only when the test says so: a helper being created when the signal comes.
function slowRuntime() {
  const started: string[] = [];
  let finish: (id: string) => void = () => undefined;
  const runtime = {
    describe: () => 'a test engine',
    inspect: async (id: string) => ({ id }),
    startHelper: (targetId: string) =>
      new Promise<string>((done) => {
        finish = (id) => {
          started.push(id);
          done(id);
        };
      }).then((id) => `${targetId}:${id}`),
  } as unknown as ContainerRuntime;
  return { runtime, started, finish: (id: string) => finish(id) };
}

describe('gateRuntime', () => {
  it('passes calls through while open', async () => {
    const { runtime } = slowRuntime();
    const gate = gateRuntime(runtime, 'interrupted');
    expect(gate.runtime.describe()).toBe('a test engine');
    expect(await gate.runtime.inspect('app')).toEqual({ id: 'app' });
  });

  it('once closed, refuses new calls and says why; close waits for the call in flight', async () => {
    const world = slowRuntime();
    const gate = gateRuntime(world.runtime, 'the drill was interrupted');
    const helper = gate.runtime.startHelper('app', {} as never);
    let isClosed = false;
    const closing = gate.close(5_000).then(() => {
      isClosed = true;
    });
    await new Promise((done) => setTimeout(done, 20));
    expect(isClosed).toBe(false);
    await expect(gate.runtime.inspect('app')).rejects.toThrow('the engine is closed to this run: the drill was interrupted');
    world.finish('h1');
    await closing;
    expect({ isClosed, helper: await helper, started: world.started }).toEqual({ isClosed: true, helper: 'app:h1', started: ['h1'] });
  });

  it('close gives up after its timeout when a call never settles', async () => {
    const world = slowRuntime();
    const gate = gateRuntime(world.runtime, 'interrupted');
    void gate.runtime.startHelper('app', {} as never);
    const begun = Date.now();
    await gate.close(50);
    expect(Date.now() - begun).toBeLessThan(2_000);
  });
});
