#!/usr/bin/env bash
# Public page throughput of a real `zhiban serve` on SQLite against
# PostgreSQL (issue 12, item 7), measured with wrk as bench-http.sh does.
# With --writes, each path is measured again while editors register cases
# through the JSON API: on PostgreSQL on a second replica (so the first one
# learns of them only through its 250 ms cache check), on SQLite on the one
# process. Needs wrk and curl, and psql for PostgreSQL.
#
#   PG_URL=postgres://… scripts/bench-db.sh           # both databases, 200 connections, 10 s per run
#   scripts/bench-db.sh --db sqlite                   # SQLite only, no server needed
#   PG_URL=… scripts/bench-db.sh --db postgres --writes
#   WRITE_PAUSE_MS=20 ROUNDS=3 PG_URL=… scripts/bench-db.sh --writes
#
# PG_URL is any PostgreSQL the script may create a schema on (it drops it at
# the end); scripts/pg-test-cluster.sh DIR starts a throwaway one (note that
# it runs with fsync off). Each database gets a fresh `serve --demo` county.
# Pinning as in bench-http.sh: replica A on SERVER_CPUS, wrk on WRK_CPUS;
# the write replica B and its writer share WRK_CPUS so A keeps its CPU;
# the PostgreSQL server is not pinned (it is not ours to move). "cpu/req" is
# replica A's CPU time per request; the database server's is not counted.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: scripts/bench-db.sh [--db sqlite|postgres|both] [--writes]" >&2; exit 2; }
db=both; writes=0
while [ $# -gt 0 ]; do
  case "$1" in
    --db) [ $# -ge 2 ] || usage; db="$2"; shift 2 ;;
    --db=*) db="${1#*=}"; shift ;;
    --writes) writes=1; shift ;;
    *) usage ;;
  esac
done
case "$db" in
  sqlite) dbs=(sqlite) ;;
  postgres) dbs=(postgres) ;;
  both) dbs=(sqlite postgres) ;;
  *) usage ;;
esac

CONNS="${CONNS:-200}"
DURATION="${DURATION:-10s}"
ROUNDS="${ROUNDS:-1}"
PORT_A="${PORT_A:-18090}"
PORT_B="${PORT_B:-18091}"
WRITE_PAUSE_MS="${WRITE_PAUSE_MS:-100}" # the writer's pause after each write: ~10 writes/s
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
bench_pin

need=(wrk curl)
[[ " ${dbs[*]} " == *" postgres "* ]] && need+=(psql)
for tool in "${need[@]}"; do
  command -v "$tool" >/dev/null || { echo "bench-db: $tool is missing (apt-get install wrk curl postgresql-client)" >&2; exit 1; }
done
if [[ " ${dbs[*]} " == *" postgres "* ]] && [ -z "${PG_URL:-}" ]; then
  echo "bench-db: PG_URL is not set (scripts/pg-test-cluster.sh DIR starts a server and prints one)" >&2; exit 1
fi

