#!/usr/bin/env bash
# Proves the sharded coverage gate (the workflow's test-shard + coverage-combine jobs) judges the
# same number as the single invocation: runs the suite in CI mode as N shards (default 2) keeping
# raw coverage data, combines them with combine_coverage.sh, then runs the README's single
# command on the same commit, and compares the two reports' statement and branch counts and the
# percentage. Shards batch their files differently from the single run, so their test processes
# mostly run for real the first time; the single run is then answered from the cache.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
shards="${SHARDS:-2}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export PANTS_CONFIG_FILES=pants.ci.toml

for ((k = 0; k < shards; k++)); do
  # As in the workflow: no gate per shard, only the raw data for combining.
  PANTS_COVERAGE_PY_FAIL_UNDER=0 PANTS_COVERAGE_PY_REPORT="['raw']" \
    ./pants test --test-shard="$k/$shards" :: >"$work/shard$k.log" 2>&1 \
    || { tail -n 30 "$work/shard$k.log" >&2; fail "shard $k/$shards failed"; }
  cp dist/coverage/python/.coverage "$work/shard$k.coverage"
  echo "shard $k/$shards: $(grep -c -E '(✓|✕) ' "$work/shard$k.log" || true) test processes"
done
build-support/ci/combine_coverage.sh "$work"/shard*.coverage || fail "the combined shards failed the gate"

./pants test :: >"$work/single.log" 2>&1 || { tail -n 30 "$work/single.log" >&2; fail "the single invocation failed"; }

PYTHONPATH=build-support/ci python3 - dist/coverage/combined/coverage.xml dist/coverage/python/coverage.xml <<'PY'
import sys
from summary import gate_settings, read_coverage_xml

combined, single = (read_coverage_xml(p) for p in sys.argv[1:3])
_, precision = gate_settings()
def show(c):
    return (f"{c.percent:.{precision}f}% ({c.lines_covered}/{c.lines_valid} statements, "
            f"{c.branches_covered}/{c.branches_valid} branches)")
print(f"combined shards:   {show(combined)}")
print(f"single invocation: {show(single)}")
counts = lambda c: (c.lines_valid, c.lines_covered, c.branches_valid, c.branches_covered)
if counts(combined) != counts(single):
    sys.exit("FAIL: the combined shards and the single invocation measure different coverage")
print("ok: the sharded gate judges the same coverage as the single invocation")
PY
