// One SSH connection for the whole run, opened the way `ssh SPEC` would: ~/.ssh/config, known_hosts, the agent and
// identity files. Every failure becomes a RescueError that says what happened and what to try.
import ssh2 from 'ssh2';
import type { VerifyCallback } from 'ssh2';
import type { HostIdentity } from '../../ports/remote-host.js';
import { RescueError } from '../../runbook/errors.js';
import { makeAuthHandler, type AskPassphrase } from './auth-handler.js';
import { connectTimeoutError, describeConnectError } from './connect-errors.js';
import { preferredHostKeyAlgorithms, verifyHostKey, type AcceptedHostKey, type AskHostKey, type HostKeyPolicy } from './host-key-policy.js';
import { PausableDeadline } from './pausable-deadline.js';
import { resolveHostSpec } from './resolve-host.js';
import { SshRemoteHost } from './ssh-remote-host.js';

const { Client } = ssh2;

export interface ConnectOptions {
  /** Where ~/.ssh lives; os.homedir() (which follows $HOME) when absent. */
  home?: string;
  hostKeyPolicy: HostKeyPolicy;
  askHostKey?: AskHostKey;
  /** Asked for each encrypted identity file; without it such keys are skipped (ssh-agent still works). */
  askPassphrase?: AskPassphrase;
  /** TCP connect + handshake + login, not counting time spent waiting on the operator. Default 20 s. */
  timeoutMs?: number;
  /** SSH keepalive period; the link is declared dead after 4 unanswered. Default 15 s. */
  keepaliveIntervalMs?: number;
}

export async function connectHost(spec: string, opts: ConnectOptions): Promise<SshRemoteHost> {
  const resolved = await resolveHostSpec(spec, { home: opts.home });
  const target = { spec, host: resolved.host, port: resolved.port, user: resolved.user };
  const timeoutMs = opts.timeoutMs ?? 20_000;
  const hostKeyContext = {
    hostKeyName: resolved.hostKeyName,
    port: resolved.port,
    spec,
    knownHostsFiles: resolved.knownHostsFiles,
    policy: opts.hostKeyPolicy,
  };
  const serverHostKey = await preferredHostKeyAlgorithms(hostKeyContext);
  const client = new Client();

  return new Promise<SshRemoteHost>((resolve, reject) => {
    let settled = false;
    let refusal: Error | undefined;
    let accepted: { blob: Buffer; key: AcceptedHostKey } | undefined;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      deadline.stop();
      client.destroy();
      reject(error);
    };
    const deadline = new PausableDeadline(timeoutMs, () => fail(connectTimeoutError(target, timeoutMs)));
    const whileAsking = async <T>(ask: () => Promise<T>): Promise<T> => {
      deadline.pause();
      try {
        return await ask();
      } finally {
        deadline.resume();
      }
    };
    const askHostKey = opts.askHostKey;
    const { handler, log } = makeAuthHandler({
      user: resolved.user,
      agentSocket: resolved.agentSocket,
      identityFiles: resolved.identityFiles,
      identitiesOnly: resolved.identitiesOnly,
      askPassphrase: opts.askPassphrase,
      whileAsking,
      onAskFailed: (error) => fail(error instanceof Error ? error : new RescueError(String(error))),
    });

    // Called again on every re-key: the key accepted at login is accepted again without asking.
    const hostVerifier = (key: Buffer, verify: VerifyCallback): void => {
      if (accepted) return verify(accepted.blob.equals(key));
      verifyHostKey(key, { ...hostKeyContext, askHostKey: askHostKey && ((fp, host) => whileAsking(() => askHostKey(fp, host))) }).then(
        (result) => {
          accepted = { blob: Buffer.from(key), key: result };
          verify(true);
        },
        (error: Error) => {
          refusal = error;
          verify(false);
        },
      );
    };

    client.on('error', (error) => fail(refusal ?? describeConnectError(error, target, log)));
    client.on('close', () =>
      fail(
        refusal ??
          new RescueError(`${target.host}:${target.port} closed the connection before login completed`, {
            hint: `try \`ssh -v ${spec}\``,
          }),
      ),
    );
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      deadline.stop();
      const identity: HostIdentity = {
        spec,
        host: resolved.host,
        port: resolved.port,
        user: resolved.user,
        hostKeyFingerprint: accepted!.key.fingerprint,
        hostKeyStatus: accepted!.key.status,
      };
      resolve(new SshRemoteHost(client, identity));
    });

    try {
      client.connect({
        host: resolved.host,
        port: resolved.port,
        username: resolved.user,
        readyTimeout: 0,
        keepaliveInterval: opts.keepaliveIntervalMs ?? 15_000,
        keepaliveCountMax: 4,
        algorithms: { serverHostKey: serverHostKey as never },
        hostVerifier,
        authHandler: handler,
      });
    } catch (error) {
      fail(new RescueError(`ssh to ${target.host}:${target.port}: ${(error as Error).message}`, { cause: error }));
    }
  });
}
