// Polls instead of sleeping: React 19 batches renders after stdin.write, so a frame appears "soon", not now.
import { stripVTControlCharacters } from 'node:util';

export async function waitFor<T>(probe: () => T | undefined | false, { timeoutMs = 1000, intervalMs = 5 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const result = probe();
      if (result !== undefined && result !== false) return result;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) throw lastError ?? new Error(`waitFor: condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

// A frame as an operator reads it: no colors, no trailing spaces.
export function plain(frame: string | undefined): string {
  return stripVTControlCharacters(frame ?? '')
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

// Resolves with the first frame that contains the text, once that frame's key handlers are bound:
// Ink binds useInput handlers in an effect after the frame is drawn, so typing needs one more macrotask.
export async function waitForFrame(
  lastFrame: () => string | undefined,
  contains: string,
  options?: { timeoutMs?: number },
): Promise<string> {
  const frame = await waitFor(() => {
    const current = plain(lastFrame());
    return current.includes(contains) ? current : undefined;
  }, options);
  await tick();
  return frame;
}

// Ink handles stdin on the next tick after mount; writing before that is lost.
export function tick(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
