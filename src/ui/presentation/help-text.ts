// What the help panel says, as data: Help renders it and the screen layout counts its lines.
// Each line fits 76 columns, the inside of the panel on an 80-column terminal.
export const HELP_KEYS: Array<[press: string, meaning: string]> = [
  ['Enter', 'run the next step, or continue after reading a result'],
  ['s', 'skip the step (only where the runbook allows it)'],
  ['r', 'retry the failed step'],
  ['q', 'quit; nothing is left half-done and the record says where things stand'],
  ['?', 'show or hide this help (Esc hides it too)'],
];

export const HELP_GLYPHS: Array<[glyph: string, meaning: string]> = [
  ['·', 'pending'],
  ['⠋', 'running'],
  ['✔', 'done'],
  ['✘', 'failed'],
  ['↷', 'skipped'],
  ['○', 'not performed (dry-run)'],
  ['⚠', 'the step changes something; it asks you to type its target first'],
];

export const HELP_NOTES = [
  'Nothing is deleted: replaced files are moved to a quarantine folder first.',
  'Each command after $ is what runs; the incident folder records all of it.',
];

export const HELP_DRY_RUN_NOTE = 'DRY RUN: read-only steps run for real; steps marked ⚠ are only printed.';

export const HELP_KEY_COLUMN = 6;
