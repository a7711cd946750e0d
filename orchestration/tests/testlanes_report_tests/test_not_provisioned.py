"""A test process stopped before its first test (testlanes.startup) is one cause in the lane
report and the CI summary, never N test failures."""

from __future__ import annotations

from pathlib import Path

import pytest

from testlanes.startup import write_junit
from testlanes_report import markdown, text
from testlanes_report.junit import FAILED, read_not_provisioned, read_reports
from testlanes_report.model import RunReport, build_report
from testlanes_report_tests.samples import LANE_ORDER

CAUSE = "testlanes: cannot provision postgres: postgres is unreachable at 127.0.0.1:1"


@pytest.fixture()
def stopped_run(tmp_path: Path) -> RunReport:
    report = tmp_path / "integration.xml"
    write_junit(report, CAUSE, "integration")
    return build_report(
        read_reports([report]), {}, LANE_ORDER, not_provisioned=read_not_provisioned([report])
    )


def test_the_terminal_report_names_the_cause_and_counts_no_failed_test(
    stopped_run: RunReport,
) -> None:
    assert stopped_run.total.outcomes[FAILED] == 0
    assert f"NOT PROVISIONED: {CAUSE}" in text.render(stopped_run).splitlines()


def test_the_job_summary_names_the_cause_under_its_own_heading(stopped_run: RunReport) -> None:
    summary = markdown.render(stopped_run, fail_under=80, precision=1)
    assert "### Not provisioned (1 test processes ran no test)" in summary
    assert f"- **{CAUSE}**" in summary
