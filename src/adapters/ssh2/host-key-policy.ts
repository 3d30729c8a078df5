// Safety rule 6: a host key is checked against known_hosts. A changed (or revoked) key is always refused; an unknown
// one is refused, asked about, or accepted and written to known_hosts, as the policy says.
import { readFile } from 'node:fs/promises';
import { AbortedError, RescueError } from '../../runbook/errors.js';
import { appendKnownHost, checkHostKey, fingerprintOf, keyTypeOf, knownHostName, knownKeyTypes } from './known-hosts.js';

export type HostKeyPolicy = 'ask' | 'refuse-unknown' | 'accept-new';

/** Asked when the key is unknown under the 'ask' policy; true accepts it (and writes it to known_hosts). */
export type AskHostKey = (fingerprint: string, host: string) => Promise<boolean>;

export interface HostKeyContext {
  /** The name known_hosts is searched for (HostKeyAlias or HostName). */
  hostKeyName: string;
  port: number;
  /** What the operator typed, for hints: `ssh <spec>`. */
  spec: string;
  /** Read in order; new keys are appended to the first. */
  knownHostsFiles: string[];
  policy: HostKeyPolicy;
  askHostKey?: AskHostKey;
}

export interface AcceptedHostKey {
  fingerprint: string;
  status: 'known' | 'accepted-new';
}

/** Resolves when the key may be used; rejects with the reason to show the operator otherwise. */
export async function verifyHostKey(keyBlob: Buffer, ctx: HostKeyContext): Promise<AcceptedHostKey> {
  const fingerprint = fingerprintOf(keyBlob);
  const keyType = keyTypeOf(keyBlob);
  const name = knownHostName(ctx.hostKeyName, ctx.port);
  const status = checkHostKey(await readKnownHosts(ctx.knownHostsFiles), ctx.hostKeyName, ctx.port, keyBlob);
  const userFile = ctx.knownHostsFiles[0];

  if (status === 'known') return { fingerprint, status };
  if (status === 'changed') {
    throw new RescueError(
      `the host key of ${name} has CHANGED: the server now presents ${keyType} ${fingerprint}, which does not match ` +
        `the key recorded in known_hosts. Either the server was reinstalled or its host keys regenerated, or someone ` +
        `is intercepting the connection (a man-in-the-middle). Refusing to connect.`,
      {
        kind: 'operator',
        hint:
          `confirm the new fingerprint with whoever runs the server; only if it is expected, remove the old entry with ` +
          `\`ssh-keygen -R '${name}' -f ${userFile}\` and connect again`,
      },
    );
  }
  if (status === 'revoked') {
    throw new RescueError(`the host key of ${name} (${keyType} ${fingerprint}) is marked @revoked in known_hosts; refusing to connect`, {
      kind: 'operator',
      hint: 'the server presents a key its owner revoked: treat this as a possible compromise and ask whoever runs the server',
    });
  }

  const otherTypes = knownKeyTypes(await readKnownHosts(ctx.knownHostsFiles), ctx.hostKeyName, ctx.port);
  const otherNote = otherTypes.length > 0 ? ` (known_hosts holds a ${otherTypes.join('/')} key for it, not this ${keyType} one)` : '';
  if (ctx.policy === 'ask' && ctx.askHostKey) {
    if (!(await ctx.askHostKey(fingerprint, name))) {
      throw new AbortedError(`host key ${fingerprint} of ${name} not accepted`);
    }
  } else if (ctx.policy !== 'accept-new') {
    throw new RescueError(`the host key of ${name} is not in known_hosts${otherNote}: ${keyType} ${fingerprint}; refusing to connect`, {
      kind: 'operator',
      exitCode: 2,
      hint:
        `check that fingerprint with whoever runs the server, then run again with --accept-new-host-key, ` +
        `or connect once by hand (\`ssh ${ctx.spec}\`) and answer yes`,
    });
  }
  await appendKnownHost(userFile, ctx.hostKeyName, ctx.port, keyBlob);
  return { fingerprint, status: 'accepted-new' };
}

async function readKnownHosts(files: string[]): Promise<string> {
  const texts = await Promise.all(files.map((file) => readFile(file, 'utf8').catch(() => '')));
  return texts.join('\n');
}

const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

// As OpenSSH does: ask the server first for a key type known_hosts already holds for it, so a server with several
// host keys is not mistaken for an unknown one.
export async function preferredHostKeyAlgorithms(ctx: Pick<HostKeyContext, 'hostKeyName' | 'port' | 'knownHostsFiles'>): Promise<string[]> {
  const known = knownKeyTypes(await readKnownHosts(ctx.knownHostsFiles), ctx.hostKeyName, ctx.port);
  const preferred = known.flatMap((type) => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type]));
  const first = DEFAULT_HOST_KEY_ALGORITHMS.filter((algo) => preferred.includes(algo));
  return [...first, ...DEFAULT_HOST_KEY_ALGORITHMS.filter((algo) => !first.includes(algo))];
}
