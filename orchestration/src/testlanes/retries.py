"""Retries for the integration lane only, and every retry reported as a flake.

Pants 2.17 cannot retry tests, so pytest-rerunfailures does, configured here and nowhere else:
as many extra attempts as the lane's ``retries`` in lanes.toml (``TEST_LANE_RETRIES``; the
integration lane has 2, the others none), never with ``TEST_STRICT=1``. Per-test
``@pytest.mark.flaky`` markers are refused, so no test can opt into retries behind the lane's
back. A declared service found down is an outage, not a flake: it is never retried.

A test that needed a retry is never shown as a plain pass:

- terminal: its status is ``FLAKY`` (not ``PASSED``), the summary line counts it as ``flaky``,
  and a ``FLAKY`` section lists test id, attempts and the first error;
- JUnit XML: its ``<testcase>`` carries ``<property name="attempts">`` and ``first_error``
  (rerunfailures writes one testcase per attempt, all looking like passes; the superseded
  attempts are dropped so each test appears once). testlanes.reporting reads them for the
  tally and the CI summary.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from _pytest.junitxml import xml_key

from testlanes import errors
from testlanes.errors import LaneRuleError
from testlanes.lane_policy import STRICT_VAR, LanePolicy

ATTEMPTS_PROPERTY = "attempts"
FIRST_ERROR_PROPERTY = "first_error"

# Failures a retry cannot fix, or would hide: pytest-rerunfailures matches "<Type>: <message>"
# of the test's exception against these. Ours by type (errors.NEVER_RETRY: a broken lane rule,
# a service not provisioned or not declared, rows left behind, an outage); pytest-timeout's by
# its text, since three attempts of PYTEST_TIMEOUT would also overrun Pants' process timeout.
NEVER_RETRY: tuple[str, ...] = (
    r"^Failed: Timeout \(>",
    *(rf"\b{error.__name__}: " for error in errors.NEVER_RETRY),
)


def _one_line(report: pytest.TestReport, limit: int = 300) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    text = getattr(crash, "message", "") or report.longreprtext
    line = next((part.strip() for part in str(text).splitlines() if part.strip()), "")
    line = f"{line} ({report.when})" if report.when != "call" else line
    return line if len(line) <= limit else line[: limit - 3] + "..."


@dataclass
class Retried:
    nodeid: str
    attempts: int = 1
    first_error: str = ""
    outcome: str = ""  # of the final attempt


@dataclass(eq=False)  # pytest keeps plugins in sets
class FlakyReporter:
    """pytest plugin object: records retried tests and reports them."""

    config: pytest.Config
    policy: LanePolicy
    retried: dict[str, Retried] = field(default_factory=dict)
    _superseded: dict[str, set[int]] = field(default_factory=dict)
    _stale_testcases: list[Any] = field(default_factory=list)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if item.get_closest_marker("flaky"):
            raise LaneRuleError(
                f"lane rule ({self.policy.lane}): retries are set per lane in lanes.toml "
                f"({self.policy.retries} here, none with {STRICT_VAR}=1); remove "
                f"@pytest.mark.flaky and fix the test"
            )

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        if call.when == "teardown" and getattr(item, "execution_count", 1) > 1:
            # Before the teardown report is built: it copies user_properties, and junitxml
            # writes that copy into the testcase of this (final) attempt.
            retried = self.retried.get(item.nodeid, Retried(item.nodeid))
            item.user_properties[:] = [
                (k, v)
                for k, v in item.user_properties
                if k not in (ATTEMPTS_PROPERTY, FIRST_ERROR_PROPERTY)
            ]
            item.user_properties += [
                (ATTEMPTS_PROPERTY, str(item.execution_count)),
                (FIRST_ERROR_PROPERTY, retried.first_error),
            ]
        return (yield)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        attempt = getattr(report, "rerun", None)
        if attempt is None:
            return  # rerunfailures did not run this test
        nodeid = report.nodeid
        if report.outcome == "rerun":
            retried = self.retried.setdefault(nodeid, Retried(nodeid))
            if not retried.first_error:
                retried.first_error = _one_line(report)
            self._superseded.setdefault(nodeid, set()).add(attempt)
            return
        if report.when == "teardown" and attempt in self._superseded.get(nodeid, ()):
            # This attempt was retried: junitxml is about to finalize a testcase for it that
            # shows no failure. Remember it, and drop it before the XML is written.
            xml = self.config.stash.get(xml_key, None)
            if xml is not None:
                testcase = xml.node_reporters.get((nodeid, getattr(report, "node", None)))
                if testcase is not None:
                    self._stale_testcases.append(testcase)
            return
        if nodeid in self.retried:
            retried = self.retried[nodeid]
            retried.attempts = attempt + 1
            if report.failed or not retried.outcome:
                retried.outcome = report.outcome

    @pytest.hookimpl(tryfirst=True)
    def pytest_report_teststatus(
        self, report: pytest.TestReport, config: pytest.Config
    ) -> tuple[str, str, tuple[str, Mapping[str, bool]]] | None:
        if report.when == "call" and report.passed and getattr(report, "rerun", 0) >= 1:
            return "flaky", "f", ("FLAKY", {"yellow": True})
        return None

    @pytest.hookimpl(tryfirst=True)
    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        xml = self.config.stash.get(xml_key, None)
        if xml is not None and self._stale_testcases:
            stale = {id(t) for t in self._stale_testcases}
            xml.node_reporters_ordered[:] = [
                t for t in xml.node_reporters_ordered if id(t) not in stale
            ]

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        retried = [r for r in self.retried.values() if r.outcome]
        if not retried:
            return
        flaky = [r for r in retried if r.outcome == "passed"]
        terminalreporter.write_sep(
            "=",
            f"FLAKY: {len(retried)} retried, {len(flaky)} passed only after a retry",
            yellow=True,
            bold=True,
        )
        for r in retried:
            label = "FLAKY" if r.outcome == "passed" else f"{r.outcome.upper()} despite retries"
            terminalreporter.write_line(
                f"{label} {r.nodeid}: {r.attempts} attempts, first error: {r.first_error}"
            )


def register(config: pytest.Config, policy: LanePolicy | None) -> FlakyReporter | None:
    """Called from testlanes.plugin's pytest_configure."""
    if not hasattr(config.option, "reruns"):
        return None  # pytest-rerunfailures is not installed (or disabled with -p no:)
    config.option.reruns = policy.retries if policy is not None else 0
    if policy is None:
        return None
    config.option.force_reruns = None
    config.option.rerun_except = [*(config.option.rerun_except or ()), *NEVER_RETRY]
    reporter = FlakyReporter(config, policy)
    config.pluginmanager.register(reporter, "testlanes_retries")
    return reporter
