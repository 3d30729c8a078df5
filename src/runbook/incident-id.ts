// Incident ids are UTC timestamps: they sort, name a folder, and say when the outage was handled.
export function makeIncidentId(epochMs: number): string {
  return new Date(epochMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}
