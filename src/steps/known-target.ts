// The target as a declaration sees it before find-container has settled it: what is known so far, placeholders
// for the rest, so `runbook print` and the TUI can show every command with its blanks named.
import type { Known } from './deps.js';
import type { Target } from './facts.js';
import { helperName, type HelperPurpose } from './helpers.js';

/** A database path whose folder and name are both blanks: dirname and basename of it stay readable. */
export const DB_PLACEHOLDER = '<db-dir>/<db-name>';

/** The target settled, or one made of what the flags say and placeholders. */
export function knownTarget(known: Known): Target {
  return (
    known.facts.target ?? {
      containerId: '{id}',
      containerName: known.options.container ?? '<container>',
      image: '<image>',
      appName: known.options.container ?? '<app>',
      dbPath: known.options.db ?? DB_PLACEHOLDER,
      dataMount: { type: 'volume', source: '<volume>', destination: '<db-dir>' },
    }
  );
}

export const knownRef = (known: Known) => {
  const target = knownTarget(known);
  return { id: target.containerId, name: target.containerName };
};

/** The helper's name once the target is known; a blank before. */
export function knownHelperName(known: Known, purpose: HelperPurpose): string {
  return known.facts.target ? helperName(known.facts.target, known.incident.id, purpose) : `<${purpose}-helper>`;
}
