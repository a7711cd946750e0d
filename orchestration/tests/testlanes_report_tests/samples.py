"""Real output of this repository's test runs, trimmed (testdata/).

testdata/*.xml                 JUnit reports of a unit file, an integration file and a flaky one
testdata/outages/outage.xml    the shape testlanes.outages writes when a service goes down
testdata/summary/
  console_ran.txt              CI-mode suite, every test process run (remote cache proof, run 1)
  console_remote.txt           the same suite from another checkout, empty local caches (run 2)
  console_pr_one_change.txt    PR mode after one source file changed (run 3)
  console_local.txt            a rerun answered partly from the local cache
  console_memoized.txt         a rerun answered by pantsd's memory
  console_failed.txt / failed_reports/   a failing, a skipped and a passing test
  console_gate_failed.txt      a run that failed the coverage gate
  reports/, coverage.xml       the JUnit reports and merged coverage of console_ran.txt's run
"""

from __future__ import annotations

from pathlib import Path

TESTDATA = Path(__file__).parent / "testdata"
SUMMARY = TESTDATA / "summary"
LANE_ORDER = ("unit", "contract", "integration")
OUTAGE = TESTDATA / "outages" / "outage.xml"
FLAKY_TEST = "test_reindex_survives_a_reset_connection"


def console(name: str) -> str:
    return (SUMMARY / name).read_text()
