#!/usr/bin/env bash
# Scale-out, proved locally: N persona-server replicas on loopback ports behind one
# client-side round_robin target, driven by `persona-cli bench`.
#
#   deploy/replicas.sh N [--base_port=P] [--build_dir=DIR] [--duration=S] [--rate=R]
#                        [--concurrency=C] [--closed_loop] [--catalog=PATH] [--kill_one]
#                        [--kill_after=S] [--assert] [--keep]
#
# Starts N replicas (gRPC on 127.0.0.1:P+i, metrics on 127.0.0.1:P+100+i; --base_port=0
# picks a free range), waits until each serves the catalog, runs
#   persona-cli bench --target=ipv4:127.0.0.1:P,127.0.0.1:P+1,… --lb=round_robin
# (open loop: --rate calls/s for --duration s over --concurrency connections; --closed_loop:
# --concurrency calls always in flight, the most the replicas and this machine can do), and
# prints each replica's ScoreCustomer OK count from its own /metrics, the total throughput
# and the bench's count per status code. The bench runs without its warm-up second, so the
# replicas' counts add up to the bench's OK calls.
#
# --kill_one SIGKILLs the last replica --kill_after seconds into the measured run (default:
# half way). Its count is scraped just before the kill. Calls that were in flight on it at
# that moment fail with UNAVAILABLE (the connection is gone; gRPC does not retry a call the
# server may have started, and the bench sets no retry policy or wait_for_ready): the bench's
# status line shows exactly how many. Every call started after round_robin has seen the
# connection drop goes to the survivors; the script shows the survivors' counts growing
# after the kill.
#
# --assert (for tests): exit 1 unless every replica served calls, the only failures are
# UNAVAILABLE at the kill (at most --max_failed, default 1% of the calls), and every
# survivor kept serving after it. Without --kill_one, any failed call fails.
# Needs bash, the built persona-server and persona-cli; nothing else (metrics are read with
# bash's /dev/tcp).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }

replicas=""
base_port=50061
build_dir="$root/build"
duration=10
rate=2000
concurrency=4
catalog="$root/deploy/catalog"
kill_one=0
closed_loop=0
kill_after=""
assert=0
keep=0
max_failed=""
for a in "$@"; do
  case "$a" in
    --base_port=*) base_port="${a#*=}" ;;
    --build_dir=*) build_dir="${a#*=}" ;;
    --duration=*) duration="${a#*=}" ;;
    --rate=*) rate="${a#*=}" ;;
    --concurrency=*) concurrency="${a#*=}" ;;
    --catalog=*) catalog="${a#*=}" ;;
    --kill_one) kill_one=1 ;;
    --closed_loop) closed_loop=1 ;;
    --kill_after=*) kill_after="${a#*=}" ;;
    --max_failed=*) max_failed="${a#*=}" ;;
    --assert) assert=1 ;;
    --keep) keep=1 ;;
    -h|--help) usage ;;
    -*) echo "replicas.sh: unknown option $a" >&2; usage ;;
    *) [ -z "$replicas" ] || usage; replicas="$a" ;;
  esac
done
[[ "$replicas" =~ ^[1-9][0-9]*$ ]] || usage
if [ "$kill_one" = 1 ] && [ "$replicas" -lt 2 ]; then
  echo "replicas.sh: --kill_one needs at least 2 replicas" >&2; exit 2
fi
server="$build_dir/service/persona-server"
cli="$build_dir/client/persona-cli"
for b in "$server" "$cli"; do
  [ -x "$b" ] || { echo "replicas.sh: $b not built (cmake --build $build_dir --target persona-server persona-cli all_plugins)" >&2; exit 2; }
done
[ -n "$kill_after" ] || kill_after="$(awk -v d="$duration" 'BEGIN { printf "%.1f", d / 2 }')"

