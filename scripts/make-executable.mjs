// npm's bin (dist/cli.js) must be executable and start with its launcher after tsc rewrote it.
//
// The launcher is two lines that are a shell script to /bin/sh and a hashbang plus a directive to Node:
//
//   #!/bin/sh
//   ':' //; exec env MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-1}" node --max-semi-space-size=1 "$0" "$@"
//
// The shell runs `:` and then execs Node on this same file (the process keeps its pid, terminal and signals); Node
// skips the hashbang and reads `':'` as a no-op directive. It starts Node as the tool wants it for a restore of a
// database of gigabytes, measured on a 1 GB restore over SSH (bench/restore-rss.ts, docs/upload-memory.md):
// - `--max-semi-space-size=1` (MB, V8's default is 16): V8 scavenges the young generation, and the dead SSH packet
//   buffers in it, when twice the semi-space has piled up; 1 MB keeps that pile near 2 MB instead of 32 MB.
// - `MALLOC_ARENA_MAX=1`: glibc gives each thread that allocates (the SQLite workers, libuv's pool) its own malloc
//   arena and returns little of it; one arena shared by all of them. An operator's own value is kept.
// Both are start-up settings (Node's CLI doc lists --max-semi-space-size among its useful V8 options and says to
// benchmark values; V8 flags set after start-up it calls unpredictable), and `node dist/cli.js`
// still runs the same program without them. `env -S` in a hashbang would do the same but BusyBox's env lacks it.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';

const LAUNCHER = `#!/bin/sh\n':' //; exec env MALLOC_ARENA_MAX="\${MALLOC_ARENA_MAX:-1}" node --max-semi-space-size=1 "$0" "$@"\n`;

const path = new URL('../dist/cli.js', import.meta.url);
const text = readFileSync(path, 'utf8');
if (!text.startsWith(LAUNCHER)) writeFileSync(path, `${LAUNCHER}${text.replace(/^#!.*\n/, '')}`);
chmodSync(path, 0o755);