work="$(mktemp -d)"
pids=(); schema=""
stop_servers() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
cleanup() {
  stop_servers
  [ -n "$schema" ] && psql -q "$PG_URL" -c "SET client_min_messages = warning; DROP SCHEMA $schema CASCADE" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

bin="${ZHIBAN_BIN:-}"
if [ -z "$bin" ]; then
  bin="$work/zhiban"
  go build -o "$bin" ./cmd/zhiban
fi

bench_config "$work/zhiban.yaml"

# serve NAME DSN PORT PIN... starts a replica (pinned by PIN..., which may be
# empty) and waits until it answers; its pid is left in served.
serve() {
  local name="$1" dsn="$2" port="$3"
  shift 3
  ZHIBAN_PUBLIC_URL="http://127.0.0.1:$port" GOMAXPROCS="$nserver" "$@" \
    "$bin" serve --demo --config "$work/zhiban.yaml" --db "$dsn" --listen "127.0.0.1:$port" >"$work/$name.log" 2>&1 &
  served=$!
  pids+=("$served")
  for _ in $(seq 300); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.1; done
  echo "bench-db: $name did not start:" >&2; cat "$work/$name.log" >&2; exit 1
}

# settle waits until the pages stop changing: jobs catching up after the
# start may still write. Two fetches more than the cache check apart agree.
settle() {
  local port="$1" p same
  for _ in $(seq 30); do
    for p in "${paths[@]}"; do curl -fs "http://127.0.0.1:$port$p" | md5sum; done >"$work/a"
    sleep 1.2
    for p in "${paths[@]}"; do curl -fs "http://127.0.0.1:$port$p" | md5sum; done >"$work/b"
    cmp -s "$work/a" "$work/b" && return
  done
}

# writer PORT starts wrk registering cases on one connection, a pause of
# WRITE_PAUSE_MS after each, for a little longer than a reader's run.
writer() {
  local port="$1" token received secs
  printf 'bench-password-123\n' | "$bin" user add bench --role editor --db "$dsn" >/dev/null 2>&1 || true
  token="$("$bin" user token bench --db "$dsn" 2>/dev/null)"
  received="$(TZ=Asia/Shanghai date -d yesterday +%F)"
  cat >"$work/writes.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  local body = string.format('{"title":"征地补偿款未到位","category":"征地拆迁","township":"t01","received":"$received","channel":"来访","petitioner":{"name":"张%d","phone":"139%08d","address":"城关镇%d号"},"content":"反映征地补偿款至今未发放到位。","group_size":1,"leader":"L01"}', n, n, n)
  return wrk.format("POST", "/api/v1/cases", {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $token"}, body)
end
delay = function() return $WRITE_PAUSE_MS end
LUA
  secs="${DURATION%s}"
  "${wrk_pin[@]}" wrk -t1 -c1 -d"$((secs + 2))s" --latency -s "$work/writes.lua" "http://127.0.0.1:$port" >"$work/writes.out" &
  writer_pid=$!
  sleep 1
}

# writes_done prints the finished writer's "writes/s p99(ms)".
writes_done() {
  local out="$work/writes.out" bad
  bad="$(awk '/Non-2xx|Socket errors/' "$out")"
  [ -n "$bad" ] && echo "bench-db: writes: $bad" >&2
  echo "$(awk '/^Requests\/sec:/ {print $2}' "$out") $(wrk_p99 <"$out")"
}

month="$(TZ=Asia/Shanghai date +%Y-%m)"
paths=("/" "/roster/$month" "/feeds/roster.ics")

echo "wrk -t$THREADS -c$CONNS -d$DURATION, $ROUNDS round(s), $ncpu CPUs, $pin_note"
echo "$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), $("$bin" version 2>/dev/null | head -1 || true)"
printf '%-9s %-18s %-22s %9s %8s %8s   %s\n' db path mode "req/s" "p99 ms" "cpu/req" "load1"
for d in "${dbs[@]}"; do
  if [ "$d" = postgres ]; then
    schema="bench_$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
    psql -q "$PG_URL" -c "CREATE SCHEMA $schema" >/dev/null
    case "$PG_URL" in *\?*) dsn="$PG_URL&search_path=$schema" ;; *) dsn="$PG_URL?search_path=$schema" ;; esac
  else
    dsn="$work/z.db"
  fi
  serve a "$dsn" "$PORT_A" "${srv_pin[@]}"
  a_pid="$served"
  modes=(quiet)
  if [ "$writes" = 1 ]; then
    modes+=(writes)
    wport="$PORT_A"
    if [ "$d" = postgres ]; then
      serve b "$dsn" "$PORT_B" "${wrk_pin[@]}"
      wport="$PORT_B"
    fi
  fi
  settle "$PORT_A"
  for p in "${paths[@]}"; do
    for mode in "${modes[@]}"; do
      rs=(); ws=()
      for _ in $(seq "$ROUNDS"); do
        if [ "$mode" = writes ]; then writer "$wport"; fi
        rs+=("$(run "http://127.0.0.1:$PORT_A$p" "$a_pid")")
        if [ "$mode" = writes ]; then wait "$writer_pid"; ws+=("$(writes_done)"); fi
      done
      col() { local k="$1"; shift; printf '%s\n' "$@" | awk -v k="$k" '{print $k}' | median; }
      label="$mode"
      if [ "$mode" = writes ]; then label="$(printf '%.0f' "$(col 1 "${ws[@]}")") w/s p99 $(col 2 "${ws[@]}")ms"; fi
      printf '%-9s %-18s %-22s %9.0f %8.2f %8s   %s\n' "$d" "$p" "$label" \
        "$(col 1 "${rs[@]}")" "$(col 2 "${rs[@]}")" "$(col 3 "${rs[@]}")µs" "$(cut -d' ' -f1 /proc/loadavg)"
      if [ "$ROUNDS" -gt 1 ]; then
        printf '%-9s %-18s rounds: %s\n' "" "" "$(printf '%s; ' "${rs[@]}")"
      fi
    done
  done
  stop_servers
  if [ -n "$schema" ]; then
    psql -q "$PG_URL" -c "SET client_min_messages = warning; DROP SCHEMA $schema CASCADE" >/dev/null
    schema=""
  fi
done
