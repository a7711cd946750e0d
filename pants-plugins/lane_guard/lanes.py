"""The lane rule: every test target sits in exactly one lane of lanes.toml.

Kept free of Pants imports so the rule can be tested like any other code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def lanes_of(tags: Iterable[str], lanes: Sequence[str]) -> list[str]:
    """The lane tags among a target's tags, in lane order."""
    tag_set = set(tags)
    return [lane for lane in lanes if lane in tag_set]


def lane_problem(address: str, tags: Iterable[str] | None, lanes: Sequence[str]) -> str | None:
    """Why the target at `address` breaks the lane rule, or None when it is in exactly one lane."""
    found = lanes_of(tags or (), lanes)
    if len(found) == 1:
        return None
    wanted = ", ".join(lanes)
    if not found:
        return (
            f"{address} has no test lane: tag it with exactly one of {wanted} "
            "(usually with its lane's macro, e.g. unit_tests(), in its BUILD file)."
        )
    in_lanes = ", ".join(found)
    return f"{address} is in {len(found)} test lanes ({in_lanes}): keep exactly one of {wanted}."
