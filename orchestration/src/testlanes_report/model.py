"""The per-lane figures of one test run, computed once for every rendering."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from testlanes_report.console import ProcessResult
from testlanes_report.coverage_xml import Coverage
from testlanes_report.junit import FAILED, TestResult
from testlanes_report.lane_map import UNKNOWN_LANE


@dataclass
class LaneFigures:
    test_files: set[str] = field(default_factory=set)
    outcomes: Counter[str] = field(default_factory=Counter)
    flaky: list[TestResult] = field(default_factory=list)
    processes: int = 0
    process_files: int = 0
    from_cache: Counter[str] = field(default_factory=Counter)
    cached_files: int = 0
    seconds_ran: float = 0.0
    seconds_cached: float = 0.0

    @property
    def files(self) -> int:
        # The console counts every file of a process, even one whose tests were all deselected;
        # without it, the files that reported a test.
        return self.process_files if self.processes else len(self.test_files)

    @property
    def tests(self) -> int:
        return sum(self.outcomes.values())

    @property
    def cached_processes(self) -> int:
        return sum(self.from_cache.values())

    def add(self, other: LaneFigures) -> None:
        self.test_files |= other.test_files
        self.outcomes += other.outcomes
        self.flaky += other.flaky
        self.processes += other.processes
        self.process_files += other.process_files
        self.from_cache += other.from_cache
        self.cached_files += other.cached_files
        self.seconds_ran += other.seconds_ran
        self.seconds_cached += other.seconds_cached


@dataclass
class RunReport:
    lanes: dict[str, LaneFigures]  # in lane order, UNKNOWN_LANE and undeclared lanes last
    tests: Sequence[TestResult]
    processes: Sequence[ProcessResult]
    lane_of: Mapping[str, str]
    outages: Sequence[str] = ()
    # Processes that ran no test because a declared service could not be provisioned.
    not_provisioned: Sequence[str] = ()
    coverage: Coverage | None = None
    console: str = ""

    @property
    def total(self) -> LaneFigures:
        total = LaneFigures()
        for lane in self.lanes.values():
            total.add(lane)
        return total

    def lane(self, test: TestResult) -> str:
        return self.lane_of.get(test.file, UNKNOWN_LANE)

    @property
    def flaky(self) -> list[TestResult]:
        return [test for lane in self.lanes.values() for test in lane.flaky]

    @property
    def failures(self) -> list[TestResult]:
        """Failed tests that are not an outage's (an outage is one line, not one per test)."""
        return [t for t in self.tests if t.outcome == FAILED and not t.outage]

    @property
    def outage_failures(self) -> int:
        return sum(1 for t in self.tests if t.outcome == FAILED and t.outage)

    def slowest(self, limit: int) -> list[TestResult]:
        return sorted(self.tests, key=lambda t: t.seconds, reverse=True)[:limit]


def build_report(
    tests: Sequence[TestResult],
    lane_of: Mapping[str, str],
    lane_order: Iterable[str],
    *,
    processes: Sequence[ProcessResult] = (),
    outages: Sequence[str] = (),
    not_provisioned: Sequence[str] = (),
    coverage: Coverage | None = None,
    console: str = "",
) -> RunReport:
    lanes: dict[str, LaneFigures] = {}
    for proc in processes:
        lane = lanes.setdefault(lane_of.get(proc.first_file, UNKNOWN_LANE), LaneFigures())
        lane.processes += 1
        lane.process_files += proc.files
        if proc.cached:
            lane.from_cache[proc.source] += 1
            lane.cached_files += proc.files
            lane.seconds_cached += proc.seconds
        else:
            lane.seconds_ran += proc.seconds
    for test in tests:
        lane = lanes.setdefault(lane_of.get(test.file, UNKNOWN_LANE), LaneFigures())
        lane.test_files.add(test.file)
        lane.outcomes[test.outcome] += 1
        if test.flaky:
            lane.flaky.append(test)
    known = [name for name in (*lane_order, UNKNOWN_LANE) if name in lanes]
    order = known + sorted(name for name in lanes if name not in known)
    return RunReport(
        lanes={name: lanes[name] for name in order},
        tests=tests,
        processes=processes,
        lane_of=lane_of,
        outages=outages,
        not_provisioned=not_provisioned,
        coverage=coverage,
        console=console,
    )
