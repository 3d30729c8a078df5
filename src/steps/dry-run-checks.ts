// What a dry-run checks in place of a mutating step it does not perform: read-only probes that would make the real
// step fail, each reported as a finding.
import type { StepIO } from '../runbook/engine.js';
import type { Deps } from './deps.js';
import { execRecorded, isMissingBinary } from './in-container.js';

/** Bytes free in the filesystem holding `dir` in the container (df -Pk); undefined when df is missing or unparsable. */
export async function freeBytesInContainer(io: StepIO, deps: Deps, containerId: string, dir: string): Promise<number | undefined> {
  const result = await execRecorded(io, deps, containerId, ['df', '-Pk', dir]);
  const fields = result.exitCode === 0 ? result.stdout.trim().split('\n').at(-1)?.trim().split(/\s+/) : undefined;
  const availableKb = fields ? Number(fields[3]) : Number.NaN;
  return Number.isFinite(availableKb) ? availableKb * 1024 : undefined;
}

/** The binaries the swap helper runs, missing from the app's image. */
export async function missingHelperBinaries(io: StepIO, deps: Deps, containerId: string): Promise<string[]> {
  const missing: string[] = [];
  for (const binary of ['sleep', 'mkdir', 'mv']) {
    if (isMissingBinary(await execRecorded(io, deps, containerId, [binary, '--help']))) missing.push(binary);
  }
  return missing;
}

export function cannotTell(io: StepIO, what: string): void {
  io.finding(`dry-run could not tell: ${what}`);
}
