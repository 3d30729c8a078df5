// Which of the binaries the runbook may run are in the app's image, found once by one exec (`command -v` in its sh),
// so that a mutating step's plan says in advance which command it runs (sha256sum, or a hash through the archive
// API). An image without sh gets one probe a tool, side by side.
import type { StepIO } from '../runbook/engine.js';
import { execIn, type ContainerRef } from './port-actions.js';
import { isMissingBinary } from './sqlite-cli.js';

export const TOOLS = ['sqlite3', 'sha256sum', 'df', 'stat', 'mv', 'mkdir', 'sleep', 'cp', 'rm', 'find'] as const;
export type Tool = (typeof TOOLS)[number];

/** Positional arguments only: no tool name is ever part of the script. */
export const PROBE_SCRIPT = 'for b do command -v "$b" >/dev/null 2>&1 && echo "$b"; done; exit 0';

/** The tools found in the image (those named in TOOLS), asked in the app's container or in a helper from its image. */
export async function probeImageTools(io: StepIO, ref: ContainerRef, where: 'container' | 'helper' = 'container'): Promise<Tool[]> {
  const result = await io.perform(execIn(ref, ['sh', '-c', PROBE_SCRIPT, 'sh', ...TOOLS], { where }));
  if (!isMissingBinary(result) && result.exitCode === 0) {
    const found = new Set(result.stdout.split('\n').map((line) => line.trim()));
    return TOOLS.filter((tool) => found.has(tool));
  }
  // No sh: ask each binary itself; only "not found" (126/127) means absent.
  const answers = await Promise.all(
    TOOLS.map(async (tool) => !isMissingBinary(await io.perform(execIn(ref, [tool, '--help'], { where })))),
  );
  return TOOLS.filter((_, index) => answers[index]);
}
