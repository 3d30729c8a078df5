import { describe, expect, it } from 'vitest';
import { quoteArg, quoteArgv } from '../../../src/adapters/ssh2/quote-argv.js';

describe('quoteArg', () => {
  it.each([
    ['plain word', 'sqlite3', 'sqlite3'],
    ['path', '/var/lib/app/db.sqlite', '/var/lib/app/db.sqlite'],
    ['option', '--format=json', "'--format=json'"],
    ['empty string', '', "''"],
    ['space', 'my file.db', "'my file.db'"],
    ['single quote', "it's", "'it'\\''s'"],
    ['only quotes', "''", "''\\'''\\'''"],
    ['double quotes', '"x"', `'"x"'`],
    ['command substitution', '$(touch /tmp/x)', "'$(touch /tmp/x)'"],
    ['variable', '$HOME', "'$HOME'"],
    ['backticks', '`id`', "'`id`'"],
    ['semicolon', 'a; rm -rf /', "'a; rm -rf /'"],
    ['pipe and ampersand', 'a | b && c', "'a | b && c'"],
    ['newline', 'line1\nline2', "'line1\nline2'"],
    ['glob', '*.db', "'*.db'"],
    ['leading tilde', '~/x', "'~/x'"],
    ['assignment-looking first word', 'A=b', "'A=b'"],
    ['backslash', 'a\\b', "'a\\b'"],
    ['unicode', 'données', "'données'"],
  ])('%s', (_name, input, expected) => {
    expect(quoteArg(input)).toBe(expected);
  });
});

describe('quoteArgv', () => {
  it('joins quoted elements with single spaces', () => {
    expect(quoteArgv(['sqlite3', '/data/app db.sqlite', 'PRAGMA integrity_check;'])).toBe(
      "sqlite3 '/data/app db.sqlite' 'PRAGMA integrity_check;'",
    );
  });

  it('refuses an empty argv rather than sending an empty command', () => {
    expect(() => quoteArgv([])).toThrow(/empty argv/);
  });
});
