#!/bin/sh
# The test app: ONE sqlite3 connection in WAL mode on $DB, inserting a row every 0.2 s, forever.
# It stays up when the database is corrupt (sqlite3 without -bail reports each failed statement on stderr
# and reads on; if sqlite3 itself exits it is started again), and stops at once on SIGTERM: as PID 1 the
# shell would otherwise ignore it and `docker stop` would wait its full timeout.
DB="${DB:-/data/app.db}"
mkdir -p "$(dirname "$DB")"

write_forever() {
  echo 'PRAGMA journal_mode=WAL;'
  echo 'PRAGMA busy_timeout=5000;'
  echo 'CREATE TABLE IF NOT EXISTS events(id INTEGER PRIMARY KEY, at TEXT, note TEXT);'
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
  write_forever | sqlite3 "$DB"
  echo "run.sh: sqlite3 exited with $?, starting it again" >&2
  sleep 1
done &

# `wait` returns as soon as a trapped signal arrives, so the trap runs without delay.
while :; do
  wait
  sleep 1
done
