// npm's bin must be executable and start with a shebang after tsc rewrote cli.js.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
const path = new URL('../dist/cli.js', import.meta.url);
const text = readFileSync(path, 'utf8');
if (!text.startsWith('#!')) writeFileSync(path, `#!/usr/bin/env node\n${text}`);
chmodSync(path, 0o755);
