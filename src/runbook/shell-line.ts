// Commands as an operator reads and pastes them: argv quoted the way a POSIX shell needs it. Display only: nothing
// here is ever handed to a shell.
// Quotes a value for display the way a POSIX shell would need it, so a shown command can be pasted.
export function quoteForDisplay(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** An argv as a line an operator could paste into a shell. */
export function shellLine(argv: readonly string[]): string {
  return argv.map(quoteForDisplay).join(' ');
}
