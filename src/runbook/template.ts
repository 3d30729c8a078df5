// Fills <placeholders> in a runbook command with what the run knows; unknown ones stay as they are, so a
// command shown before a fact is learned still reads as a recipe.
const placeholder = /<([a-zA-Z][a-zA-Z0-9]*)>/g;

// Quotes a value for display the way a POSIX shell would need it, so a shown command can be pasted.
export function quoteForDisplay(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

export function renderCommand(command: string, values: Readonly<Record<string, string | undefined>>): string {
  return command.replace(placeholder, (whole, key: string) => {
    const value = values[key];
    return value === undefined ? whole : quoteForDisplay(value);
  });
}

/** An argv as a line an operator could paste into a shell. */
export function shellLine(argv: readonly string[]): string {
  return argv.map(quoteForDisplay).join(' ');
}
