#!/usr/bin/env bash
# Proves the lane rules bite (orchestration/src/testlanes/lane_rules.py): in a throwaway copy,
# misfile a test that opens a network socket into the unit lane and one that starts a subprocess
# into the contract lane, run them through Pants, and check that both fail with the rule's message
# naming the lane.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/throwaway_copy.sh"
make_throwaway_copy
cd "$copy"

socket_test=backend/tests/unit/test_zz_misfiled_socket.py
subprocess_test=backend/tests/contract/test_zz_misfiled_subprocess.py
cat >"$socket_test" <<'PY'
import socket


def test_talks_to_a_database_server() -> None:
    socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
PY
cat >"$subprocess_test" <<'PY'
import subprocess
import sys


def test_runs_a_tool() -> None:
    subprocess.run([sys.executable, "-c", "pass"], check=True)
PY

if ./pants --no-pantsd test "$socket_test" "$subprocess_test" >rules.log 2>&1; then
  tail -n 40 rules.log
  echo "FAIL: misfiled tests passed: the lane rules did not bite" >&2
  exit 1
fi

expect() { # expect WHAT PATTERN
  grep -qF -- "$2" rules.log || { tail -n 60 rules.log; echo "FAIL: $1: no '$2' in the output" >&2; exit 1; }
}
expect "the unit test failed" "✕ $socket_test failed"
expect "the contract test failed" "✕ $subprocess_test failed"
expect "the socket rule was named" \
  "lane rule (unit): tests in the unit lane may not open network sockets; move this test to a lane that may touch services (lanes.toml) and declare the service"
expect "the subprocess rule was named" \
  "lane rule (contract): tests in the contract lane may not start subprocesses; move this test to a lane that may touch services (lanes.toml)"
echo "ok: $socket_test fails: $(grep -m1 -o 'lane rule (unit): [^;]*' rules.log)"
echo "ok: $subprocess_test fails: $(grep -m1 -o 'lane rule (contract): [^;]*' rules.log)"
