"""The terminal rendering: per lane the files and tests, then one closing line for the run."""

from __future__ import annotations

from testlanes_report.junit import FAILED, PASSED, SKIPPED
from testlanes_report.model import RunReport


def render(report: RunReport) -> str:
    lines = [
        f"{'lane':<12} {'files':>5} {'tests':>6} {'passed':>6} {'failed':>6} {'skipped':>7} "
        f"{'flaky':>5}"
    ]
    for name, lane in report.lanes.items():
        lines.append(
            f"{name:<12} {lane.files:>5} {lane.tests:>6} {lane.outcomes[PASSED]:>6} "
            f"{lane.outcomes[FAILED]:>6} {lane.outcomes[SKIPPED]:>7} {len(lane.flaky):>5}"
        )
    total = report.total.outcomes
    lines.append(f"{total[PASSED]} passed, {total[FAILED]} failed, {total[SKIPPED]} skipped")
    lines += [f"NOT PROVISIONED: {message}" for message in report.not_provisioned]
    lines += [f"OUTAGE: {outage}" for outage in report.outages]
    flaky = report.flaky
    if flaky:
        lines.append(f"FLAKY: {len(flaky)} passed only after a retry")
        lines += [
            f"  {test.test_id}: {test.attempts} attempts, first error: {test.first_error}"
            for test in flaky
        ]
    return "\n".join(lines)
