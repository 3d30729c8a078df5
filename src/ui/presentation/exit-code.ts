// The meaning of each exit code, as DESIGN.md promises it to scripts and operators.
const MEANINGS: Record<number, string> = {
  0: 'done and verified',
  1: 'a step failed (state is safe and said)',
  2: 'usage error or ambiguity',
  3: 'the operator aborted',
  4: 'dry-run found the target unhealthy',
};

export function describeExitCode(exitCode: number): string {
  return MEANINGS[exitCode] ?? 'unexpected exit code';
}
