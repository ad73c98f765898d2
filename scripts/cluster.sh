#!/usr/bin/env bash
# A local scaled-out paper broker (docs/scaling.md): nats-server, one core (`serve --nats`) and three
# feed edges (`feed-edge --nats`), all on loopback. Runs in the foreground; Ctrl-C (or SIGTERM) stops
# every process it started. `--check` starts everything, checks each process answers, and stops.
#
# Ports (env): NATS_PORT=4222 CORE_PORT=8800 EDGE_PORTS="8801 8802 8803"; CLUSTER_DIR (default: a new
# temp dir) keeps the core's database and the logs. Extra arguments go to `serve` (e.g. --clock manual).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NATS_PORT="${NATS_PORT:-4222}"
CORE_PORT="${CORE_PORT:-8800}"
EDGE_PORTS="${EDGE_PORTS:-8801 8802 8803}"
check=0
if [[ "${1:-}" == "--check" ]]; then
  check=1
  shift
fi
dir="${CLUSTER_DIR:-$(mktemp -d -t smartapi-cluster-XXXXXX)}"
mkdir -p "$dir"
pids=()

stop_all() {
  local pid
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid="${pids[$i]}"
    kill -TERM "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  pids=()
}
trap 'stop_all' EXIT
trap 'echo "stopping…" >&2; exit 0' INT TERM

# nats-server: Debian's package, installed when missing (needs root)
nats_bin="$(command -v nats-server || true)"
[[ -z "$nats_bin" && -x /usr/sbin/nats-server ]] && nats_bin=/usr/sbin/nats-server
if [[ -z "$nats_bin" ]]; then
  echo "nats-server missing: installing Debian's package nats-server" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nats-server >&2
  nats_bin=/usr/sbin/nats-server
fi

# the CLI (built when dist is stale)
(cd "$root" && npx tsc -b >&2)
cli=(node "$root/packages/server/bin/smartapi-paper.js")

# wait_listening <stdout log> <pid> <name>: waits for the `{"event":"listening"…}` line
wait_listening() {
  for _ in $(seq 300); do
    if grep -q '"event":"listening"' "$1" 2>/dev/null; then return 0; fi
    if ! kill -0 "$2" 2>/dev/null; then echo "$3 exited; see ${1%.out}.err" >&2; cat "${1%.out}.err" >&2; exit 1; fi
    sleep 0.1
  done
  echo "$3 did not start within 30 s" >&2
  exit 1
}

"$nats_bin" -a 127.0.0.1 -p "$NATS_PORT" >"$dir/nats.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$NATS_PORT") 2>/dev/null && break; sleep 0.1; done
nats_url="nats://127.0.0.1:$NATS_PORT"

"${cli[@]}" serve --host 127.0.0.1 --port "$CORE_PORT" --db "$dir/paper.db" --nats "$nats_url" --demo "$@" \
  >"$dir/core.out" 2>"$dir/core.err" &
pids+=($!)
wait_listening "$dir/core.out" "${pids[-1]}" core

n=0
for port in $EDGE_PORTS; do
  n=$((n + 1))
  "${cli[@]}" feed-edge --nats "$nats_url" --host 127.0.0.1 --port "$port" >"$dir/edge$n.out" 2>"$dir/edge$n.err" &
  pids+=($!)
  wait_listening "$dir/edge$n.out" "${pids[-1]}" "edge $n"
done

{
  echo "cluster up (logs and database in $dir):"
  echo "  nats-server  $nats_url"
  echo "  core         http://127.0.0.1:$CORE_PORT  (REST, admin API, both feeds)"
  for port in $EDGE_PORTS; do echo "  feed edge    ws://127.0.0.1:$port/smart-stream  ws://127.0.0.1:$port/smart-order-update"; done
  sed -n '/Demo account/,/API key/p' "$dir/core.err"
} >&2

if [[ $check -eq 1 ]]; then
  curl -fsS "http://127.0.0.1:$CORE_PORT/health" >/dev/null
  for port in $EDGE_PORTS; do curl -fsS "http://127.0.0.1:$port/health" >/dev/null; done
  echo "check: core and $n edges answer /health" >&2
  exit 0
fi
echo "Ctrl-C stops everything." >&2
wait -n "${pids[@]}" || true
echo "a process of the cluster exited; stopping the rest" >&2
