// The apps the benchmark restores, as real ones behave when their database is corrupt. Each is production on the bench
// outage (Coolify's labels, Coolify's restart policy unless-stopped) and writes like the drill's app: one sqlite3
// connection in WAL mode, a row every 0.2 s. They differ in how they stop and start (test/support/docker/app-scripts.ts).
import { APP_IGNORES_SIGTERM_IMAGE, APP_IMAGE, APP_QUICK_CHECK_IMAGE, APP_SLOW_SIGTERM_IMAGE } from '../test/support/docker/index.js';

export type VariantId = 'ignores' | 'traps' | 'crashloop' | 'instant';

export interface AppVariant {
  id: VariantId;
  /** One line for the tables. */
  label: string;
  image: string;
  /** Exits at start on a corrupt database: restarting (not running) when the recovery begins; exec into it fails. */
  crashLoops: boolean;
}

export const VARIANTS: Record<VariantId, AppVariant> = {
  ignores: { id: 'ignores', label: 'PID 1 ignores SIGTERM', image: APP_IGNORES_SIGTERM_IMAGE, crashLoops: false },
  traps: { id: 'traps', label: 'traps SIGTERM, 3 s clean shutdown', image: APP_SLOW_SIGTERM_IMAGE, crashLoops: false },
  crashloop: { id: 'crashloop', label: 'crash-loops (quick_check at start)', image: APP_QUICK_CHECK_IMAGE, crashLoops: true },
  instant: { id: 'instant', label: 'exits at once on SIGTERM', image: APP_IMAGE, crashLoops: false },
};

/** Parses `--variants ignores,traps`; throws naming the unknown one. */
export function parseVariants(text: string): AppVariant[] {
  return text
    .split(',')
    .filter(Boolean)
    .map((id) => {
      const variant = VARIANTS[id as VariantId];
      if (!variant) throw new Error(`unknown app variant ${JSON.stringify(id)}: use ${Object.keys(VARIANTS).join(', ')}`);
      return variant;
    });
}
