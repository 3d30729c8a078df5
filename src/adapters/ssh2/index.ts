export { connectHost, type ConnectOptions } from './connect.js';
export { createRemoteDockerode, type RemoteDockerode } from './create-remote-runtime.js';
export { resolveHostSpec, resolveFromConfigText, type ResolvedHost } from './resolve-host.js';
export { SshRemoteHost } from './ssh-remote-host.js';
export { quoteArgv } from './quote-argv.js';
export type { HostKeyPolicy, AskHostKey } from './host-key-policy.js';
export type { AskPassphrase } from './auth-handler.js';
export { remoteEngineHostFiles } from './engine-host-files.js';
