import { describe, expect, it } from 'vitest';
import { checkInteraction } from '../../src/commands/restore-flags.js';
import { UsageError } from '../../src/runbook/errors.js';

describe('checkInteraction', () => {
  it.each([
    ['CI=true', { CI: 'true' }, 'CI'],
    ['CI=1', { CI: '1' }, 'CI'],
    ['CONTINUOUS_INTEGRATION=yes', { CONTINUOUS_INTEGRATION: 'yes' }, 'CONTINUOUS_INTEGRATION'],
  ])('at a terminal with %s: the interactive screen is refused, saying what to type, and the environment is left alone', (_name, env, variable) => {
    const copy = { ...env };
    const refuse = () => checkInteraction({ yes: false, json: false }, true, env);
    expect(refuse).toThrow(UsageError);
    expect(refuse).toThrow(`${variable} is set in the environment`);
    try {
      refuse();
    } catch (error) {
      expect((error as UsageError).hint).toContain(`env -u ${variable} sqlite-rescue`);
      expect((error as UsageError).exitCode).toBe(2);
    }
    expect(env).toEqual(copy);
  });

  it.each([
    ['CI unset', {}],
    ['CI=false', { CI: 'false' }],
    ['CI=0', { CI: '0' }],
  ])('at a terminal with %s: goes on', (_name, env) => {
    expect(() => checkInteraction({ yes: false, json: false }, true, env)).not.toThrow();
  });

  it('--yes needs no terminal and does not care about CI', () => {
    expect(() => checkInteraction({ yes: true, json: true }, false, { CI: 'true' })).not.toThrow();
  });

  it('--json without --yes, and no terminal without --yes, are refused first', () => {
    expect(() => checkInteraction({ yes: false, json: true }, true, {})).toThrow('--json needs --yes');
    expect(() => checkInteraction({ yes: false, json: false }, false, {})).toThrow('no terminal to ask questions in');
  });
});
