// The test app's variants for apps that misbehave the way real ones do. Each writes like the drill's app (one sqlite3
// connection in WAL mode on $DB, a row every 0.2 s: src/drill/app-script.ts) and differs only in how it starts or stops.

const WRITE_FOREVER = `write_forever() {
  echo 'PRAGMA journal_mode=WAL;'
  echo 'PRAGMA busy_timeout=5000;'
  echo 'CREATE TABLE IF NOT EXISTS events(id INTEGER PRIMARY KEY, at TEXT NOT NULL, note TEXT);'
  while :; do
    echo "INSERT INTO events(at,note) VALUES(strftime('%Y-%m-%dT%H:%M:%f','now'),'tick');"
    sleep 0.2
  done
}`;

const HEADER = `#!/bin/sh
DB="\${DB:-/data/app.db}"
SQLITE="\${SQLITE:-sqlite3}"
mkdir -p "$(dirname "$DB")"
`;

const WRITER_LOOP = `while :; do
  write_forever | "$SQLITE" "$DB"
  echo "run.sh: $SQLITE exited with $?, starting it again" >&2
  sleep 1
done &`;

/**
 * PID 1 installs no SIGTERM handler (a plain shell script, like `node app.js` without an init): the kernel drops
 * SIGTERM for a namespace's init, so `docker stop -t N` waits all N seconds and then kills it (exit 137).
 */
export const IGNORES_SIGTERM_SCRIPT = `${HEADER}
${WRITE_FOREVER}

${WRITER_LOOP}

while :; do
  wait
  sleep 1
done
`;

/**
 * PID 1 traps SIGTERM and takes 3 s to shut down cleanly: it stops its writer, waits 3 s (a flush, a drain), writes
 * one last row with note 'clean-shutdown' and exits 0. Killed before that, the row is missing and the exit is 137.
 */
export const SLOW_SIGTERM_SCRIPT = `${HEADER}
${WRITE_FOREVER}

stop_slowly() {
  trap '' TERM INT
  echo "run.sh: SIGTERM, shutting down cleanly in 3 s" >&2
  kill -TERM 0 2>/dev/null
  sleep 3
  "$SQLITE" "$DB" "PRAGMA busy_timeout=5000; INSERT INTO events(at,note) VALUES(strftime('%Y-%m-%dT%H:%M:%f','now'),'clean-shutdown');"
  exit 0
}
trap stop_slowly TERM INT

${WRITER_LOOP}

while :; do
  wait
  sleep 1
done
`;

/**
 * Checks its database at start, as many apps do (a migration, an integrity check), and exits 1 when `PRAGMA
 * quick_check` is not ok: with `--restart unless-stopped` (or always) it crash-loops on a corrupt database. A missing
 * database is created, as the drill's app does; once running it behaves like it (SIGTERM ends it at once).
 */
export const QUICK_CHECK_AT_START_SCRIPT = `${HEADER}
if [ -e "$DB" ]; then
  verdict="$("$SQLITE" "$DB" 'PRAGMA quick_check;' 2>&1)"
  if [ "$verdict" != ok ]; then
    echo "run.sh: $DB failed quick_check, exiting: $verdict" >&2
    exit 1
  fi
fi

${WRITE_FOREVER}

stop_all() {
  trap '' TERM INT
  kill -TERM 0 2>/dev/null
  exit 0
}
trap stop_all TERM INT

${WRITER_LOOP}

while :; do
  wait
  sleep 1
done
`;
