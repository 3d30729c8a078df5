// TUI start to first frame: the built CLI in a real pseudo-terminal (util-linux `script`), timed from spawn until
// the header of the first frame (the runbook's name) appears in what it writes to the terminal.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { shellQuote } from '../test/support/tmux.js';

// eslint-disable-next-line no-control-regex -- terminal escape sequences start with ESC
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]/g;

/**
 * Milliseconds from spawn until `marker` shows on the terminal; the program is then killed. With `answer`, the time is
 * counted from typing `answer.keys` once `answer.after` shows, until `marker` shows.
 */
export function timeToText(argv: string[], marker: string, cwd: string, env: NodeJS.ProcessEnv, timeoutMs = 10_000, answer?: { after: string; keys: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    const command = `stty cols 160 rows 50; exec ${argv.map(shellQuote).join(' ')}`;
    let started = performance.now();
    let isAnswered = answer === undefined;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    let done = false;
    const finish = (error: Error | null, ms?: number) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
      const settle = () => (error ? reject(error) : resolve(ms as number));
      if (child.exitCode !== null || child.signalCode !== null) settle();
      else child.once('close', settle);
    };
    const timer = setTimeout(() => finish(new Error(`no "${marker}" on the terminal within ${timeoutMs} ms; got: ${screen.slice(-500)}`)), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8').replace(ANSI, '');
      if (!isAnswered && answer && screen.includes(answer.after)) {
        isAnswered = true;
        screen = '';
        started = performance.now();
        child.stdin.write(answer.keys);
      }
      if (isAnswered && screen.includes(marker)) finish(null, performance.now() - started);
    });
    child.once('error', (error) => finish(error));
    child.once('exit', (code) => {
      if (!done) finish(new Error(`the program exited (${code}) before "${marker}" showed; got: ${screen.slice(-500)}`));
    });
  });
}

export interface FirstFrame {
  /** Spawn to the first screen: the question whether to start with a dry-run. */
  tool: number[];
  /** From answering that question to the TUI's step list (its header). */
  afterAnswer: number[];
  /** A bare `node -e` printing one line through the same terminal: the floor any Node CLI starts from. */
  nodeFloor: number[];
}

export async function measureFirstFrame(cliPath: string, workDir: string, runs: number): Promise<FirstFrame> {
  const result: FirstFrame = { tool: [], afterAnswer: [], nodeFloor: [] };
  for (let i = 0; i < runs; i++) {
    // A fresh HOME and working directory each run: a killed run leaves an incident record (and a lock) that the next
    // one would offer to resume before drawing anything.
    const home = fs.mkdtempSync(path.join(workDir, 'tui-home-'));
    const cwds = [1, 2, 3].map(() => fs.mkdtempSync(path.join(workDir, 'tui-cwd-')));
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, TERM: 'xterm-256color' };
    delete env.CI;
    delete env.NODE_ENV;
    try {
      // Interleaved, so a noisy moment on this shared machine hits both alike.
      result.nodeFloor.push(await timeToText(['node', '-e', 'process.stdout.write("sqlite-wal-restore\\n"); setTimeout(() => {}, 5000)'], 'sqlite-wal-restore', cwds[0], env));
      const argv = ['node', cliPath, 'restore', '--container', 'x', '--db', '/data/app.db'];
      result.tool.push(await timeToText(argv, 'Start with a dry-run', cwds[1], env));
      // "n" answers the y/N question at once (no Enter: an Enter would then run the first step).
      result.afterAnswer.push(await timeToText(argv, 'sqlite-wal-restore', cwds[2], env, 10_000, { after: 'Start with a dry-run', keys: 'n' }));
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
      for (const cwd of cwds) fs.rmSync(cwd, { recursive: true, force: true });
    }
  }
  return result;
}
