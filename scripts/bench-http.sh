#!/usr/bin/env bash
# Load-tests the public pages and feed against nginx serving the very same
# bytes as static files, in the same run (issue 6). Needs wrk and nginx
# (apt-get install wrk nginx-light); installs them when run as root.
#
#   scripts/bench-http.sh                       # 200 connections, 10 s per run, pinned
#   DURATION=15s ROUNDS=2 scripts/bench-http.sh # each path: zhiban, nginx, zhiban, nginx
#   PIN=0 scripts/bench-http.sh                 # no CPU pinning, everything on every CPU
#   ZHIBAN_BIN=/path/to/zhiban scripts/bench-http.sh   # use a prebuilt binary
#
# Fairness, so the ratio compares the two servers and nothing else:
#   - Pinned (PIN=1, the default when there are at least 2 CPUs): each server
#     runs on SERVER_CPUS (default CPU 0) and wrk on WRK_CPUS (default the
#     other CPUs), so the load generator never steals the server's core and
#     both servers get exactly the same CPU. GOMAXPROCS for zhiban and
#     worker_processes for nginx both equal the number of server CPUs.
#   - nginx: access_log off, sendfile on, tcp_nopush on (one segment per
#     response), keepalive with no request limit, etag on; no open_file_cache
#     (stock nginx; OPEN_FILE_CACHE=1 adds it).
#   - Neither side compresses: wrk sends no Accept-Encoding, so both answer
#     with the identity body; the script checks both serve identical bytes.
#   - zhiban runs with public_url set, as deployed (else "/" is cached per
#     Host and skips the cache-hit bypass).
#   - As root, the temporary directory is made world-readable: nginx's
#     workers run as "nobody", and against a 0700 directory every nginx
#     answer is a 403 (earlier runs of this script measured exactly that).
#   - Runs alternate zhiban and nginx for each path (ROUNDS times) so a burst
#     of unrelated load on a shared machine hits both; the table shows the
#     median of the rounds. "cpu/req" is the server's user+system CPU time
#     per request (from /proc), which is steadier than r/s on a busy machine.
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS="${CONNS:-200}"
DURATION="${DURATION:-10s}"
ROUNDS="${ROUNDS:-1}"
ZB_PORT="${ZB_PORT:-18080}"
NG_PORT="${NG_PORT:-18081}"
# shellcheck source=scripts/bench-lib.sh
. scripts/bench-lib.sh
bench_pin

for tool in wrk nginx curl; do
  if ! command -v "$tool" >/dev/null && ! [ -x "/usr/sbin/$tool" ]; then
    if [ "$(id -u)" = 0 ]; then
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk nginx-light curl >/dev/null
    else
      echo "bench-http: $tool is missing (apt-get install wrk nginx-light curl)" >&2; exit 1
    fi
  fi
done
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

