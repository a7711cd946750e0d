#!/usr/bin/env bash
# Proves the sharded coverage gate (the workflow's test-shard + coverage-combine jobs) judges the
# same coverage as the single invocation on the same commit: runs the suite in one CI-mode
# invocation, then as N shards (default 2) keeping raw coverage data, combines the shards
# with combine_coverage.sh, and compares statement and branch counts and the percentage.
#
# One test file per process here (PANTS_TEST_BATCH_SIZE=1): shards batch their files differently
# from a whole run, so with batching a shard reruns tests, and a test whose coverage depends on
# timing (devdb's stale-cluster sweep races with sibling processes) would make the numbers differ
# for reasons that have nothing to do with combining. Unbatched, every shard's test processes are
# the single run's, answered from the cache, and the comparison is exact.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
shards="${SHARDS:-2}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
export PANTS_CONFIG_FILES=pants.ci.toml PANTS_TEST_BATCH_SIZE=1
# The fail-closed tests are left out of both sides: they judge child pytest runs (whose coverage
# is not measured) and unbatched they are the costliest processes of the suite.
targets=(:: -orchestration/tests/testlanes_tests/fail_closed::)

./pants test "${targets[@]}" >"$work/single.log" 2>&1 || { tail -n 30 "$work/single.log" >&2; fail "the single invocation failed"; }
cp dist/coverage/python/coverage.xml "$work/single.xml"

for ((k = 0; k < shards; k++)); do
  # As in the workflow: no gate per shard, only the raw data for combining.
  PANTS_COVERAGE_PY_FAIL_UNDER=0 PANTS_COVERAGE_PY_REPORT="['raw']" \
    ./pants test --test-shard="$k/$shards" "${targets[@]}" >"$work/shard$k.log" 2>&1 \
    || { tail -n 30 "$work/shard$k.log" >&2; fail "shard $k/$shards failed"; }
  cp dist/coverage/python/.coverage "$work/shard$k.coverage"
  echo "shard $k/$shards: $(grep -c -E '✓|✕' "$work/shard$k.log" || true) test processes, \
$(grep -c -E '(✓|✕).*\((memoized|cached locally|cached remotely)\)' "$work/shard$k.log" || true) from cache"
done
build-support/ci/combine_coverage.sh "$work"/shard*.coverage || fail "the combined shards failed the gate"

PYTHONPATH=orchestration/src:pants-plugins python3 - dist/coverage/combined/coverage.xml "$work/single.xml" <<'PY'
import sys
from pathlib import Path

from testlanes_report.__main__ import gate_settings
from testlanes_report.coverage_xml import covered_lines, read_coverage_xml

combined_xml, single_xml = (Path(p) for p in sys.argv[1:3])
combined, single = read_coverage_xml(combined_xml), read_coverage_xml(single_xml)
_, precision = gate_settings(Path("."))
def show(c):
    return (f"{c.percent:.{precision}f}% ({c.lines_covered}/{c.lines_valid} statements, "
            f"{c.branches_covered}/{c.branches_valid} branches)")
print(f"combined shards:   {show(combined)}")
print(f"single invocation: {show(single)}")
if combined.counts != single.counts:
    a, b = covered_lines(combined_xml), covered_lines(single_xml)
    print("covered only by the shards:", sorted(a - b)[:20], "only by the single run:", sorted(b - a)[:20])
    sys.exit("FAIL: the combined shards and the single invocation measure different coverage")
print("ok: the sharded gate judges the same coverage as the single invocation")
PY
