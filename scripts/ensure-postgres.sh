#!/usr/bin/env bash
# Makes sure PostgreSQL answers at 127.0.0.1:5432 before the integration tests run against it
# (`npm test` runs this first): the store contract suite runs on PostgreSQL too and fails, never
# skips, without it. Installs Debian's postgresql when it is missing, starts the cluster when it
# is down (Debian installs it but does not start it: no systemd), and waits, bounded. Does
# nothing when the server is already up.
set -euo pipefail

pg_host=127.0.0.1
pg_port=5432
# How long to wait for a starting server: pg_isready once a second, at most this many times.
pg_ready_attempts_max=60

pg_ready() {
  command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h "$pg_host" -p "$pg_port"
}

pg_ready && exit 0

echo "ensure-postgres: starting PostgreSQL"
installed_now=no
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
  installed_now=yes
fi
pg_version="$(ls /etc/postgresql | sort -V | tail -n 1)"
if [[ $installed_now == yes ]]; then
  # A fresh Debian cluster asks for a password over TCP; the tests connect as postgres without
  # one (as on the development machines), so trust loopback connections on a machine we set up.
  hba="/etc/postgresql/${pg_version}/main/pg_hba.conf"
  printf 'host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n%s\n' "$(cat "$hba")" >"$hba"
fi
# pg_isready lives in the versioned bin directory on Debian; put it on PATH for the wait below.
export PATH="/usr/lib/postgresql/${pg_version}/bin:$PATH"
pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start || true
for ((attempt = 1; attempt <= pg_ready_attempts_max; attempt++)); do
  pg_ready && exit 0
  sleep 1
done
echo "ensure-postgres: PostgreSQL did not come up at $pg_host:$pg_port" >&2
exit 1
