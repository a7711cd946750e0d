"""The lane policy a test process reads from the variables the BUILD macros set."""

from __future__ import annotations

import pytest

from testlanes.errors import ConfigError
from testlanes.lane_policy import LanePolicy, lane_env


def test_without_a_lane_there_is_no_policy() -> None:
    assert LanePolicy.from_env({}) is None


def test_a_lane_that_may_touch_nothing_is_pure() -> None:
    policy = LanePolicy.from_env(lane_env("unit", "nothing"))
    assert policy == LanePolicy("unit", "nothing", 0)
    assert policy.pure


def test_a_fourth_lane_needs_no_code_only_its_variables() -> None:
    policy = LanePolicy.from_env(lane_env("smoke", "services", retries=1))
    assert policy == LanePolicy("smoke", "services", 1)
    assert not policy.pure


def test_strict_mode_turns_retries_off() -> None:
    env = {**lane_env("integration", "services", retries=2), "TEST_STRICT": "1"}
    assert LanePolicy.from_env(env).retries == 0  # type: ignore[union-attr]


def test_a_lane_without_its_policy_is_refused_naming_where_it_comes_from() -> None:
    with pytest.raises(ConfigError, match="the BUILD macros set both from lanes.toml"):
        LanePolicy.from_env({"TEST_LANE": "unit"})


def test_retries_must_be_a_whole_number() -> None:
    env = {**lane_env("integration", "services"), "TEST_LANE_RETRIES": "two"}
    with pytest.raises(ConfigError, match="not a whole number"):
        LanePolicy.from_env(env)
