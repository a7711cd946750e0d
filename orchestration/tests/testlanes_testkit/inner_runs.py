"""Run a pytest session inside a test (pytester, in process) as a given lane would.

In process on purpose: the unit lane may not start subprocesses, and the rules under test are
process-wide (audit hooks), dispatching to the innermost running session.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from testlanes.lane_policy import LANE_VAR, MAY_TOUCH_VAR, RETRIES_VAR, STRICT_VAR, LanePolicy
from testlanes_report.junit import TestResult, by_case_name, read_report
from testlanes_testkit.runner import UNNEEDED_PLUGINS

# Lanes as this repository's lanes.toml defines them, for tests of the rules themselves.
UNIT = LanePolicy("unit", "nothing")
CONTRACT = LanePolicy("contract", "nothing")
INTEGRATION = LanePolicy("integration", "services", retries=2)


@dataclass
class InnerRun:
    result: pytest.RunResult
    junit: Path

    @property
    def output(self) -> str:
        return self.result.stdout.str()

    def results(self) -> dict[str, TestResult]:
        """The run's JUnit results by test name; each name must appear once."""
        return by_case_name(read_report(self.junit))

    def properties(self, name: str) -> dict[str, str]:
        return dict(self.results()[name].properties)


def run_in_lane(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    lane: LanePolicy | None,
    *args: str,
    strict: bool = False,
) -> InnerRun:
    """Run the test files already written into ``pytester`` with our plugin, as ``lane``."""
    for var in (LANE_VAR, MAY_TOUCH_VAR, RETRIES_VAR):
        monkeypatch.delenv(var, raising=False)
    if lane is not None:
        monkeypatch.setenv(LANE_VAR, lane.lane)
        monkeypatch.setenv(MAY_TOUCH_VAR, lane.may_touch)
        monkeypatch.setenv(RETRIES_VAR, str(lane.retries))
    if strict:
        monkeypatch.setenv(STRICT_VAR, "1")
    else:
        monkeypatch.delenv(STRICT_VAR, raising=False)
    junit = pytester.path / "junit.xml"
    result = pytester.runpytest_inprocess(
        "-p",
        "testlanes.plugin",
        "-p",
        "no:cacheprovider",
        # With xdist installed, pytest-rerunfailures opens a socket server in every session that
        # is not an xdist worker: the inner session of a unit-lane test would break its own rule.
        "-p",
        "no:xdist",
        # The lanes load none of them where they are not needed (lanes.toml's disable_plugins),
        # so the outer process may not have imported them before its lane rule was armed.
        *(option for plugin in UNNEEDED_PLUGINS for option in ("-p", f"no:{plugin}")),
        # As strict as pyproject.toml makes the real lanes.
        "--strict-markers",
        "-W",
        "error",
        "-o",
        "junit_family=xunit1",
        f"--junitxml={junit}",
        "-v",
        *args,
    )
    return InnerRun(result, junit)
