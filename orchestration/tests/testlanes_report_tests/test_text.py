from pathlib import Path

from testlanes_report import text
from testlanes_report.junit import read_outages, read_reports
from testlanes_report.model import build_report
from testlanes_report_tests.samples import FLAKY_TEST, LANE_ORDER, OUTAGE, TESTDATA


def test_the_closing_line_gives_the_whole_run_in_lane_order(
    small_lane_of: dict[str, str],
) -> None:
    reports = [TESTDATA / "unit.xml", TESTDATA / "integration.xml"]
    lines = text.render(build_report(read_reports(reports), small_lane_of, LANE_ORDER)).splitlines()
    assert lines[-1] == "3 passed, 1 failed, 1 skipped"
    assert [line.split()[0] for line in lines[1:3]] == ["unit", "integration"]


def test_flaky_tests_get_a_column_and_a_list_after_the_unchanged_closing_line(
    small_reports: list[Path], small_lane_of: dict[str, str]
) -> None:
    report = build_report(read_reports(small_reports), small_lane_of, LANE_ORDER)
    lines = text.render(report).splitlines()
    assert lines[0].split()[-1] == "flaky"
    assert [line.split()[-1] for line in lines[1:3]] == ["0", "1"]
    assert lines[3] == "5 passed, 1 failed, 1 skipped"
    assert lines[4:] == [
        "FLAKY: 1 passed only after a retry",
        f"  backend/tests/integration/test_flaky_sample.py::{FLAKY_TEST}: 2 attempts, "
        "first error: ConnectionResetError: [Errno 104] Connection reset by peer",
    ]


def test_an_outage_is_one_line_naming_service_address_and_tests_not_run(
    small_lane_of: dict[str, str],
) -> None:
    report = build_report(
        read_reports([OUTAGE]), small_lane_of, LANE_ORDER, outages=read_outages([OUTAGE])
    )
    assert (
        "OUTAGE: postgres down at 127.0.0.1:55123 since "
        "test_alpha.py::test_waits_for_the_outage, 2 tests not run"
    ) in text.render(report).splitlines()
