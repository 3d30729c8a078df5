#!/usr/bin/env bash
# Makes sure this machine can run drills and tests: a Docker engine that answers, busybox and sqlite3 (the drill's
# app image is assembled from them), and, for the tests, OpenSSH and tmux. On Debian as root it installs what is
# missing and starts dockerd in the background; elsewhere it says what to do and fails.
set -euo pipefail
packages=(docker.io busybox-static sqlite3)
# iproute2: the scan tests give their private engine a bridge of its own (`ip link add`).
[ "${1:-}" = "--for-tests" ] && packages+=(openssh-server openssh-client tmux iproute2)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    echo "missing: ${missing[*]} — install them (Debian: sudo apt-get install ${missing[*]}) and run this again" >&2
    exit 1
  fi
  echo "installing ${missing[*]} ..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "no Docker engine answers: start Docker (or set DOCKER_HOST to one) and run this again" >&2
    exit 1
  fi
  echo "starting dockerd (log: /tmp/sqlite-rescue-dockerd.log) ..." >&2
  nohup dockerd >/tmp/sqlite-rescue-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
fi
docker info --format 'Docker engine {{.ServerVersion}} answers' >&2 || { echo "dockerd did not start:" >&2; tail -30 /tmp/sqlite-rescue-dockerd.log >&2; exit 1; }
