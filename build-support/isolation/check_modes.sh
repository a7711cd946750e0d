#!/usr/bin/env bash
# Exercises the integration lane in every isolation mode against a real PostgreSQL server that this
# script starts, and prints what each mode costs on this suite:
#   embedded  no TEST_POSTGRES_URL: a throwaway cluster per test process (the default)
#   serial    TEST_POSTGRES_URL set: one process at a time holds the shared server
#   slot      TEST_POSTGRES_URL set, TEST_ISOLATION=slot: a database per execution slot
# Then reproduces the foreign-key teardown collision on one shared database and shows serial and
# slot isolation remove it (build-support/isolation/collision_demo.py), and probes that the serial
# lock never lets two processes overlap (serial_lock_probe.py), and that the inventory suite
# (written before the orchestration) fails naively in parallel and passes in every mode
# (adoption_demo.py).
# Usage: build-support/isolation/check_modes.sh [--repetitions N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repetitions="${2:-20}"

bindir="$(pg_config --bindir)"
version="$(pg_config --version | grep -o '[0-9]*' | head -n1)"
workdir="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[[ $(id -u) == 0 ]] && chown postgres "$workdir"
stop_server() { as_pg "$bindir/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$workdir"; }
trap stop_server EXIT

echo "starting a shared PostgreSQL $version server on 127.0.0.1:$port"
as_pg "$bindir/initdb" -D "$workdir/data" -U postgres -A trust --no-sync >/dev/null
as_pg "$bindir/pg_ctl" -D "$workdir/data" -w -l "$workdir/server.log" \
  -o "-p $port -k $workdir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null

# The services' integration tests (backend/): the orchestration's own provisioning and fail-closed
# tests start servers of their own in every mode, so running them three times proves nothing more.
run_lane() { # run_lane MODE [ENV...]: the services' integration lane, forced to run, timed
  local mode="$1" start; shift
  start=$(date +%s.%N)
  env "$@" ./pants test --tag=integration backend:: --test-force >"$workdir/$mode.log" 2>&1 \
    || { tail -n 40 "$workdir/$mode.log"; echo "FAIL: the integration lane failed in $mode mode" >&2; exit 1; }
  printf '%-9s %6.1f s\n' "$mode" "$(echo "$(date +%s.%N) - $start" | bc)"
}
shared=(TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres" TEST_POSTGRES_VERSION="$version")
echo "integration lane wall time by mode:"
run_lane embedded
run_lane serial "${shared[@]}" TEST_ISOLATION=serial
run_lane slot "${shared[@]}" TEST_ISOLATION=slot

leftovers="$(as_pg "$bindir/psql" -h "$workdir" -p "$port" -U postgres -Atc \
  "select count(*) from pg_database where datname like 'tl_slot_%'")"
[[ "$leftovers" == 0 ]] || { echo "FAIL: $leftovers slot databases left behind after clean runs" >&2; exit 1; }
echo "ok: no slot database left behind"

./pants run build-support/isolation/collision_demo.py -- --repetitions "$repetitions" --processes 4
./pants run build-support/isolation/serial_lock_probe.py -- --processes 4
# The second service's suite, adopted by configuration only: naive fails, every mode holds.
# Four repetitions of two processes per mode (64 tests each) keep CI under its time budget (the
# wheel proof repeats each mode ten times on a foreign suite); naive parallel failed about every
# other repetition when measured, so ten make it all but sure.
./pants run build-support/isolation/adoption_demo.py -- --repetitions 4 --naive-repetitions 10
