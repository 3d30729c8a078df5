import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appendKnownHost,
  checkHostKey,
  fingerprintOf,
  hostFieldMatches,
  keyTypeOf,
  knownKeyTypes,
  parseKnownHosts,
} from '../../../src/adapters/ssh2/known-hosts.js';
import { keygen } from '../../support/sshd/sshd.js';

interface Key {
  type: string;
  base64: string;
  blob: Buffer;
  path: string;
}

let dir: string;
let keyA: Key;
let keyB: Key;
let rsaKey: Key;

async function makeKey(name: string, type = 'ed25519'): Promise<Key> {
  const path = join(dir, name);
  if (type === 'ed25519') await keygen(path, '', name);
  else await execa('ssh-keygen', ['-q', '-t', type, '-b', '2048', '-N', '', '-f', path]);
  const [keyType, base64] = (await readFile(`${path}.pub`, 'utf8')).trim().split(/\s+/);
  return { type: keyType, base64, blob: Buffer.from(base64, 'base64'), path };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'known-hosts-test-'));
  [keyA, keyB, rsaKey] = await Promise.all([makeKey('a'), makeKey('b'), makeKey('r', 'rsa')]);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const line = (hosts: string, key: Key) => `${hosts} ${key.type} ${key.base64}`;

describe('checkHostKey', () => {
  it.each([
    ['plain name, port 22', () => line('example.com', keyA), 'example.com', 22, 'known'],
    ['plain name does not cover another port', () => line('example.com', keyA), 'example.com', 2222, 'unknown'],
    ['[host]:port form', () => line('[example.com]:2222', keyA), 'example.com', 2222, 'known'],
    ['[host]:port does not cover port 22', () => line('[example.com]:2222', keyA), 'example.com', 22, 'unknown'],
    ['comma list', () => line('web,example.com,10.0.0.5', keyA), '10.0.0.5', 22, 'known'],
    ['case-insensitive', () => line('Example.COM', keyA), 'example.com', 22, 'known'],
    ['wildcard', () => line('*.example.com', keyA), 'db.example.com', 22, 'known'],
    ['negated pattern wins', () => line('*.example.com,!db.example.com', keyA), 'db.example.com', 22, 'unknown'],
    ['other host', () => line('other.com', keyA), 'example.com', 22, 'unknown'],
    ['same type, other key: changed', () => line('example.com', keyB), 'example.com', 22, 'changed'],
    ['other type only: unknown, not changed', () => line('example.com', rsaKey), 'example.com', 22, 'unknown'],
    ['known among several', () => [line('example.com', rsaKey), line('example.com', keyA)].join('\n'), 'example.com', 22, 'known'],
    [
      '@revoked key refused even when also listed',
      () => [`@revoked * ${keyA.type} ${keyA.base64}`, line('example.com', keyA)].join('\n'),
      'example.com',
      22,
      'revoked',
    ],
    [
      '@cert-authority lines are not host keys',
      () => `@cert-authority *.example.com ${keyA.type} ${keyA.base64}`,
      'db.example.com',
      22,
      'unknown',
    ],
    [
      'comments, blank and garbage lines skipped',
      () => `# comment\n\n@weird x y z\nbroken\n${line('example.com', keyA)}\n`,
      'example.com',
      22,
      'known',
    ],
  ])('%s', (_name, text, host, port, expected) => {
    expect(checkHostKey(text(), host, port, keyA.blob)).toBe(expected);
  });

  // Hashed entries written by OpenSSH itself (ssh-keygen -H), so the HMAC is checked against the real thing.
  it('matches entries hashed by ssh-keygen -H, both plain and [host]:port names', async () => {
    const file = join(dir, 'hashed_known_hosts');
    await writeFile(file, `${line('example.com', keyA)}\n${line('[10.1.2.3]:2222', keyA)}\n`);
    await execa('ssh-keygen', ['-H', '-f', file]);
    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('example.com');
    expect(text).toMatch(/^\|1\|/);
    expect(checkHostKey(text, 'example.com', 22, keyA.blob)).toBe('known');
    expect(checkHostKey(text, '10.1.2.3', 2222, keyA.blob)).toBe('known');
    expect(checkHostKey(text, '10.1.2.3', 22, keyA.blob)).toBe('unknown');
    expect(checkHostKey(text, 'example.com', 22, keyB.blob)).toBe('changed');
  });
});

describe('known_hosts helpers', () => {
  it('fingerprints a key exactly as ssh-keygen -lf does', async () => {
    const { stdout } = await execa('ssh-keygen', ['-lf', `${keyA.path}.pub`]);
    expect(stdout.split(' ')[1]).toBe(fingerprintOf(keyA.blob));
    expect(fingerprintOf(keyA.blob)).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('reads the key type from the blob', () => {
    expect(keyTypeOf(keyA.blob)).toBe('ssh-ed25519');
    expect(keyTypeOf(rsaKey.blob)).toBe('ssh-rsa');
  });

  it('lists the key types known for a host', () => {
    const text = [line('example.com', rsaKey), line('[example.com]:2222', keyA), line('example.com', keyB)].join('\n');
    expect(knownKeyTypes(text, 'example.com', 22)).toEqual(['ssh-rsa', 'ssh-ed25519']);
  });

  it('does not take a hashed field for a pattern list', () => {
    expect(hostFieldMatches('|1|bm90|aGFzaA==', '|1|bm90|aGFzaA==')).toBe(false);
  });

  it('appends a plain [host]:port entry that OpenSSH reads back', async () => {
    const file = join(dir, 'nested', 'known_hosts');
    await appendKnownHost(file, '127.0.0.1', 2222, keyA.blob);
    await writeFile(file, (await readFile(file, 'utf8')).trimEnd()); // no final newline: the next append must add one
    await appendKnownHost(file, 'example.com', 22, keyB.blob);
    const text = await readFile(file, 'utf8');
    expect(text).toBe(`[127.0.0.1]:2222 ssh-ed25519 ${keyA.base64}\nexample.com ssh-ed25519 ${keyB.base64}\n`);
    expect(parseKnownHosts(text)).toHaveLength(2);
    const { stdout } = await execa('ssh-keygen', ['-F', '[127.0.0.1]:2222', '-f', file]);
    expect(stdout).toContain(keyA.base64);
  });
});
