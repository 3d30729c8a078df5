// --host: one SSH connection for the run, and the server's Docker engine reached through it. Host keys are checked
// against known_hosts; an unknown key is asked about on the terminal (as ssh does), refused under --yes unless
// --accept-new-host-key; a changed key is always refused.
import { DockerRuntime } from '../adapters/dockerode/index.js';
import { connectHost, createRemoteDockerode, remoteEngineHostFiles, type SshRemoteHost } from '../adapters/ssh2/index.js';
import { AbortedError } from '../runbook/errors.js';
import type { Remote } from '../steps/deps.js';
import type { RestoreFlags } from './restore-flags.js';
import { askSecret, askYesNo, type TuiSession } from './tui-session.js';

export interface RemoteConnection {
  runtime: DockerRuntime;
  remote: Remote;
  close(): Promise<void>;
}

/** `session`: the screen the questions are asked on (an unknown host key, a key's passphrase); none under --yes. */
export async function connectRemote(flags: RestoreFlags, incidentId: string, session?: TuiSession): Promise<RemoteConnection> {
  const spec = flags.host as string;
  const host: SshRemoteHost = await connectHost(spec, {
    hostKeyPolicy: session ? 'ask' : flags.acceptNewHostKey ? 'accept-new' : 'refuse-unknown',
    askHostKey: async (fingerprint, name) => {
      if (!session) return false;
      const yes = await askYesNo(
        session,
        `The authenticity of host ${name} can't be established. Its key fingerprint is ${fingerprint}. Continue connecting and record the key in ~/.ssh/known_hosts?`,
        false,
      );
      if (!yes) throw new AbortedError(`host key of ${name} not accepted`);
      return true;
    },
    askPassphrase: session ? (keyPath) => askSecret(session, `Passphrase of ${keyPath}:`) : undefined,
  });
  try {
    const { docker, transport } = await createRemoteDockerode(host);
    const identity = host.identity();
    const where = `${identity.user}@${identity.host}:${identity.port}`;
    return {
      // The engine runs on the server: its /proc tells PID 1's signals when the image has no cat.
      runtime: new DockerRuntime(docker, `Docker engine on ${where} (${transport})`, { engineHost: remoteEngineHostFiles(host) }),
      remote: { host, identity, transport, stagingDir: `/tmp/sqlite-rescue/${incidentId}` },
      close: () => host.close(),
    };
  } catch (error) {
    await host.close();
    throw error;
  }
}
