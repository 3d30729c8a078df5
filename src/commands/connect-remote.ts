// --host: one SSH connection for the run, and the server's Docker engine reached through it. Host keys are checked
// against known_hosts; an unknown key is asked about on the terminal (as ssh does), refused under --yes unless
// --accept-new-host-key; a changed key is always refused.
import { DockerRuntime } from '../adapters/dockerode/index.js';
import { connectHost, createRemoteDockerode, remoteEngineHostFiles, type SshRemoteHost } from '../adapters/ssh2/index.js';
import { AbortedError } from '../runbook/errors.js';
import type { Remote } from '../steps/deps.js';
import { askSecretOnTerminal, askYesNoOnTerminal } from './terminal-questions.js';
import type { RestoreFlags } from './restore-flags.js';

export interface RemoteConnection {
  runtime: DockerRuntime;
  remote: Remote;
  close(): Promise<void>;
}

export async function connectRemote(flags: RestoreFlags, incidentId: string): Promise<RemoteConnection> {
  const spec = flags.host as string;
  const host: SshRemoteHost = await connectHost(spec, {
    hostKeyPolicy: flags.yes ? (flags.acceptNewHostKey ? 'accept-new' : 'refuse-unknown') : 'ask',
    askHostKey: async (fingerprint, name) => {
      const yes = await askYesNoOnTerminal(`The authenticity of host ${name} can't be established.\nIts key fingerprint is ${fingerprint}.\nAre you sure you want to continue connecting and record the key in ~/.ssh/known_hosts?`);
      if (!yes) throw new AbortedError(`host key of ${name} not accepted`);
      return true;
    },
    askPassphrase: flags.yes ? undefined : (keyPath) => askSecretOnTerminal(`Enter passphrase for key '${keyPath}': `),
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
