import { describe, expect, it } from 'vitest';
import { checkFlags, checkInteraction, parseStopTimeout } from '../../src/commands/restore-flags.js';
import { UsageError } from '../../src/runbook/errors.js';

describe('checkInteraction', () => {
  it.each([
    ['CI=true', { CI: 'true' }, 'CI'],
    ['CI=1', { CI: '1' }, 'CI'],
    ['CONTINUOUS_INTEGRATION=yes', { CONTINUOUS_INTEGRATION: 'yes' }, 'CONTINUOUS_INTEGRATION'],
  ])(
    'at a terminal with %s: the interactive screen is refused, saying what to type, and the environment is left alone',
    (_name, env, variable) => {
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
    },
  );

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

describe('--stop-timeout', () => {
  it.each([
    ['30', 30],
    [' 0 ', 0],
    [12, 12],
  ])('%j is %d seconds', (value, seconds) => {
    expect(parseStopTimeout(value)).toBe(seconds);
  });

  it.each(['-1', '1.5', '10s', '', '3601'])('%j is refused with what to type, exit 2', (value) => {
    expect(() => parseStopTimeout(value)).toThrow(
      expect.objectContaining({
        exitCode: 2,
        message: `--stop-timeout ${value}: not a whole number of seconds from 0 to 3600`,
        hint: expect.stringContaining('e.g. --stop-timeout 30'),
      }),
    );
  });

  it('checkFlags turns the text commander gives into the number the steps use', () => {
    const flags = { dryRun: false, yes: true, json: true, acceptNewHostKey: false, stopTimeout: '7' };
    checkFlags(flags, false);
    expect(flags.stopTimeout).toBe(7);
  });
});
