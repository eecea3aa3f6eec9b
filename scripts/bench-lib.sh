# Shared by bench-http.sh and bench-db.sh (sourced, not run): CPU pinning,
# one wrk run with the server's CPU time per request, and medians.

# bench_pin sets nserver, nwrk, srv_pin, wrk_pin, THREADS and pin_note from
# PIN, SERVER_CPUS and WRK_CPUS (see bench-http.sh for the defaults' reasons).
bench_pin() {
  ncpu="$(nproc)"
  if [ "$ncpu" -lt 2 ]; then PIN="${PIN:-0}"; else PIN="${PIN:-1}"; fi
  if [ "$PIN" = 1 ]; then
    SERVER_CPUS="${SERVER_CPUS:-0}"
    if [ "$ncpu" = 2 ]; then WRK_CPUS="${WRK_CPUS:-1}"; else WRK_CPUS="${WRK_CPUS:-1-$((ncpu - 1))}"; fi
    nserver="$(cpu_count "$SERVER_CPUS")"
    nwrk="$(cpu_count "$WRK_CPUS")"
    srv_pin=(taskset -c "$SERVER_CPUS")
    wrk_pin=(taskset -c "$WRK_CPUS")
    pin_note="servers on CPU $SERVER_CPUS (GOMAXPROCS=$nserver), wrk on CPU $WRK_CPUS"
  else
    nserver="$ncpu"; nwrk="$ncpu"
    srv_pin=(); wrk_pin=()
    pin_note="unpinned"
  fi
  THREADS="${THREADS:-$((nwrk > 1 ? nwrk : 2))}"
}

# cpu_count counts the CPUs in a taskset list such as 0 or 0,2 or 1-3.
cpu_count() {
  awk -F, '{ n = 0; for (i = 1; i <= NF; i++) { split($i, r, "-"); n += (r[2] == "" ? 1 : r[2] - r[1] + 1) } print n }' <<<"$1"
}

# cpu PID... → user+system clock ticks of these processes
cpu() { local t=0 p; for p in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat"))); done; echo "$t"; }

# run URL PID... → "req/s p99(ms) cpu-µs/request" for CONNS connections over DURATION
run() {
  local url="$1" out rps p99 n c0 c1 bad
  shift
  c0="$(cpu "$@")"
  out="$("${wrk_pin[@]}" wrk -t"$THREADS" -c"$CONNS" -d"$DURATION" --latency "$url")"
  c1="$(cpu "$@")"
  bad="$(awk '/Non-2xx|Socket errors/' <<<"$out")"
  [ -n "$bad" ] && echo "${0##*/}: $url: $bad" >&2
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p99="$(wrk_p99 <<<"$out")"
  n="$(awk '/requests in/ {print $1}' <<<"$out")"
  echo "$rps $p99 $(awk -v a="$c0" -v b="$c1" -v n="$n" -v t="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", (b - a) * 1e6 / t / n }')"
}

# wrk_p99 reads wrk --latency output and prints its 99th percentile in ms.
wrk_p99() {
  awk '$1 == "99%" { v = $2; if (v ~ /us$/) v = v / 1000; else if (v ~ /ms$/) v = v + 0; else if (v ~ /s$/) v = v * 1000; print v }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

# bench_config FILE writes the servers' configuration: wrk's connections
# all come from 127.0.0.1, as a reverse proxy's do (and a trusted proxy is
# not capped), so the per-address connection cap is off; with it, most of
# 200 connections were closed at once and wrk counted read errors.
bench_config() {
  printf 'server:\n  max_conns_per_address: 0\n' >"$1"
}
