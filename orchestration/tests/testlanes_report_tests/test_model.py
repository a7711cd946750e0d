from pathlib import Path

import pytest

from testlanes_report.console import parse_console
from testlanes_report.junit import TestResult, read_report, read_reports
from testlanes_report.lane_map import UNKNOWN_LANE, lane_map_from_listings
from testlanes_report.model import build_report
from testlanes_report_tests.samples import LANE_ORDER, TESTDATA, console


def test_lanes_count_files_and_tests_from_the_reports_alone(
    small_reports: list[Path], small_lane_of: dict[str, str]
) -> None:
    lanes = build_report(read_reports(small_reports), small_lane_of, LANE_ORDER).lanes
    assert (lanes["unit"].files, lanes["unit"].tests) == (1, 3)
    assert (lanes["integration"].files, lanes["integration"].tests) == (2, 4)
    assert list(lanes) == ["unit", "integration"]


def test_a_file_no_lane_claims_is_reported_visibly_not_dropped() -> None:
    lanes = build_report(read_report(TESTDATA / "unit.xml"), {}, LANE_ORDER).lanes
    assert lanes[UNKNOWN_LANE].tests == 3


def test_with_the_console_lanes_sum_processes_cache_hits_and_time(
    run_tests: list[TestResult], run_lane_of: dict[str, str]
) -> None:
    processes = parse_console(console("console_pr_one_change.txt"))
    lanes = build_report(run_tests, run_lane_of, LANE_ORDER, processes=processes).lanes
    unit = lanes["unit"]
    assert (unit.files, unit.processes, unit.cached_processes, unit.cached_files) == (23, 2, 1, 4)
    assert (unit.seconds_ran, unit.seconds_cached) == pytest.approx((21.21, 22.26))
    assert lanes["contract"].from_cache == {"cached remotely": 1}
    assert lanes[UNKNOWN_LANE].files == 2  # the build's own tests carry no lane tag
    assert sum(lane.tests for lane in lanes.values()) == len(run_tests)


def test_the_total_adds_up_every_lane(
    run_tests: list[TestResult], run_lane_of: dict[str, str]
) -> None:
    processes = parse_console(console("console_remote.txt"))
    report = build_report(run_tests, run_lane_of, LANE_ORDER, processes=processes)
    assert (report.total.files, report.total.processes, report.total.cached_processes) == (31, 6, 6)
    assert report.total.tests == len(run_tests)


def test_a_lane_map_reads_generated_target_addresses_per_lane() -> None:
    listings = {"unit": "backend/tests/unit/test_a.py:unit\nbackend/tests/unit:unit\n"}
    assert lane_map_from_listings(listings) == {"backend/tests/unit/test_a.py": "unit"}
