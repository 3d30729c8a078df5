// Turns what ssh2 and the socket layer throw during connect into a sentence and a next step — never a bare stack.
import { RescueError } from '../../runbook/errors.js';
import type { AuthLog } from './auth-handler.js';

export interface ConnectTarget {
  spec: string;
  host: string;
  port: number;
  user: string;
}

export function connectTimeoutError(target: ConnectTarget, timeoutMs: number): RescueError {
  return new RescueError(`no SSH answer from ${target.host}:${target.port} within ${Math.round(timeoutMs / 1000)} s`, {
    hint: `check that the server is up and port ${target.port} is open to you (firewall, VPN); try \`ssh -v ${target.spec}\``,
  });
}

export function describeConnectError(error: Error & { code?: string; level?: string }, target: ConnectTarget, auth: AuthLog): RescueError {
  const where = `${target.host}:${target.port}`;
  const sshHint = `try \`ssh -v ${target.spec}\` to see what ssh itself does`;
  switch (error.code) {
    case 'ECONNREFUSED':
      return new RescueError(`connection refused by ${where}: nothing listens for SSH there`, {
        hint: `check the port (Port in ~/.ssh/config, or user@host:port) and that sshd runs on the server`,
        cause: error,
      });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new RescueError(`host not found: ${target.host} does not resolve (DNS)`, {
        kind: 'operator',
        hint: 'check the spelling, or the HostName of that entry in ~/.ssh/config',
        cause: error,
      });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new RescueError(`${where} is unreachable from here (${error.code})`, { hint: 'check your network or VPN', cause: error });
    case 'ECONNRESET':
      return new RescueError(`${where} closed the connection during the SSH handshake`, {
        hint: `the server may limit connections (MaxStartups, fail2ban) or not speak SSH on that port; ${sshHint}`,
        cause: error,
      });
  }
  if (error.level === 'client-authentication') return authError(target, auth, error);
  if (error.level === 'client-timeout') return connectTimeoutError(target, 0);
  return new RescueError(`ssh to ${where}: ${error.message}`, { hint: sshHint, cause: error });
}

function authError(target: ConnectTarget, auth: AuthLog, cause: Error): RescueError {
  const skipped = auth.skipped.length > 0 ? ` Not offered: ${auth.skipped.join('; ')}.` : '';
  if (auth.serverMethods && !auth.serverMethods.includes('publickey')) {
    return new RescueError(
      `the server accepts only ${auth.serverMethods.join(', ')} for user ${target.user}; this tool signs in with keys only`,
      { kind: 'operator', hint: 'enable key login for that user (authorized_keys) or use a user that has it', cause },
    );
  }
  if (auth.offered.length === 0) {
    return new RescueError(`no SSH key to offer ${target.host} for user ${target.user}.${skipped}`, {
      kind: 'operator',
      hint: 'start ssh-agent and ssh-add your key, or set IdentityFile for this host in ~/.ssh/config',
      cause,
    });
  }
  return new RescueError(
    `the server refused ${auth.offered.length === 1 ? 'key' : 'keys'} ${auth.offered.join(', ')} for user ${target.user}.${skipped}`,
    {
      kind: 'operator',
      hint: `check the user name and that this key's .pub is in ~${target.user}/.ssh/authorized_keys on the server; \`ssh -v ${target.spec}\` shows what ssh offers`,
      cause,
    },
  );
}
