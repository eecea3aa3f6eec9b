#!/usr/bin/env bash
# Load-tests the public pages and feed against nginx serving the very same
# bytes as static files, in the same run (issue 6). Needs wrk and nginx
# (apt-get install wrk nginx-light); installs them when run as root.
#
#   scripts/bench-http.sh                 # 200 connections, 10 s per URL
#   CONNS=200 DURATION=30s THREADS=4 scripts/bench-http.sh
#   ZHIBAN_BIN=/path/to/zhiban scripts/bench-http.sh   # use a prebuilt binary
set -euo pipefail
cd "$(dirname "$0")/.."

CONNS="${CONNS:-200}"
DURATION="${DURATION:-10s}"
THREADS="${THREADS:-4}"
ZB_PORT="${ZB_PORT:-18080}"
NG_PORT="${NG_PORT:-18081}"

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

"$bin" serve --demo --db "$work/z.db" --listen "127.0.0.1:$ZB_PORT" >"$work/serve.log" 2>&1 &
zb_pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$ZB_PORT/healthz" >/dev/null && break; sleep 0.1; done

month="$(TZ=Asia/Shanghai date +%Y-%m)"
paths=("/" "/roster/$month" "/feeds/roster.ics")
files=("index.html" "roster-$month.html" "roster.ics")

mkdir -p "$work/nginx/html" "$work/nginx/logs"
for i in "${!paths[@]}"; do
  curl -fs "http://127.0.0.1:$ZB_PORT${paths[$i]}" -o "$work/nginx/html/${files[$i]}"
done
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
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
mkdir -p "$work/nginx/tmp"
"$NGINX" -p "$work/nginx" -c nginx.conf
ng_started=1
sleep 0.3

# run URL → "req/s p99"
run() {
  local out rps p99
  out="$(wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$1")"
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  echo "$rps $p99"
}

echo "wrk -t$THREADS -c$CONNS -d$DURATION, $(nproc) CPUs, $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), nginx $("$NGINX" -v 2>&1 | sed 's/.*\///')"
printf '%-24s %10s %12s %10s %12s %8s\n' path "zhiban r/s" "zhiban p99" "nginx r/s" "nginx p99" ratio
for i in "${!paths[@]}"; do
  size="$(stat -c %s "$work/nginx/html/${files[$i]}")"
  read -r zr zp <<<"$(run "http://127.0.0.1:$ZB_PORT${paths[$i]}")"
  read -r nr np <<<"$(run "http://127.0.0.1:$NG_PORT/${files[$i]}")"
  ratio="$(awk -v a="$zr" -v b="$nr" 'BEGIN { printf "%.0f%%", 100 * a / b }')"
  printf '%-24s %10s %12s %10s %12s %8s  (%s bytes)\n' "${paths[$i]}" "$zr" "$zp" "$nr" "$np" "$ratio" "$size"
done
