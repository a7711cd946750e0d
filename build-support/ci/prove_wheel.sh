#!/usr/bin/env bash
# The orchestration works without this repository: build its wheel with Pants, install it into
# a fresh venv outside the repo, start a throwaway PostgreSQL with the wheel's own
# embedded_postgres, and run build-support/ci/wheel_suite (a suite that knows nothing of us:
# settings read at import, wipe-all teardown) with PLAIN pytest, two processes at once in slot
# mode. Both must pass, each in its own tl_slot_shop_* database, and none may be left behind.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

work="$(mktemp -d /tmp/testlanes-wheel.XXXXXX)"
server_pid=""
cleanup() {
  # The server ends on our signal: its status (143) is not the proof's.
  [[ -n "$server_pid" ]] && { kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; }
  [[ -n "${KEEP_PROOF:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT

./pants package orchestration:wheel
wheel="$(ls -t dist/testlanes-*.whl | head -1)"
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet "$wheel"
echo "installed $(basename "$wheel") into $work/venv (outside the repository)"

cp -r build-support/ci/wheel_suite "$work/suite"
cd "$work/suite"
"$work/venv/bin/python" -m embedded_postgres > "$work/server.url" &
server_pid=$!
for _ in $(seq 100); do [[ -s "$work/server.url" ]] && break; sleep 0.2; done
url="$(head -1 "$work/server.url")"
[[ -n "$url" ]] || { echo "the embedded server did not start" >&2; exit 1; }
echo "throwaway server: $url"

run() {
  TEST_POSTGRES_URL="$url" TEST_POSTGRES_VERSION=15 TEST_ISOLATION=slot TEST_SERVICES=postgres \
    TEST_SLOT="$1" "$work/venv/bin/pytest" -q -s tests > "$work/run$1.log" 2>&1
}
status=0
run 1 & p1=$!
run 2 & p2=$!
wait "$p1" || status=1
wait "$p2" || status=1
for n in 1 2; do
  echo "--- process $n: $(tail -1 "$work/run$n.log")"
  grep -o 'DATABASE=tl_slot_shop_[a-z0-9_]*' "$work/run$n.log" || { cat "$work/run$n.log"; status=1; }
done
left="$("$work/venv/bin/python" -c "import psycopg,sys; c=psycopg.connect(sys.argv[1].replace('+psycopg',''), dbname='postgres'); print(c.execute(\"SELECT count(*) FROM pg_database WHERE datname LIKE 'tl_slot_%'\").fetchone()[0])" "$url")"
echo "slot databases left on the server: $left"
[[ "$left" == 0 ]] || status=1
((status == 0)) && echo "wheel proof: PASSED" || { cat "$work"/run*.log; echo "wheel proof: FAILED" >&2; }
exit "$status"
