// What the help panel says, as data: Help renders it and the screen layout counts its lines. Every key the TUI reads
// is listed here. Each line fits 76 columns, the inside of the panel on an 80-column terminal.
export interface HelpSection {
  title: string;
  keys: Array<[press: string, meaning: string]>;
}

export const HELP_SECTIONS: HelpSection[] = [
  {
    title: 'Between steps',
    keys: [
      ['Enter', 'run the next step, or continue after reading a result'],
      ['s', 'skip the step (only where the runbook allows it)'],
      ['r', 'retry the failed step'],
      ['c', 'stop long work the step says may stop (a salvage); the run goes on'],
      ['q', 'quit; nothing is left half-done, the record says where things stand'],
      ['o', "the step's full output and the commands it ran, to scroll through"],
      ['?', 'show or hide this help (Esc hides it too)'],
    ],
  },
  {
    title: 'At a question',
    keys: [
      ['↑/↓ j/k', 'move in a list; / filters it as you type, Esc clears the filter'],
      ['Enter', 'answer; Esc backs out, and the run stops there, nothing half-done'],
      ['Tab', 'complete the path typed; ↑/↓ put a file found into the field'],
    ],
  },
  {
    title: 'In the output view',
    keys: [['↑/↓', 'scroll · PgUp/PgDn page · g/G top/end · ←/→ other steps · Esc close']],
  },
];

export const HELP_GLYPH_LINES = [
  '· pending  ⠋ running  ✔ done  ✘ failed, or found damage  ! found a problem',
  '↷ skipped  ○ not performed (dry-run)  ⚠ changes something: type its name',
];

export const HELP_NOTES = ['Nothing is deleted. Each $ line is what runs; the record keeps every one.'];

export const HELP_DRY_RUN_NOTE = 'DRY RUN: read-only steps run for real; steps marked ⚠ are only printed.';

export const HELP_KEY_COLUMN = 8;
