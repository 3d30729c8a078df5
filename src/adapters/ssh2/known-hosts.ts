// ~/.ssh/known_hosts as OpenSSH reads it: plain and wildcard host lists, `[host]:port` for ports other than 22,
// hashed names (`|1|salt|hmac`), and the @revoked / @cert-authority markers. ssh2 reads none of it by itself.
import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { patternListMatches } from './host-pattern.js';

export type HostKeyStatus = 'known' | 'unknown' | 'changed' | 'revoked';

export interface KnownHostEntry {
  marker?: 'revoked' | 'cert-authority';
  /** The host field as written: a comma list of patterns, or one hashed name. */
  hosts: string;
  keyType: string;
  keyBlob: Buffer;
  lineNumber: number;
}

/** Skips blank lines, comments and lines it cannot read (as OpenSSH does). */
export function parseKnownHosts(text: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const name = fields.shift()!;
      if (name === '@revoked') marker = 'revoked';
      else if (name === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [hosts, keyType, base64] = fields;
    if (!hosts || !keyType || !base64) return;
    const keyBlob = Buffer.from(base64, 'base64');
    if (keyBlob.length === 0) return;
    entries.push({ marker, hosts, keyType, keyBlob, lineNumber: index + 1 });
  });
  return entries;
}

/** The name known_hosts stores for a host: bare on port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function hostFieldMatches(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) {
    const [, , salt, hmac] = hosts.split('|');
    if (!salt || !hmac) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hmac;
  }
  return patternListMatches(hosts.split(','), name);
}

/**
 * 'known' when a plain entry for host:port holds exactly this key; 'changed' when entries hold only other keys of
 * the same type; 'revoked' when a @revoked line lists it; 'unknown' otherwise. @cert-authority lines are ignored
 * (host certificates are not supported), so a host known only through a CA reads as unknown.
 */
export function checkHostKey(knownHostsText: string, host: string, port: number, keyBlob: Buffer): HostKeyStatus {
  const name = knownHostName(host, port);
  const entries = parseKnownHosts(knownHostsText);
  if (entries.some((e) => e.marker === 'revoked' && e.keyBlob.equals(keyBlob))) return 'revoked';
  const forHost = entries.filter((e) => e.marker === undefined && hostFieldMatches(e.hosts, name));
  if (forHost.some((e) => e.keyBlob.equals(keyBlob))) return 'known';
  const type = keyTypeOf(keyBlob);
  return forHost.some((e) => e.keyType === type) ? 'changed' : 'unknown';
}

/** Key types already trusted for host:port, so the handshake can ask the server for one of those first. */
export function knownKeyTypes(knownHostsText: string, host: string, port: number): string[] {
  const name = knownHostName(host, port);
  const types = parseKnownHosts(knownHostsText)
    .filter((e) => e.marker === undefined && hostFieldMatches(e.hosts, name))
    .map((e) => e.keyType);
  return [...new Set(types)];
}

/** The algorithm name at the start of an SSH public key blob, e.g. `ssh-ed25519`. */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return '';
  const length = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}

/** As `ssh-keygen -lf` prints it: `SHA256:` and unpadded base64. */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

export function formatKnownHostLine(host: string, port: number, keyBlob: Buffer): string {
  return `${knownHostName(host, port)} ${keyTypeOf(keyBlob)} ${keyBlob.toString('base64')}`;
}

/** Appends one plain entry, creating the file (0600) and its directory (0700) when missing. */
export async function appendKnownHost(path: string, host: string, port: number, keyBlob: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const existing = await readFile(path, 'utf8').catch(() => '');
  const separator = existing === '' || existing.endsWith('\n') ? '' : '\n';
  await appendFile(path, `${separator}${formatKnownHostLine(host, port, keyBlob)}\n`, { mode: 0o600 });
}
