// ssh's exec request carries one string that the server's login shell parses. Each argv element is single-quoted so
// that nothing in it ($(…), backticks, ;, globs, newlines) is ever interpreted. Assumes a POSIX login shell.

// Words made only of these characters mean the same to sh quoted or not; leaving them bare keeps logs readable.
// `=` and `~` are absent on purpose: a bare `A=b` first word is an assignment, a leading `~` expands.
const SAFE_WORD = /^[A-Za-z0-9_\-.,:/@%+]+$/;

export function quoteArg(arg: string): string {
  if (SAFE_WORD.test(arg)) return arg;
  return `'${arg.replaceAll("'", `'\\''`)}'`;
}

export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('quoteArgv: empty argv');
  return argv.map(quoteArg).join(' ');
}
