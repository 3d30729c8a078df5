// What `ssh SPEC` would connect to, read from ~/.ssh/config the way OpenSSH reads it (first value wins) for the
// directives this tool honours. Directives that would change where or how we connect and that we cannot follow
// (ProxyJump, ProxyCommand) stop with a UsageError instead of being silently ignored.
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import SSHConfig from 'ssh-config';
import { UsageError } from '../../runbook/errors.js';
import { patternListMatches } from './host-pattern.js';
import { looksLikeHostName, parseHostSpec } from './parse-host-spec.js';
import { readSshConfig } from './read-ssh-config.js';

export interface ResolvedHost {
  /** Where the TCP connection goes (HostName, or the host as typed). */
  host: string;
  port: number;
  user: string;
  /** Absolute paths, in the order to try. The defaults (~/.ssh/id_*) when the config names none. */
  identityFiles: string[];
  /** True when IdentityFile came from the config (then a missing file is worth a word in the auth error). */
  identityFilesFromConfig: boolean;
  /** IdentitiesOnly yes: only the identity files are offered, never the agent's keys. */
  identitiesOnly: boolean;
  /** The ~/.ssh/config Host entry used, when the spec named one. */
  alias?: string;
  /** The name looked up in known_hosts (HostKeyAlias, else host). */
  hostKeyName: string;
  /** UserKnownHostsFile (first one is written to), then the global file. */
  knownHostsFiles: string[];
  /** ssh-agent socket path from IdentityAgent or $SSH_AUTH_SOCK; undefined when none. */
  agentSocket?: string;
}

export interface ResolveOptions {
  home?: string;
  localUser?: string;
  /** Defaults to process.env.SSH_AUTH_SOCK. */
  authSock?: string;
}

const DEFAULT_IDENTITY_FILES = ['~/.ssh/id_rsa', '~/.ssh/id_ecdsa', '~/.ssh/id_ed25519'];
const GLOBAL_KNOWN_HOSTS = '/etc/ssh/ssh_known_hosts';

export async function resolveHostSpec(spec: string, opts: ResolveOptions = {}): Promise<ResolvedHost> {
  const home = opts.home ?? homedir();
  return resolveFromConfigText(spec, await readSshConfig(home), { ...opts, home });
}

export function resolveFromConfigText(spec: string, configText: string, opts: ResolveOptions = {}): ResolvedHost {
  const home = opts.home ?? homedir();
  const localUser = opts.localUser ?? currentUser();
  const parsed = parseHostSpec(spec);
  const config = SSHConfig.parse(configText);
  const computed = config.compute({ Host: parsed.host }, { ignoreCase: true, matchExec: false }) as Record<string, unknown>;
  const hasEntry = hasSpecificHostEntry(config, parsed.host);

  if (!hasEntry && !looksLikeHostName(parsed.host)) {
    throw new UsageError(
      `no Host entry '${parsed.host}' in ${join(home, '.ssh', 'config')}`,
      `add "Host ${parsed.host}" with its HostName there, or pass --host user@host[:port]`,
    );
  }
  refuseUnsupported(computed, parsed.host);

  const user = parsed.user ?? first(computed.user) ?? localUser;
  const port = parsed.port ?? parsePort(first(computed.port), spec);
  const tokens = { home, localUser, remoteUser: user, original: parsed.host, port };
  const host = expandTokens(first(computed.hostname) ?? parsed.host, { ...tokens, host: parsed.host });
  const expand = (path: string) => expandPath(path, { ...tokens, host });

  const configured = list(computed.identityfile).filter((path) => path.toLowerCase() !== 'none');
  const identityFiles = (configured.length > 0 ? configured : DEFAULT_IDENTITY_FILES).map(expand);
  const userKnownHosts = list(computed.userknownhostsfile).filter((path) => path.toLowerCase() !== 'none');
  const knownHostsFiles = [...(userKnownHosts.length > 0 ? userKnownHosts : ['~/.ssh/known_hosts']).map(expand), GLOBAL_KNOWN_HOSTS];
  const identityAgent = first(computed.identityagent);
  const authSock = 'authSock' in opts ? opts.authSock : process.env.SSH_AUTH_SOCK;
  const agentSocket =
    identityAgent === undefined || identityAgent === 'SSH_AUTH_SOCK' || identityAgent === '$SSH_AUTH_SOCK'
      ? authSock || undefined
      : identityAgent.toLowerCase() === 'none'
        ? undefined
        : expand(identityAgent);

  return {
    host,
    port,
    user,
    identityFiles,
    identityFilesFromConfig: configured.length > 0,
    identitiesOnly: first(computed.identitiesonly)?.toLowerCase() === 'yes',
    alias: hasEntry ? parsed.host : undefined,
    hostKeyName: first(computed.hostkeyalias) ?? host,
    knownHostsFiles,
    agentSocket,
  };
}

function refuseUnsupported(computed: Record<string, unknown>, alias: string): void {
  const proxyJump = first(computed.proxyjump);
  if (proxyJump && proxyJump.toLowerCase() !== 'none') {
    throw new UsageError(
      `ProxyJump (${proxyJump}) in the ~/.ssh/config entry for '${alias}' is not supported`,
      `open a tunnel in another terminal: ssh -N -L 2222:<target host>:22 ${proxyJump} — then pass --host <user>@127.0.0.1:2222`,
    );
  }
  const proxyCommand = first(computed.proxycommand);
  if (proxyCommand && proxyCommand.toLowerCase() !== 'none') {
    throw new UsageError(
      `ProxyCommand (${proxyCommand}) in the ~/.ssh/config entry for '${alias}' is not supported`,
      'make the server reachable directly, or forward a local port to its sshd (ssh -N -L 2222:<target>:22 …) and pass --host <user>@127.0.0.1:2222',
    );
  }
}

// A Host line names the alias with some pattern other than a bare `*` (which every host matches).
function hasSpecificHostEntry(config: SSHConfig, name: string): boolean {
  for (const line of config) {
    if (line.type !== SSHConfig.DIRECTIVE || !/^host$/i.test(line.param)) continue;
    const patterns = Array.isArray(line.value) ? line.value.map((v) => v.val) : line.value.split(/\s+/);
    const specific = patterns.filter((p) => !p.startsWith('!') && p !== '*');
    if (specific.length > 0 && patternListMatches(patterns, name) && patternListMatches(specific, name)) return true;
  }
  return false;
}

interface Tokens {
  home: string;
  localUser: string;
  remoteUser: string;
  host: string;
  original: string;
  port: number;
}

// The %-tokens ssh_config(5) defines that matter for paths and HostName.
function expandTokens(text: string, t: Tokens): string {
  const values: Record<string, string> = {
    '%': '%',
    d: t.home,
    u: t.localUser,
    r: t.remoteUser,
    h: t.host,
    n: t.original,
    p: String(t.port),
  };
  return text.replace(/%(.)/g, (whole, key: string) => values[key] ?? whole);
}

function expandPath(path: string, t: Tokens): string {
  const withTokens = expandTokens(path, t);
  const withHome = withTokens.replace(/^~(?=\/|$)/, t.home);
  return resolve(withHome);
}

function parsePort(text: string | undefined, spec: string): number {
  if (text === undefined) return 22;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new UsageError(`invalid Port "${text}" in ~/.ssh/config for "${spec}"`);
  }
  return port;
}

function first(value: unknown): string | undefined {
  if (Array.isArray(value)) return value.length > 0 ? String(value[0]) : undefined;
  return typeof value === 'string' ? value : undefined;
}

function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? [value] : [];
}

function currentUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'root';
  }
}
