"""Per-test tally of a Pants test run, from its JUnit XML reports.

Pants reports per test file (one line per process); this prints per lane the files and tests, and
one closing line `N passed, N failed, N skipped` for the whole run. Tests that passed only after a
retry (lanes.toml's retries, see orchestration/src/testlanes/retries.py) count as passed there, and
are also counted in the `flaky` column and listed after the closing line under `FLAKY`.

Usage: python3 build-support/ci/tally.py [--reports dist/test/reports] [--pants ./pants]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from junit_reports import (
    FAILED,
    PASSED,
    SKIPPED,
    TestResult,
    find_reports,
    read_outages,
    read_reports,
)
from lanes import LANES, UNKNOWN_LANE, lane_map_from_pants


@dataclass
class LaneTally:
    files: set[str] = field(default_factory=set)
    outcomes: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    flaky: list[TestResult] = field(default_factory=list)

    @property
    def tests(self) -> int:
        return sum(self.outcomes.values())


def tally_by_lane(
    results: Iterable[TestResult], lane_of: Mapping[str, str]
) -> dict[str, LaneTally]:
    lanes: dict[str, LaneTally] = {}
    for result in results:
        lane = lanes.setdefault(lane_of.get(result.file, UNKNOWN_LANE), LaneTally())
        lane.files.add(result.file)
        lane.outcomes[result.outcome] += 1
        lane.seconds += result.seconds
        if result.flaky:
            lane.flaky.append(result)
    return lanes


def _ordered(lanes: Mapping[str, LaneTally]) -> list[str]:
    return [lane for lane in (*LANES, UNKNOWN_LANE) if lane in lanes]


def render(lanes: Mapping[str, LaneTally], outages: Iterable[str] = ()) -> str:
    header = (
        f"{'lane':<12} {'files':>5} {'tests':>6} {'passed':>6} {'failed':>6} {'skipped':>7} "
        f"{'flaky':>5}"
    )
    lines = [header]
    for name in _ordered(lanes):
        lane = lanes[name]
        lines.append(
            f"{name:<12} {len(lane.files):>5} {lane.tests:>6} {lane.outcomes[PASSED]:>6} "
            f"{lane.outcomes[FAILED]:>6} {lane.outcomes[SKIPPED]:>7} {len(lane.flaky):>5}"
        )
    total: Counter[str] = sum((lane.outcomes for lane in lanes.values()), Counter())
    lines.append(f"{total[PASSED]} passed, {total[FAILED]} failed, {total[SKIPPED]} skipped")
    # An outage is one line, not one failure per test it stopped (testlanes.outages).
    lines += [f"OUTAGE: {outage}" for outage in outages]
    flaky = [test for name in _ordered(lanes) for test in lanes[name].flaky]
    if flaky:
        lines.append(f"FLAKY: {len(flaky)} passed only after a retry")
        lines += [
            f"  {test.test_id}: {test.attempts} attempts, first error: {test.first_error}"
            for test in flaky
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=Path, default=Path("dist/test/reports"))
    parser.add_argument("--pants", type=Path, default=Path("./pants"))
    args = parser.parse_args(argv)
    reports = find_reports(args.reports)
    if not reports:
        print(
            f"tally: no JUnit XML reports under {args.reports}; run the tests first",
            file=sys.stderr,
        )
        return 2
    lanes = tally_by_lane(read_reports(reports), lane_map_from_pants(args.pants))
    print(render(lanes, read_outages(reports)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
