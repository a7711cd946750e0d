import pytest

from lane_guard.lanes import LANES, lane_problem, lanes_of


@pytest.mark.parametrize("lane", LANES)
def test_a_target_in_exactly_one_lane_passes(lane: str) -> None:
    assert lane_problem("backend/tests/x:y", [lane, "slow"]) is None


def test_a_target_without_a_lane_is_named_in_the_problem() -> None:
    problem = lane_problem("backend/tests/orphan:tests", ["slow"])
    assert problem is not None
    assert problem.startswith("backend/tests/orphan:tests has no test lane")


def test_a_target_without_any_tags_has_no_lane() -> None:
    assert "has no test lane" in (lane_problem("a:b", None) or "")


def test_a_target_in_two_lanes_lists_both() -> None:
    problem = lane_problem("a:b", ["integration", "unit"]) or ""
    assert "is in 2 test lanes (unit, integration)" in problem


def test_lanes_of_keeps_lane_order_and_ignores_other_tags() -> None:
    assert lanes_of(["integration", "x", "unit"]) == ["unit", "integration"]
