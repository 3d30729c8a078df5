// The drill's app: ONE sqlite3 connection in WAL mode on $DB, inserting a row every 0.2 s, forever — a stand-in for
// a real app that keeps its database open and writes continuously. It stays up on a corrupt database (each failed
// insert is reported on stderr; a sqlite3 that exits is started again) and exits at once on SIGTERM, since as PID 1
// the shell would otherwise ignore it and `docker stop` would wait its whole timeout. $SQLITE names the binary, so
// an image can carry SQLite for the app without a `sqlite3` on the PATH.
export const APP_SCRIPT_PATH = '/app/run.sh';

export const APP_SCRIPT = `#!/bin/sh
DB="\${DB:-/data/app.db}"
SQLITE="\${SQLITE:-sqlite3}"
mkdir -p "$(dirname "$DB")"

write_forever() {
  echo 'PRAGMA journal_mode=WAL;'
  echo 'PRAGMA busy_timeout=5000;'
  echo 'CREATE TABLE IF NOT EXISTS events(id INTEGER PRIMARY KEY, at TEXT NOT NULL, note TEXT);'
  while :; do
    echo "INSERT INTO events(at,note) VALUES(strftime('%Y-%m-%dT%H:%M:%f','now'),'tick');"
    sleep 0.2
  done
}

stop_all() {
  trap '' TERM INT
  kill -TERM 0 2>/dev/null
  exit 0
}
trap stop_all TERM INT

while :; do
  write_forever | "$SQLITE" "$DB"
  echo "run.sh: $SQLITE exited with $?, starting it again" >&2
  sleep 1
done &

while :; do
  wait
  sleep 1
done
`;
