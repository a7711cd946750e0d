from pathlib import Path

from testlanes_report import markdown
from testlanes_report.console import parse_console
from testlanes_report.coverage_xml import Coverage, read_coverage_xml
from testlanes_report.junit import (
    FAILED,
    SKIPPED,
    TestResult,
    find_reports,
    read_outages,
    read_reports,
)
from testlanes_report.model import build_report
from testlanes_report_tests.samples import FLAKY_TEST, LANE_ORDER, OUTAGE, SUMMARY, console


def test_lanes_slowest_tests_and_the_gate_verdict_are_shown(
    run_tests: list[TestResult], run_lane_of: dict[str, str]
) -> None:
    report = build_report(
        run_tests,
        run_lane_of,
        LANE_ORDER,
        processes=parse_console(console("console_remote.txt")),
        coverage=read_coverage_xml(SUMMARY / "coverage.xml"),
    )
    text = markdown.render(report, 80.0, 1)
    rows = {line.split("|")[1].strip(): line for line in text.splitlines() if line.startswith("| ")}
    assert "6/6 (6 cached remotely)" in rows["**all**"]
    assert "| 31 |" in rows["**all**"]
    assert rows["integration"].split("|")[2].strip() == "5"
    assert "### Slowest 10 tests" in text
    assert "Total **87.2%**" in text
    assert "gate 80%: passed" in text
    assert "Least covered files: `backend/src/catalog/serve.py` 61%" in text


def test_a_gate_above_the_total_is_reported_as_failed() -> None:
    coverage = Coverage(lines_valid=100, lines_covered=70, branches_valid=0, branches_covered=0)
    report = build_report([], {}, LANE_ORDER, coverage=coverage)
    assert "gate 80%: **FAILED**" in markdown.render(report, 80.0, 1)


def test_failures_name_the_test_and_the_first_line_of_its_message(
    run_lane_of: dict[str, str],
) -> None:
    tests = read_reports(find_reports(SUMMARY / "failed_reports"))
    assert sorted(t.outcome for t in tests) == sorted([FAILED, SKIPPED, "passed"])
    processes = parse_console(console("console_failed.txt"))
    text = markdown.render(build_report(tests, run_lane_of, LANE_ORDER, processes=processes), 80, 1)
    assert "### Failures (1 tests in 1 processes)" in text
    assert (
        "- `backend/tests/unit/test_zz_demo.py::test_slug_of_an_empty_title_is_rejected`: "
        "AssertionError: boom: expected a slug" in text
    )
    assert "No coverage report was written" in text


def test_pants_own_gate_verdict_is_quoted() -> None:
    coverage = Coverage(lines_valid=10, lines_covered=0, branches_valid=0, branches_covered=0)
    report = build_report(
        [], {}, LANE_ORDER, coverage=coverage, console=console("console_gate_failed.txt")
    )
    assert (
        "Pants: `Coverage failure: total of 0.0 is less than fail-under=80.0`."
        in markdown.render(report, 80.0, 1)
    )


def test_flaky_tests_are_listed_with_attempts_and_first_error(
    small_reports: list[Path], small_lane_of: dict[str, str]
) -> None:
    report = build_report(read_reports(small_reports), small_lane_of, LANE_ORDER)
    text = "\n".join(markdown.flaky(report))
    assert text.startswith("### Flaky (1 passed only after a retry)")
    assert f"`backend/tests/integration/test_flaky_sample.py::{FLAKY_TEST}` (integration): " in text
    assert "2 attempts, first error: ConnectionResetError" in text


def test_outages_are_shown_and_their_tests_kept_out_of_failures() -> None:
    report = build_report(read_reports([OUTAGE]), {}, LANE_ORDER, outages=read_outages([OUTAGE]))
    outages = "\n".join(markdown.outages(report))
    assert outages.startswith("### Outages (3 failed tests are theirs")
    assert "- **postgres down at 127.0.0.1:55123 since" in outages
    assert markdown.failures(report, 20) == []