work="$(mktemp -d)"
# nginx started as root serves as "nobody", which must reach the files: a
# 0700 temporary directory turns every nginx answer into a 403.
chmod 755 "$work"
zb_pid=""; ng_started=""
cleanup() {
  [ -n "$zb_pid" ] && kill "$zb_pid" 2>/dev/null || true
  [ -n "$ng_started" ] && "$NGINX" -p "$work/nginx" -c nginx.conf -s stop 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

bin="${ZHIBAN_BIN:-}"
if [ -z "$bin" ]; then
  bin="$work/zhiban"
  go build -o "$bin" ./cmd/zhiban
fi

bench_config "$work/zhiban.yaml"
# public_url set as in a deployment: without it "/" is cached per Host and
# answered through echo rather than the cache-hit bypass in ServeHTTP.
ZHIBAN_PUBLIC_URL="${ZHIBAN_PUBLIC_URL:-http://127.0.0.1:$ZB_PORT}" \
GOMAXPROCS="$nserver" "${srv_pin[@]}" "$bin" serve --demo --config "$work/zhiban.yaml" --db "$work/z.db" --listen "127.0.0.1:$ZB_PORT" >"$work/serve.log" 2>&1 &
zb_pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$ZB_PORT/healthz" >/dev/null && break; sleep 0.1; done

month="$(TZ=Asia/Shanghai date +%Y-%m)"
paths=("/" "/roster/$month" "/feeds/roster.ics")
files=("index.html" "roster-$month.html" "roster.ics")

mkdir -p "$work/nginx/html" "$work/nginx/logs" "$work/nginx/tmp" "$work/prev"
# Jobs catching up after start-up may still change the data: copy the
# bytes once two fetches more than the cache's one-second check apart agree.
for _ in $(seq 30); do
  for i in "${!paths[@]}"; do
    curl -fs "http://127.0.0.1:$ZB_PORT${paths[$i]}" -o "$work/prev/${files[$i]}"
  done
  sleep 1.2
  same=1
  for i in "${!paths[@]}"; do
    curl -fs "http://127.0.0.1:$ZB_PORT${paths[$i]}" -o "$work/nginx/html/${files[$i]}"
    cmp -s "$work/prev/${files[$i]}" "$work/nginx/html/${files[$i]}" || same=0
  done
  [ "$same" = 1 ] && break
done
ofc=""
[ "${OPEN_FILE_CACHE:-0}" = 1 ] && ofc="open_file_cache max=64 inactive=60s; open_file_cache_valid 60s;"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes $nserver;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  $ofc
  types { text/html html; text/calendar ics; }
  client_body_temp_path $work/nginx/tmp;
  proxy_temp_path $work/nginx/tmp;
  fastcgi_temp_path $work/nginx/tmp;
  uwsgi_temp_path $work/nginx/tmp;
  scgi_temp_path $work/nginx/tmp;
  server {
    listen 127.0.0.1:$NG_PORT;
    root $work/nginx/html;
    etag on;
  }
}
CONF
"${srv_pin[@]}" "$NGINX" -p "$work/nginx" -c nginx.conf
ng_started=1
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$NG_PORT/${files[0]}" >/dev/null && break; sleep 0.1; done
ng_master="$(cat "$work/nginx/nginx.pid")"

# Same bytes from both servers, or the comparison means nothing.
for i in "${!paths[@]}"; do
  if ! cmp -s <(curl -fs "http://127.0.0.1:$ZB_PORT${paths[$i]}") <(curl -fs "http://127.0.0.1:$NG_PORT/${files[$i]}"); then
    echo "bench-http: ${paths[$i]} differs between zhiban and nginx" >&2; exit 1
  fi
done

[ "$PIN" = 1 ] && pin_note="servers on CPU $SERVER_CPUS (GOMAXPROCS=$nserver, nginx worker_processes $nserver), wrk on CPU $WRK_CPUS"
echo "wrk -t$THREADS -c$CONNS -d$DURATION, $ROUNDS round(s), $ncpu CPUs, $pin_note"
echo "$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), nginx $("$NGINX" -v 2>&1 | sed 's/.*\///'), $("$bin" version 2>/dev/null | head -1 || true)"
printf '%-18s %9s %8s %8s   %9s %8s %8s   %6s  %s\n' path "zhiban/s" "p99 ms" "cpu/req" "nginx/s" "p99 ms" "cpu/req" ratio bytes
for i in "${!paths[@]}"; do
  size="$(stat -c %s "$work/nginx/html/${files[$i]}")"
  zs=(); ns=()
  for _ in $(seq "$ROUNDS"); do
    zs+=("$(run "http://127.0.0.1:$ZB_PORT${paths[$i]}" "$zb_pid")")
    # shellcheck disable=SC2046
    ns+=("$(run "http://127.0.0.1:$NG_PORT/${files[$i]}" "$ng_master" $(pgrep -P "$ng_master"))")
  done
  col() { local k="$1"; shift; printf '%s\n' "$@" | awk -v k="$k" '{print $k}' | median; }
  zr="$(col 1 "${zs[@]}")"; zp="$(col 2 "${zs[@]}")"; zc="$(col 3 "${zs[@]}")"
  nr="$(col 1 "${ns[@]}")"; np="$(col 2 "${ns[@]}")"; nc="$(col 3 "${ns[@]}")"
  ratio="$(awk -v a="$zr" -v b="$nr" 'BEGIN { printf "%.0f%%", 100 * a / b }')"
  printf '%-18s %9.0f %8.2f %8s   %9.0f %8.2f %8s   %6s  %s\n' "${paths[$i]}" "$zr" "$zp" "${zc}µs" "$nr" "$np" "${nc}µs" "$ratio" "$size"
  if [ "$ROUNDS" -gt 1 ]; then
    printf '%-18s zhiban %s\n' "" "$(printf '%s; ' "${zs[@]}")"
    printf '%-18s nginx  %s\n' "" "$(printf '%s; ' "${ns[@]}")"
  fi
done
