#!/usr/bin/env bash
# The lanes work in a Pants repository that is not this one. Builds both distributions (the Pants
# plugin pants-testlanes and the pytest plugin testlanes), copies build-support/ci/adoption_repo
# (the "ledger" repository: its own pants.toml, lanes.toml, package, unit tests and PostgreSQL
# integration tests whose session fixture deletes every row) to a temp directory with the wheels
# in its wheels/, locks its requirements there, and shows, printing each result:
#   1. `pants test ::` green, both lanes;
#   2. `pants test :: --tag=integration` runs only the integration targets;
#   3. an untagged python_tests target makes `pants lint ::` and `pants test ::` red, naming it;
#   4. the merged coverage gate red when the unit tests are removed;
#   5. slot mode: the two integration processes at once, N repetitions, 0 failures, overlapping;
# and the lane report's console script (testlanes-report) on the run of step 1.
# The plugin is named only in the ledger's [GLOBAL].plugins and found through find_links. One
# pantsd serves every step. Usage: prove_pants_adoption.sh [--repetitions N] (default 10).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
repetitions=10
[[ "${1:-}" == --repetitions ]] && repetitions="$2"
started=$SECONDS

section() { printf '\n--- %s\n' "$*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# --- the two distributions, and the Pants this machine's ./pants bootstrapped ---------------------
rm -f dist/testlanes-*.whl dist/pants_testlanes-*.whl
./pants package orchestration:wheel //:pants-testlanes >/dev/null
pants_version="$(sed -n -E 's/^pants_version = "([^"]+)"/\1/p' pants.toml)"
pex_version="$(sed -n -E 's/^version = "(v[^"]+)".*/\1/p' pants.toml | head -n1)"
known_versions="$(grep -o -E "\"${pex_version}\|[a-z0-9_]+\|[0-9a-f]{64}\|[0-9]+\"" pants.toml | paste -sd, -)"
launcher_cache="${PANTS_LAUNCHER_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pants/launcher}"
pants_python="$launcher_cache/pants-$pants_version/bin/python"
[[ -x "$pants_python" ]] || fail "no Pants $pants_version at $pants_python (run ./pants once)"

work="$(mktemp -d /tmp/pants-adoption.XXXXXX)"
repo="$work/ledger"
pgdir="$(mktemp -d /tmp/pants-adoption-pg.XXXXXX)" # its own: the server's user must reach it
bindir="$(pg_config --bindir)"
pg_version="$(pg_config --version | grep -o '[0-9]*' | head -n1)"
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  local pid
  for pid in "$repo"/.pids/*/pantsd/pid; do [[ -f "$pid" ]] && { kill "$(cat "$pid")" 2>/dev/null || true; }; done
  as_pg "$bindir/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pgdir"
  [[ -n "${KEEP_PROOF:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT

cp -r build-support/ci/adoption_repo "$repo"
mkdir "$repo/wheels"
cp dist/testlanes-*.whl dist/pants_testlanes-*.whl "$repo/wheels/"
echo "the ledger repository at $repo, with $(cd "$repo/wheels" && echo *)"

# How Pants runs on this machine (the launcher's job here; scie-pants' elsewhere): the pex tool
# built from the package index, the CA bundle the environment names, no host pip config.
ca=""
for candidate in "${PIP_CERT:-}" "${SSL_CERT_FILE:-}" "${REQUESTS_CA_BUNDLE:-}"; do
  [[ -n "$candidate" && -f "$candidate" ]] && { ca="$candidate"; break; }
done
mkdir "$work/bin"
cat >"$work/bin/pants" <<EOF
#!/usr/bin/env bash
export PANTS_PEX_CLI_URL_TEMPLATE="file://$launcher_cache/pex-$pex_version/pex"
export PANTS_PEX_CLI_KNOWN_VERSIONS='[$known_versions]'
export PANTS_SUBPROCESS_ENVIRONMENT_ENV_VARS='["PIP_CONFIG_FILE=/dev/null"]'
export PIP_CONFIG_FILE=/dev/null NO_SCIE_WARNING=1 ${ca:+PANTS_CA_CERTS_PATH="$ca"}
exec "$pants_python" -m pants "\$@"
EOF
chmod +x "$work/bin/pants"
pants() { (cd "$repo" && "$work/bin/pants" "$@"); }

# --- a shared PostgreSQL server for slot mode -------------------------------------------------------
[[ $(id -u) != 0 ]] || chown postgres "$pgdir"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
as_pg "$bindir/initdb" -D "$pgdir/data" -U postgres -A trust --no-sync >/dev/null
as_pg "$bindir/pg_ctl" -D "$pgdir/data" -w -l "$pgdir/server.log" \
  -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
export TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$port/postgres"
export TEST_POSTGRES_VERSION="$pg_version" TEST_ISOLATION=slot
# CI mode: coverage merged over the whole run and gated at 80% (the ledger's pants.ci.toml).
export PANTS_CONFIG_FILES=pants.ci.toml

section "lock the ledger's requirements (the testlanes wheel from wheels/)"
pants generate-lockfiles >"$work/lock.log" 2>&1 || { tail -30 "$work/lock.log"; fail "generate-lockfiles"; }
grep -o 'file://${WHEELS_DIR}/testlanes-[^"]*' "$repo/3rdparty/python-default.lock" | head -1 \
  || fail "the lockfile does not take testlanes from wheels/"

section "1. pants test :: (both lanes)"
pants test :: >"$work/all.log" 2>&1 || { tail -40 "$work/all.log"; fail "pants test :: is red"; }
grep -E '^. tests/' "$work/all.log"
grep -E '^TOTAL' "$work/all.log"
grep -q 'tests/unit' "$work/all.log" && grep -q 'tests/integration' "$work/all.log" \
  || fail "pants test :: did not run both lanes"
echo "RESULT 1: green, unit and integration lanes"

section "the lane report of that run (testlanes-report, from the pants-testlanes wheel)"
python3 -m venv "$work/report-venv"
PIP_CONFIG_FILE=/dev/null "$work/report-venv/bin/pip" install --quiet --no-index "$repo"/wheels/pants_testlanes-*.whl
(cd "$repo" && "$work/report-venv/bin/testlanes-report" --pants "$work/bin/pants") | tail -4

section "2. pants test :: --tag=integration (a lane is never gated)"
PANTS_COVERAGE_PY_FAIL_UNDER=0 pants test :: --tag=integration >"$work/lane.log" 2>&1 \
  || { tail -40 "$work/lane.log"; fail "the integration lane is red"; }
grep -E '^. tests/' "$work/lane.log"
! grep -E '^. tests/unit' "$work/lane.log" || fail "--tag=integration ran unit tests"
echo "RESULT 2: only the integration targets ran"

section "3. an untagged python_tests target"
mkdir "$repo/tests/stray"
echo 'python_tests()' >"$repo/tests/stray/BUILD"
printf 'def test_nothing():\n    assert True\n' >"$repo/tests/stray/test_stray.py"
if pants lint :: >"$work/stray-lint.log" 2>&1; then fail "pants lint :: passed an untagged target"; fi
grep -m1 'tests/stray/test_stray.py has no test lane' "$work/stray-lint.log" || fail "lint did not name it"
if pants test :: >"$work/stray-test.log" 2>&1; then fail "pants test :: ran an untagged target"; fi
grep -m1 'LaneError: tests/stray/test_stray.py has no test lane' "$work/stray-test.log" \
  || fail "test did not name it"
rm -r "$repo/tests/stray"
echo "RESULT 3: pants lint :: and pants test :: red, naming tests/stray/test_stray.py"

section "4. the merged coverage gate with the unit tests removed"
mv "$repo/tests/unit" "$work/unit-tests"
if pants test :: >"$work/gate.log" 2>&1; then fail "the coverage gate passed without the unit tests"; fi
grep -E '^TOTAL|Coverage failure|fail.under' "$work/gate.log" | head -3
mv "$work/unit-tests" "$repo/tests/unit"
echo "RESULT 4: red below 80% without the unit tests"

section "5. slot mode: the two integration processes at once, $repetitions repetitions"
failures=0 overlapped=0
for rep in $(seq "$repetitions"); do
  if ! PANTS_COVERAGE_PY_FAIL_UNDER=0 pants test :: --tag=integration --test-force >"$work/rep.log" 2>&1; then
    failures=$((failures + 1)); tail -20 "$work/rep.log"
  fi
  python3 - "$repo/dist/test/reports" <<'PY' && overlapped=$((overlapped + 1))
import sys, xml.etree.ElementTree as ET
from pathlib import Path
windows = []  # per report (test process): earliest start, latest finish
for report in Path(sys.argv[1]).glob("tests.integration.*.xml"):
    props = [(p.get("name"), p.get("value")) for p in ET.parse(report).iter("property")]
    started = [float(v) for n, v in props if n == "started"]
    finished = [float(v) for n, v in props if n == "finished"]
    windows.append((min(started), max(finished)))
sys.exit(not (len(windows) == 2 and max(w[0] for w in windows) < min(w[1] for w in windows)))
PY
done
left="$(as_pg "$bindir/psql" -h "$pgdir" -p "$port" -U postgres -Atc "select count(*) from pg_database where datname like 'tl_slot_%'")"
echo "RESULT 5: $repetitions repetitions, $failures failed, $overlapped with the two processes overlapping; slot databases left: $left"
((failures == 0 && overlapped == repetitions && left == 0)) || fail "slot mode"

section "the ledger refers to no path of this repository"
if grep -rl --exclude-dir=.pants.d --exclude-dir=.pids --exclude-dir=dist "$PWD" "$repo"; then
  fail "the files above name $PWD"
fi
echo "none"

echo
echo "pants adoption proof: PASSED in $((SECONDS - started)) s"
