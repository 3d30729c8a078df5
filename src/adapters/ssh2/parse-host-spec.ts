// `--host` as typed: an ~/.ssh/config alias, `user@host`, `user@host:port`, `[v6addr]:port`, optionally `ssh://`.
import { UsageError } from '../../runbook/errors.js';

export interface HostSpec {
  user?: string;
  host: string;
  port?: number;
}

const USAGE_HINT = 'pass --host ALIAS (from ~/.ssh/config) or --host user@host[:port]';

export function parseHostSpec(spec: string): HostSpec {
  let rest = spec
    .trim()
    .replace(/^ssh:\/\//, '')
    .replace(/\/$/, '');
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (user === '') throw new UsageError(`empty user name in host "${spec}"`, USAGE_HINT);
  }
  let host = rest;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (bracketed) {
    host = bracketed[1];
    portText = bracketed[2];
  } else if (rest.split(':').length === 2) {
    [host, portText] = rest.split(':');
  }
  if (host === '' || /\s/.test(host)) throw new UsageError(`no host name in "${spec}"`, USAGE_HINT);
  if (portText === undefined) return { user, host };
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) {
    throw new UsageError(`invalid port "${portText}" in host "${spec}"`, USAGE_HINT);
  }
  return { user, host, port };
}

/** A name that can be connected to without a config entry: an IP address, localhost, or a dotted DNS name. */
export function looksLikeHostName(host: string): boolean {
  return host.includes('.') || host.includes(':') || host.toLowerCase() === 'localhost';
}
