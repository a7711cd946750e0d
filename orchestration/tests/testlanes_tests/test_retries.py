"""Retries: integration lane only, at most two, every retry reported as a flake
(testlanes.retries)."""

from __future__ import annotations

import pytest

from testlanes.lane_policy import LanePolicy
from testlanes_testkit.inner_runs import CONTRACT, INTEGRATION, UNIT, InnerRun, run_in_lane

pytest_plugins = ["pytester"]

# Fails on its first N attempts, then passes; attempts are counted in a file next to it.
FAILS_FIRST = """
from pathlib import Path

def attempt(name):
    counter = Path(__file__).with_name(name + ".attempts")
    n = int(counter.read_text()) + 1 if counter.exists() else 1
    counter.write_text(str(n))
    return n

def test_fails_once():
    assert attempt("once") > 1, "connection reset by peer"

def test_fails_always():
    assert attempt("always") > 99, "always broken"

def test_steady():
    pass
"""


@pytest.fixture()
def suite(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(test_suite=FAILS_FIRST)
    return pytester


def outcomes(run: InnerRun) -> dict[str, int]:
    """The counts of the closing summary line, including rerunfailures' and our categories."""
    return run.result.parseoutcomes()


def attempts(pytester: pytest.Pytester, name: str) -> int:
    return int((pytester.path / f"{name}.attempts").read_text())


def test_a_test_that_fails_once_is_retried_and_reported_as_flaky_in_the_terminal(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = run_in_lane(suite, monkeypatch, INTEGRATION, "-k", "once or steady")
    assert outcomes(run) == {"passed": 1, "rerun": 1, "flaky": 1, "deselected": 1}
    assert attempts(suite, "once") == 2
    run.result.stdout.fnmatch_lines(
        [
            "*test_suite.py::test_fails_once FLAKY*",
            "*= FLAKY: 1 retried, 1 passed only after a retry =*",
            "FLAKY test_suite.py::test_fails_once: 2 attempts, first error: "
            "AssertionError: connection reset by peer",
        ]
    )
    assert "PASSED" not in [line.split()[-2] for line in run.output.splitlines() if "once" in line]


def test_a_flaky_test_is_recorded_once_in_junit_with_its_attempts_and_first_error(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = run_in_lane(suite, monkeypatch, INTEGRATION, "-k", "once or steady")
    cases = run.results()  # each test once: rerunfailures would write one case per attempt
    assert set(cases) == {"test_fails_once", "test_steady"}
    assert run.properties("test_fails_once") == {
        "attempts": "2",
        "first_error": "AssertionError: connection reset by peer",
    }
    assert run.properties("test_steady") == {}


def test_a_test_failing_three_times_fails_after_two_retries(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = run_in_lane(suite, monkeypatch, INTEGRATION, "-k", "always")
    assert outcomes(run) == {"failed": 1, "rerun": 2, "deselected": 2}
    assert attempts(suite, "always") == 3
    assert "FAILED despite retries test_suite.py::test_fails_always: 3 attempts" in run.output
    result = run.results()["test_fails_always"]
    assert (result.outcome, result.error) == ("failed", False)
    assert run.properties("test_fails_always")["attempts"] == "3"


def test_strict_mode_never_retries(suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    run = run_in_lane(suite, monkeypatch, INTEGRATION, strict=True)
    run.result.assert_outcomes(passed=1, failed=2)
    assert (attempts(suite, "once"), attempts(suite, "always")) == (1, 1)
    assert "FLAKY" not in run.output


@pytest.mark.parametrize("lane", [UNIT, CONTRACT, None], ids=["unit", "contract", "no lane"])
def test_lanes_without_retries_never_retry(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, lane: LanePolicy | None
) -> None:
    run = run_in_lane(suite, monkeypatch, lane)
    run.result.assert_outcomes(passed=1, failed=2)
    assert (attempts(suite, "once"), attempts(suite, "always")) == (1, 1)


def test_a_per_test_flaky_marker_is_refused_so_no_test_retries_behind_the_lane(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(
        test_marked="""
        import pytest

        @pytest.mark.flaky(reruns=5)
        def test_marked():
            pass
        """
    )
    run = run_in_lane(pytester, monkeypatch, UNIT)
    run.result.assert_outcomes(errors=1)
    assert "lane rule (unit): retries are set per lane in lanes.toml" in run.output


def test_a_timed_out_test_is_not_retried(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, hung_batch: str
) -> None:
    # Three attempts of the lane's PYTEST_TIMEOUT would overrun Pants' process timeout.
    run = run_in_lane(pytester, monkeypatch, INTEGRATION)
    run.result.assert_outcomes(failed=1, passed=1)
    assert "RERUN" not in run.output


NEVER_RETRIED = """
import contextlib
import pytest
import psycopg
from testlanes.errors import RowsLeftBehind


def test_swallows_a_lane_rule():
    with contextlib.suppress(Exception):  # code that turns every error into "down"
        psycopg.connect("host=127.0.0.1 port=1 dbname=elsewhere connect_timeout=1")


def test_left_rows_behind():
    raise RowsLeftBehind("test_left_rows_behind left rows behind (items: 1)")


def test_uses_postgres_without_declaring_it(database_url):
    pass
"""


@pytest.mark.parametrize(
    "name",
    [
        "test_swallows_a_lane_rule",
        "test_left_rows_behind",
        "test_uses_postgres_without_declaring_it",
    ],
)
def test_a_failure_of_a_never_retried_type_is_not_retried_however_it_is_worded(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    pytester.makepyfile(test_never=NEVER_RETRIED)

    run = run_in_lane(pytester, monkeypatch, INTEGRATION, "-k", name)

    assert outcomes(run).get("rerun", 0) == 0, run.output
    assert run.results()[name].outcome == "failed"
