"""A hung test fails on its own, named, with the limit (pytest-timeout via PYTEST_TIMEOUT), long
before Pants' process timeout would kill the whole batch without saying which test hung."""

from __future__ import annotations

import pytest

from testlanes_testkit.inner_runs import UNIT, run_in_lane

pytest_plugins = ["pytester"]


def test_a_hung_test_fails_with_its_name_and_the_limit_and_the_rest_still_run(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, hung_batch: str
) -> None:
    run = run_in_lane(pytester, monkeypatch, UNIT, "-rf")
    run.result.assert_outcomes(failed=1, passed=1)
    run.result.stdout.fnmatch_lines(
        [
            f"*_ {hung_batch} _*",
            "E * Failed: Timeout (>1.0s) from pytest-timeout.",
            f"FAILED test_batch.py::{hung_batch} - Failed: *",
        ]
    )
    result = run.results()[hung_batch]
    assert result.outcome == "failed"
    assert result.message.startswith("Failed: Timeout (>1.0s) from pytest-timeout.")
