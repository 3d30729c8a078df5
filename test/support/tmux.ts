// Drives a program in a real terminal: a detached tmux session on its own server socket, keys sent with
// `send-keys`, the screen read with `capture-pane -p`. Each session gets a private tmux server (-L), started
// with no user config (-f /dev/null), so a developer's own tmux is never touched and kill() ends only ours.
import { rmSync } from 'node:fs';
import { execa } from 'execa';

export interface TmuxSession {
  /** Session name; also the name of its private server socket. */
  name: string;
  /** The server's socket file, removed by kill() (tmux leaves it behind). */
  socketPath?: string;
}

export interface StartSessionOptions {
  /** Session name: letters, digits, - and _ only (it is also the socket name). */
  name: string;
  /** The program and its arguments; run through /bin/sh with every word quoted. */
  argv: string[];
  /** Working directory of the program. */
  cwd: string;
  /** Terminal size; 200×60 by default. */
  width?: number;
  height?: number;
  /** Environment overrides for the program; a value of undefined removes the variable. */
  env?: Record<string, string | undefined>;
}

/** Quotes one word for /bin/sh. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function serverEnv(overrides: Record<string, string | undefined>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries({ ...process.env, ...overrides })) if (value !== undefined) env[key] = value;
  // The tmux server is forked from the first client and hands its environment to the session's programs;
  // TMUX would make tmux refuse to nest when the tests themselves run inside tmux.
  delete env.TMUX;
  return env;
}

async function tmux(session: TmuxSession, args: string[], env?: Record<string, string>): Promise<string> {
  const result = await execa('tmux', ['-L', session.name, '-f', '/dev/null', ...args], {
    reject: false,
    stripFinalNewline: false,
    ...(env ? { env, extendEnv: false } : {}),
  });
  if (result.exitCode !== 0) {
    throw new Error(`tmux ${args.join(' ')} exited ${result.exitCode}: ${String(result.stderr).trim()}`);
  }
  return String(result.stdout);
}

/**
 * Starts the program in a detached session. The pane stays after the program exits (remain-on-exit), so its
 * last screen can still be read and its exit status is known (see exitStatus).
 */
export async function startSession(opts: StartSessionOptions): Promise<TmuxSession> {
  if (!/^[\w-]+$/.test(opts.name)) throw new Error(`tmux session name ${JSON.stringify(opts.name)} must be letters, digits, - and _`);
  const session: TmuxSession = { name: opts.name };
  const command = `cd ${shellQuote(opts.cwd)} && exec ${opts.argv.map(shellQuote).join(' ')}`;
  // One invocation: the server applies remain-on-exit before the program can exit, and the window is made with
  // the size asked for (-x/-y) rather than a client's.
  await tmux(
    session,
    [
      'new-session',
      '-d',
      '-s',
      opts.name,
      '-x',
      String(opts.width ?? 200),
      '-y',
      String(opts.height ?? 60),
      command,
      ';',
      'set-option',
      '-t',
      opts.name,
      'remain-on-exit',
      'on',
    ],
    serverEnv(opts.env ?? {}),
  );
  session.socketPath = (await tmux(session, ['display-message', '-p', '-t', opts.name, '#{socket_path}'])).trim() || undefined;
  return session;
}

/** Types text literally (send-keys -l): no key names are interpreted. */
export async function typeText(session: TmuxSession, text: string): Promise<void> {
  await tmux(session, ['send-keys', '-t', session.name, '-l', text]);
}

/** Presses named keys in order, e.g. 'Enter', 'Escape', 'Down', 'BSpace', 'q'. */
export async function sendKeys(session: TmuxSession, ...keys: string[]): Promise<void> {
  await tmux(session, ['send-keys', '-t', session.name, ...keys]);
}

/** The visible screen as plain text (no colors), trailing blanks trimmed; with history, the scrollback too. */
export async function capture(session: TmuxSession, opts: { history?: boolean } = {}): Promise<string> {
  const screen = await tmux(session, ['capture-pane', '-p', '-t', session.name, ...(opts.history ? ['-S', '-'] : [])]);
  return screen.replace(/[ \t]+$/gm, '').replace(/\n+$/, '\n');
}

/**
 * The program's exit status once it has exited (128 + n when killed by signal n), undefined while it runs.
 * tmux marks the pane dead when its terminal closes, which can be just before it has reaped the process and
 * knows the status: until then this still answers undefined.
 */
export async function exitStatus(session: TmuxSession): Promise<number | undefined> {
  const [dead, status, signal] = (
    await tmux(session, ['display-message', '-p', '-t', session.name, '#{pane_dead}|#{pane_dead_status}|#{pane_dead_signal}'])
  )
    .trim()
    .split('|');
  if (dead !== '1') return undefined;
  if (status) return Number(status);
  if (signal) return 128 + Number(signal);
  return undefined;
}

/** A screen for an error message: runs of blank lines collapsed, framed. */
export function frameScreen(screen: string): string {
  const rule = '─'.repeat(80);
  return `${rule}\n${screen.replace(/\n{3,}/g, '\n\n').replace(/\n*$/, '\n')}${rule}`;
}

export type ScreenCondition = string | RegExp | ((screen: string) => boolean);

function describeCondition(condition: ScreenCondition): string {
  if (typeof condition === 'string') return JSON.stringify(condition);
  if (condition instanceof RegExp) return String(condition);
  return condition.name && condition.name !== 'anonymous' ? condition.name : 'the predicate';
}

function matches(screen: string, condition: ScreenCondition): boolean {
  if (typeof condition === 'string') return screen.includes(condition);
  if (condition instanceof RegExp) return condition.test(screen);
  return condition(screen);
}

export interface WaitOptions {
  timeoutMs?: number;
  /** What is awaited, for the error message. */
  description?: string;
  pollMs?: number;
}

/**
 * Polls the screen (every 100 ms by default) until it satisfies the condition, and returns that screen.
 * On timeout it throws with the last screen, and says whether the program had exited meanwhile.
 */
export async function waitForScreen(session: TmuxSession, condition: ScreenCondition, opts: WaitOptions = {}): Promise<string> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const deadline = Date.now() + timeoutMs;
  let screen: string;
  for (;;) {
    screen = await capture(session);
    if (matches(screen, condition)) return screen;
    if (Date.now() >= deadline) break;
    await new Promise((done) => setTimeout(done, opts.pollMs ?? 100));
  }
  const status = await exitStatus(session).catch(() => undefined);
  const exited = status === undefined ? 'the program is still running' : `the program has exited with status ${status}`;
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${opts.description ?? describeCondition(condition)} (${exited}); last screen:\n${frameScreen(screen)}`,
  );
}

/** Ends the session and its private tmux server (and so the program, if it still runs). Never throws. */
export async function kill(session: TmuxSession): Promise<void> {
  await execa('tmux', ['-L', session.name, '-f', '/dev/null', 'kill-server'], { reject: false });
  if (session.socketPath) rmSync(session.socketPath, { force: true });
}
