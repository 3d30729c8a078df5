// The answers a run found, offered for sqlite-rescue.config.yaml: asked only when something would change, merged into
// the file that is there (its other settings kept), and nothing written on "no".
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { offerToSaveAnswers } from '../../src/commands/save-answers.js';
import type { RestoreFlags } from '../../src/commands/restore-flags.js';
import type { TuiSession } from '../../src/commands/tui-session.js';
import type { Facts } from '../../src/steps/facts.js';

const flags: RestoreFlags = { host: 'coolify', dryRun: false, yes: false, json: false, acceptNewHostKey: false };
const facts = {
  target: {
    containerId: 'c1',
    containerName: 'qw8k-184512',
    image: 'app:1',
    appName: 'notes',
    dbPath: '/data/app.db',
    dataMount: { type: 'volume', source: '/v', destination: '/data' },
  },
  source: { id: 'local', kind: 'local', path: '/home/op/app.db', ok: true, mtime: '', size: 1, tables: {}, errors: [] },
} as Facts;

function session(answer: boolean) {
  const asked: string[] = [];
  const fake: TuiSession = {
    ask: async (prompt) => {
      asked.push(prompt.message);
      return { kind: 'yes-no', yes: answer };
    },
    attach: () => undefined,
    close: async () => undefined,
  };
  return { fake, asked };
}

describe('offerToSaveAnswers', () => {
  it('lists what it would save and writes sqlite-rescue.config.yaml on yes', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'save-answers-'));
    const { fake, asked } = session(true);
    await offerToSaveAnswers(fake, { flags, facts, cwd, exitCode: 0 });
    expect(asked[0]).toContain('  container: qw8k-184512\n  db: /data/app.db\n  local: /home/op/app.db');
    expect(parse(readFileSync(join(cwd, 'sqlite-rescue.config.yaml'), 'utf8'))).toEqual({
      host: 'coolify',
      container: 'qw8k-184512',
      db: '/data/app.db',
      local: '/home/op/app.db',
    });
  });

  it('keeps the settings already in the file, and asks nothing when the run found nothing new', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'save-answers-'));
    writeFileSync(join(cwd, 'sqlite-rescue.config.yaml'), 'host: coolify\nincidentDir: /var/incidents\n');
    await offerToSaveAnswers(session(true).fake, { flags, facts, cwd, exitCode: 0 });
    expect(parse(readFileSync(join(cwd, 'sqlite-rescue.config.yaml'), 'utf8'))).toEqual({
      host: 'coolify',
      incidentDir: '/var/incidents',
      container: 'qw8k-184512',
      db: '/data/app.db',
      local: '/home/op/app.db',
    });
    const again = session(true);
    await offerToSaveAnswers(again.fake, { flags, facts, cwd, exitCode: 0 });
    expect(again.asked).toEqual([]);
  });

  it('writes nothing on no, or when the run never settled its target', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'save-answers-'));
    await offerToSaveAnswers(session(false).fake, { flags, facts, cwd, exitCode: 0 });
    const unsettled = session(true);
    await offerToSaveAnswers(unsettled.fake, { flags, facts: {}, cwd, exitCode: 1 });
    expect(unsettled.asked).toEqual([]);
    expect(existsSync(join(cwd, 'sqlite-rescue.config.yaml'))).toBe(false);
  });
});
