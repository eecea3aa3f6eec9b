#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests and prints its URL.
# Usage: scripts/pg-test-cluster.sh DIR   (stop it: pg_ctl -D DIR/data stop)
# The cluster runs as an unprivileged user (initdb refuses root), listens
# only on a Unix socket in DIR and trusts local connections: it is for tests.
set -euo pipefail
dir="$1"
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
run_as=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  run_as=(runuser -u postgres --)
fi
mkdir -p "$dir"
chmod 0777 "$dir"
"${run_as[@]}" "$bin/initdb" -D "$dir/data" -U zhiban -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1
"${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-k $dir -c listen_addresses='' -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
"$bin/createdb" -h "$dir" -U zhiban zhiban_test
echo "postgres://zhiban@/zhiban_test?host=$dir&sslmode=disable"
