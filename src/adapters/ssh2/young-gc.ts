// A scavenge on demand, for a loop that turns over buffers much faster than it allocates JS objects (an SFTP upload
// allocates two copies of every byte inside ssh2): V8 collects those buffers only when its young generation fills
// or 64 MB of them have piled up, and glibc keeps the high-water mark resident.
import v8 from 'node:v8';
import vm from 'node:vm';

type Gc = (options: { type: 'minor' }) => void;
let gc: Gc | null | undefined;

/** Frees the young garbage now; a no-op where V8 does not offer gc(). */
export function collectYoungGarbage(): void {
  if (gc === undefined) gc = (globalThis as { gc?: Gc }).gc ?? exposeGc();
  gc?.({ type: 'minor' });
}

// The flag exposes gc() to the contexts created while it is set: one is made, then the flag is unset again.
function exposeGc(): Gc | null {
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as Gc;
  } catch {
    return null;
  } finally {
    v8.setFlagsFromString('--no-expose-gc');
  }
}
