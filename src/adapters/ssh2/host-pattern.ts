// OpenSSH host patterns, shared by ~/.ssh/config `Host` lines and known_hosts: `*` and `?` wildcards, `!` negation,
// case-insensitive. `[` is literal (known_hosts writes `[host]:port`).

export function globMatches(pattern: string, name: string): boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[\\^$.+()|{}[\]]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'i').test(name);
}

/** True when some pattern matches and no negated pattern does. */
export function patternListMatches(patterns: readonly string[], name: string): boolean {
  let matched = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (!globMatches(negated ? pattern.slice(1) : pattern, name)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}
