// The docker CLI for test setup: argv arrays only, output trimmed, failures thrown with the command line.
import { execa, type Options } from 'execa';

export async function docker(args: string[], opts: Options = {}): Promise<string> {
  const result = await execa('docker', args, { ...opts, stripFinalNewline: true });
  return String(result.stdout);
}

/** Like docker() but resolves with the exit code instead of throwing. */
export async function tryDocker(args: string[], opts: Options = {}): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const result = await execa('docker', args, { ...opts, reject: false });
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout).trim(), stderr: String(result.stderr).trim() };
}
