// TUI start to first frame: the built CLI in a real pseudo-terminal (util-linux `script`), timed from spawn until
// what it writes to the terminal shows the first frame (the header), then the first question.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { shellQuote } from '../test/support/tmux.js';

// eslint-disable-next-line no-control-regex -- terminal escape sequences start with ESC
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]/g;

export interface Answer {
  /** Typed once this shows on the terminal; the times of later marks count from then. */
  after: string;
  keys: string;
}

/**
 * Milliseconds from spawn until each of `marks` shows on the terminal, in order; the program is then killed. With
 * `answer`, the times are counted from typing `answer.keys` once `answer.after` shows.
 */
export function timeToMarks(
  argv: string[],
  marks: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 10_000,
  answer?: Answer,
): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const command = `stty cols 160 rows 50; exec ${argv.map(shellQuote).join(' ')}`;
    let started = performance.now();
    let isAnswered = answer === undefined;
    const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let screen = '';
    const times: number[] = [];
    let done = false;
    const finish = (error: Error | null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
      const settle = () => (error ? reject(error) : resolve(times));
      if (child.exitCode !== null || child.signalCode !== null) settle();
      else child.once('close', settle);
    };
    const waitingFor = () => (isAnswered ? marks[times.length] : answer?.after);
    const timer = setTimeout(
      () => finish(new Error(`no "${waitingFor()}" on the terminal within ${timeoutMs} ms; got: ${screen.slice(-500)}`)),
      timeoutMs,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      screen += chunk.toString('utf8').replace(ANSI, '');
      if (!isAnswered && answer && screen.includes(answer.after)) {
        isAnswered = true;
        screen = '';
        started = performance.now();
        child.stdin.write(answer.keys);
      }
      while (isAnswered && times.length < marks.length && screen.includes(marks[times.length])) times.push(performance.now() - started);
      if (times.length === marks.length) finish(null);
    });
    child.once('error', (error) => finish(error));
    child.once('exit', (code) => {
      if (!done) finish(new Error(`the program exited (${code}) before "${waitingFor()}" showed; got: ${screen.slice(-500)}`));
    });
  });
}

export interface FirstFrame {
  /** Spawn to the first frame Ink draws: the header (sqlite-rescue, the target). */
  firstFrame: number[];
  /** Spawn to the first question on the screen: whether to start with a dry-run. */
  question: number[];
  /** From answering that question (n) to the TUI's step list (its header names the runbook). */
  afterAnswer: number[];
  /** A bare `node -e` printing one line through the same terminal: the floor any Node CLI starts from. */
  nodeFloor: number[];
}

export async function measureFirstFrame(cliPath: string, workDir: string, runs: number): Promise<FirstFrame> {
  const result: FirstFrame = { firstFrame: [], question: [], afterAnswer: [], nodeFloor: [] };
  for (let i = 0; i < runs; i++) {
    // A fresh HOME, and a working directory per launch: a run that was answered and killed leaves an incident record
    // (and a lock) that the next one would offer to resume before drawing anything.
    const home = fs.mkdtempSync(path.join(workDir, 'tui-home-'));
    const cwds = [0, 1, 2].map(() => fs.mkdtempSync(path.join(workDir, 'tui-cwd-')));
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, TERM: 'xterm-256color' };
    delete env.CI;
    delete env.NODE_ENV;
    try {
      // Interleaved, so a noisy moment on this shared machine hits both alike.
      const floor = ['node', '-e', 'process.stdout.write("sqlite-wal-restore\\n"); setTimeout(() => {}, 5000)'];
      result.nodeFloor.push((await timeToMarks(floor, ['sqlite-wal-restore'], cwds[0], env))[0]);
      const argv = [cliPath, 'restore', '--container', 'x', '--db', '/data/app.db'];
      const [frame, question] = await timeToMarks(argv, ['sqlite-rescue', 'Start with a dry-run'], cwds[1], env);
      result.firstFrame.push(frame);
      result.question.push(question);
      // "n" answers the y/N question at once (no Enter: an Enter would then run the first step).
      const answer = { after: 'Start with a dry-run', keys: 'n' };
      result.afterAnswer.push((await timeToMarks(argv, ['sqlite-wal-restore'], cwds[2], env, 10_000, answer))[0]);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
      for (const cwd of cwds) fs.rmSync(cwd, { recursive: true, force: true });
    }
  }
  return result;
}
