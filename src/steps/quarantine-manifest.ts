// Where the quarantined files went, in the incident folder: written as each file moves (sha256 still empty: hashing a
// gigabyte while the app is down would lengthen the downtime), then again with every sha256 once the app runs.
import type { Deps } from './deps.js';

export async function writeQuarantineManifest(deps: Deps): Promise<void> {
  const files = deps.facts.quarantined ?? [];
  const hashed = files.filter((file) => file.sha256 !== '');
  await deps.incidentFiles.writeText('quarantine-manifest.json', `${JSON.stringify({ dir: deps.facts.quarantineDir, files }, null, 2)}\n`);
  await deps.incidentFiles.writeText('quarantine.sha256', hashed.map((file) => `${file.sha256}  ${file.to}\n`).join(''));
}