# A port is free if nothing accepts a connection on it.
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
if [ "$base_port" = 0 ]; then
  for _ in $(seq 1 50); do
    base_port=$(( 20000 + (RANDOM % 400) * 100 ))
    ok=1
    for i in $(seq 0 $((replicas - 1))); do
      port_free $((base_port + i)) && port_free $((base_port + 100 + i)) || { ok=0; break; }
    done
    [ "$ok" = 1 ] && break
  done
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/persona-replicas.XXXXXX")"
declare -a pids ports mports
cleanup() {
  for pid in "${pids[@]:-}"; do
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true
  done
  # The replicas are disowned (no job notices when one is SIGKILLed): poll until they exit.
  for pid in "${pids[@]:-}"; do
    for _ in $(seq 1 100); do
      { [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; } || break
      sleep 0.05
    done
  done
  if [ "$keep" = 1 ]; then echo "logs kept in $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# The ScoreCustomer OK counter of the replica whose metrics port is $1 ("-" if unreachable).
scrape() {
  local body
  body="$( { exec 3<>"/dev/tcp/127.0.0.1/$1" &&
             printf 'GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3 && cat <&3; } 2>/dev/null)" || { echo "-"; return; }
  awk '/^persona_rpc_requests_total\{/ && /method="ScoreCustomer"/ && /code="OK"/ { v = $NF }
       END { if (v == "") print "-"; else printf "%d\n", v }' <<<"$body"
}

echo "== starting $replicas replicas of $server"
for i in $(seq 0 $((replicas - 1))); do
  ports[$i]=$((base_port + i))
  mports[$i]=$((base_port + 100 + i))
  "$server" --listen="127.0.0.1:${ports[$i]}" --metrics_listen="127.0.0.1:${mports[$i]}" \
    --catalog="$catalog" --plugin_cache_dir="$work/cache-$i" \
    --drain_seconds=0 --shutdown_grace_seconds=2 >"$work/replica-$i.log" 2>&1 &
  pids[$i]=$!
  disown "${pids[$i]}"
done
for i in $(seq 0 $((replicas - 1))); do
  ready=0
  for _ in $(seq 1 100); do
    if ! kill -0 "${pids[$i]}" 2>/dev/null; then break; fi
    if "$cli" status --target="127.0.0.1:${ports[$i]}" --timeout_seconds=1 >/dev/null 2>&1; then ready=1; break; fi
    sleep 0.1
  done
  if [ "$ready" != 1 ]; then
    echo "replicas.sh: replica $i (127.0.0.1:${ports[$i]}) did not come up; its log:" >&2
    tail -20 "$work/replica-$i.log" >&2
    exit 1
  fi
  echo "replica $i: pid ${pids[$i]}, grpc 127.0.0.1:${ports[$i]}, metrics 127.0.0.1:${mports[$i]}/metrics"
done

target="ipv4:$(for i in $(seq 0 $((replicas - 1))); do printf '%s127.0.0.1:%s' "$([ "$i" = 0 ] || echo ,)" "${ports[$i]}"; done)"
victim=$((replicas - 1))
echo "== persona-cli bench --target=$target --lb=round_robin $([ "$closed_loop" = 1 ] && echo --closed_loop || echo --rate="$rate") --duration=$duration --concurrency=$concurrency --warmup_seconds=0"
[ "$kill_one" = 1 ] && echo "   (replica $victim gets SIGKILL ${kill_after}s into the measured run)"

killer_pid=""
if [ "$kill_one" = 1 ]; then
  (
    sleep "$kill_after"
    for i in $(seq 0 $((replicas - 1))); do echo "$i $(scrape "${mports[$i]}")"; done >"$work/at-kill"
    kill -KILL "${pids[$victim]}"
    date +%s.%N >"$work/killed-at"
  ) &
  killer_pid=$!
fi
mode=(--rate="$rate")
[ "$closed_loop" = 1 ] && mode=(--closed_loop)
set +e
"$cli" bench --target="$target" --lb=round_robin "${mode[@]}" --duration="$duration" \
  --concurrency="$concurrency" --warmup_seconds=0 --json="$work/bench.json" | tee "$work/bench.txt"
bench_rc=${PIPESTATUS[0]}
set -e
[ -n "$killer_pid" ] && wait "$killer_pid"

echo "== per-replica ScoreCustomer OK counts (persona_rpc_requests_total from each replica's /metrics)"
declare -a at_kill
if [ -f "$work/at-kill" ]; then
  while read -r i n; do at_kill[$i]="$n"; done <"$work/at-kill"
fi
printf '%-8s %-18s %12s %14s  %s\n' replica grpc "OK calls" "after kill" state
total=0
survivors_grew=1
all_served=1
for i in $(seq 0 $((replicas - 1))); do
  if [ "$kill_one" = 1 ] && [ "$i" = "$victim" ]; then
    n="${at_kill[$i]:--}"
    printf '%-8s %-18s %12s %14s  %s\n' "$i" "127.0.0.1:${ports[$i]}" "$n" "-" "SIGKILLed (count scraped just before the kill)"
    pids[$i]=""
  else
    n="$(scrape "${mports[$i]}")"
    after="-"
    if [ "$kill_one" = 1 ] && [ "$n" != "-" ] && [ "${at_kill[$i]:--}" != "-" ]; then
      after="+$((n - at_kill[$i]))"
      [ "$((n - at_kill[$i]))" -gt 0 ] || survivors_grew=0
    fi
    printf '%-8s %-18s %12s %14s  %s\n' "$i" "127.0.0.1:${ports[$i]}" "$n" "$after" "running"
  fi
  if [ "$n" = "-" ] || [ "$n" -eq 0 ]; then all_served=0; else total=$((total + n)); fi
done
printf '%-8s %-18s %12s\n' total "" "$total"

# The bench's own numbers: OK calls/s and every status code.
summary="$(head -1 "$work/bench.txt")"
status_line="$(grep '^status:' "$work/bench.txt" || true)"
ok_calls="$(sed -n 's/.*"ok":\([0-9]*\).*/\1/p' "$work/bench.json")"
completed="$(sed -n 's/.*"completed":\([0-9]*\).*/\1/p' "$work/bench.json")"
throughput="$(sed -n 's/.*"throughput":\([0-9.e+]*\).*/\1/p' "$work/bench.json")"
failed=$(( ${completed:-0} - ${ok_calls:-0} ))
unavailable="$(grep -o 'UNAVAILABLE [0-9,]*' <<<"$status_line" | tr -dc 0-9 || true)"
unavailable="${unavailable:-0}"
echo "== total: $(printf '%.0f' "${throughput:-0}") OK calls/s over $replicas replicas (bench: ${summary})"
echo "== bench $status_line; failed calls: $failed"
if [ -n "$ok_calls" ] && [ "$ok_calls" -ne "$total" ]; then
  echo "   the bench counted $((ok_calls - total)) more OK calls than the table: replica $victim" \
       "completed them between its last scrape and the SIGKILL"
fi
if [ "$kill_one" = 1 ]; then
  echo "   failures at the kill: $unavailable UNAVAILABLE (calls in flight on replica $victim when it died);" \
       "other failures: $((failed - unavailable))"
  [ "$survivors_grew" = 1 ] && echo "   every survivor kept serving after the kill (\"after kill\" column)"
fi

if [ "$assert" = 1 ]; then
  problems=()
  [ "$all_served" = 1 ] || problems+=("a replica served no calls: round_robin did not spread the load")
  [ -n "$ok_calls" ] && [ "$ok_calls" -gt 0 ] || problems+=("the bench completed no OK call")
  if [ "$kill_one" = 1 ]; then
    limit="${max_failed:-$(( (${completed:-0} + 99) / 100 ))}"
    [ "$((failed - unavailable))" -eq 0 ] || problems+=("$((failed - unavailable)) calls failed with a code other than UNAVAILABLE")
    [ "$unavailable" -le "$limit" ] || problems+=("$unavailable UNAVAILABLE at the kill, more than $limit")
    [ "$survivors_grew" = 1 ] || problems+=("a surviving replica served nothing after the kill")
  else
    [ "$failed" -eq 0 ] && [ "$bench_rc" -eq 0 ] || problems+=("$failed calls failed without any replica killed (bench exit $bench_rc)")
  fi
  if [ ${#problems[@]} -gt 0 ]; then
    printf 'replicas.sh: FAIL: %s\n' "${problems[@]}" >&2
    exit 1
  fi
  echo "replicas.sh: assertions hold"
fi
