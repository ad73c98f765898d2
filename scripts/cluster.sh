#!/usr/bin/env bash
# A local scaled-out paper broker (docs/scaling.md): nats-server, Postgres, one core (`serve --nats
# --db postgres://…`) and three feed edges (`feed-edge --nats`), all on loopback. Runs in the
# foreground; Ctrl-C (or SIGTERM) stops every process it started. `--check` starts everything, checks
# each process answers, and stops.
#
# Postgres: Debian's packages (installed when missing, needs root), a new cluster in CLUSTER_DIR/pg run
# as a non-root user (the `postgres` user when started as root), password auth, loopback only. Its
# password and the secrets passphrase (PAPER_SECRET_PASSPHRASE, generated unless set) are kept in
# CLUSTER_DIR, mode 0600. CLUSTER_DB=sqlite uses a SQLite file instead.
#
# Ports (env): NATS_PORT=4222 PG_PORT=5433 CORE_PORT=8800 EDGE_PORTS="8801 8802 8803"; CLUSTER_DIR
# (default: a new temp dir) keeps the database and the logs. Extra arguments go to `serve` (e.g.
# --clock manual).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NATS_PORT="${NATS_PORT:-4222}"
PG_PORT="${PG_PORT:-5433}"
CLUSTER_DB="${CLUSTER_DB:-postgres}"
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
pg_pid=""

stop_all() {
  local pid
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid="${pids[$i]}"
    if [[ "$pid" == "$pg_pid" ]]; then
      # the core is gone first; SIGINT = Postgres's fast shutdown
      for _ in $(seq 50); do kill -0 "${pids[$((i + 1))]:-0}" 2>/dev/null || break; sleep 0.1; done
      kill -INT "$pid" 2>/dev/null || true
    else
      kill -TERM "$pid" 2>/dev/null || true
    fi
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

db="$dir/paper.db"
if [[ "$CLUSTER_DB" == "postgres" ]]; then
  # Postgres: Debian's server binaries, installed when missing (needs root)
  pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
  if [[ -z "$pg_bin" ]]; then
    echo "Postgres missing: installing Debian's package postgresql" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
  as_pg=()
  if [[ "$(id -u)" == "0" ]]; then
    # Postgres refuses root: run it as the postgres user
    as_pg=(setpriv "--reuid=$(id -u postgres)" "--regid=$(id -g postgres)" --clear-groups --)
    chmod o+x "$dir"
  fi
  umask 077
  [[ -s "$dir/pg-password" ]] || head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$dir/pg-password"
  [[ -s "$dir/secret-passphrase" ]] || head -c 24 /dev/urandom | base64 >"$dir/secret-passphrase"
  export PAPER_SECRET_PASSPHRASE="${PAPER_SECRET_PASSPHRASE:-$(cat "$dir/secret-passphrase")}"
  pg_password="$(cat "$dir/pg-password")"
  if [[ ! -d "$dir/pg/data" ]]; then
    mkdir -p "$dir/pg"
    cp "$dir/pg-password" "$dir/pg/pwfile"
    [[ ${#as_pg[@]} -gt 0 ]] && chown -R postgres:postgres "$dir/pg"
    "${as_pg[@]}" "$pg_bin/initdb" -D "$dir/pg/data" -U paper --pwfile="$dir/pg/pwfile" \
      --auth=scram-sha-256 -E UTF8 --locale=C --no-instructions >"$dir/pg-initdb.log" 2>&1 ||
      { cat "$dir/pg-initdb.log" >&2; exit 1; }
    rm -f "$dir/pg/pwfile"
  fi
  umask 022
  "${as_pg[@]}" "$pg_bin/postgres" -D "$dir/pg/data" -h 127.0.0.1 -p "$PG_PORT" -k "$dir/pg" >"$dir/postgres.log" 2>&1 &
  pg_pid=$!
  pids+=("$pg_pid")
  for _ in $(seq 300); do
    grep -q 'ready to accept connections' "$dir/postgres.log" 2>/dev/null && break
    kill -0 "$pg_pid" 2>/dev/null || { echo "postgres exited; see $dir/postgres.log" >&2; cat "$dir/postgres.log" >&2; exit 1; }
    sleep 0.1
  done
  PGPASSWORD="$pg_password" "$pg_bin/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U paper -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'paper'" | grep -q 1 ||
    PGPASSWORD="$pg_password" "$pg_bin/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U paper -d postgres -c 'CREATE DATABASE paper'
  db="postgres://paper:$pg_password@127.0.0.1:$PG_PORT/paper"
fi

"${cli[@]}" serve --host 127.0.0.1 --port "$CORE_PORT" --db "$db" --nats "$nats_url" --demo "$@" \
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
  [[ -n "$pg_pid" ]] && echo "  postgres     postgres://paper:***@127.0.0.1:$PG_PORT/paper  (password in $dir/pg-password)"
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
