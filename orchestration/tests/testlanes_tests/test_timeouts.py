"""A hung test fails on its own, named, with the limit (pytest-timeout via PYTEST_TIMEOUT), long
before Pants' process timeout would kill the whole batch without saying which test hung."""

from __future__ import annotations

import pytest

from testlanes.inner_runs import UNIT, run_in_lane

pytest_plugins = ["pytester"]


def test_a_hung_test_fails_with_its_name_and_the_limit_and_the_rest_still_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PYTEST_TIMEOUT", "0.2")
    pytester.makepyfile(
        test_batch="""
        import threading

        def test_waits_for_a_reply_that_never_comes():
            threading.Event().wait()

        def test_after_the_hung_one():
            pass
        """
    )
    run = run_in_lane(pytester, monkeypatch, UNIT, "-rf")
    run.result.assert_outcomes(failed=1, passed=1)
    run.result.stdout.fnmatch_lines(
        [
            "*_ test_waits_for_a_reply_that_never_comes _*",
            "E * Failed: Timeout (>0.2s) from pytest-timeout.",
            "FAILED test_batch.py::test_waits_for_a_reply_that_never_comes - Failed: *",
        ]
    )
    failure = run.testcases()["test_waits_for_a_reply_that_never_comes"].find("failure")
    assert failure is not None
    assert failure.get("message", "").startswith("Failed: Timeout (>0.2s) from pytest-timeout.")
