"""Wires the lane guard's rules and one BUILD macro per lane of lanes.toml (`<lane>_tests`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pants.base.build_root import BuildRoot
from pants.build_graph.build_file_aliases import BuildFileAliases

from lane_guard import rules as lane_rules
from lane_guard.lanes_toml import LANES_FILE, Lane, LaneConfig, load_lanes
from lane_guard.macros import python_tests_kwargs


class LaneMacro:
    """`<lane>_tests(**fields)`: a python_tests target in that lane (see macros.py)."""

    def __init__(self, parse_context: Any, config: LaneConfig, lane: Lane) -> None:
        self._parse_context = parse_context
        self._config = config
        self._lane = lane

    def __call__(self, **kwargs: Any) -> Any:
        fields = python_tests_kwargs(
            self._config, self._lane, self._parse_context.rel_path, **kwargs
        )
        return self._parse_context.create_object("python_tests", **fields)


def _factory(config: LaneConfig, lane: Lane) -> Any:
    return lambda parse_context: LaneMacro(parse_context, config, lane)


def lane_macros(config: LaneConfig) -> dict[str, Any]:
    """One BUILD-file macro per lane, `<lane>_tests`, as context-aware object factories."""
    return {f"{lane.name}_tests": _factory(config, lane) for lane in config.lanes}


def build_file_aliases() -> BuildFileAliases:
    # Read once per Pants process; pants.toml's pantsd_invalidation_globs restarts pantsd when
    # lanes.toml changes, so a new lane is never served from a stale daemon.
    config = load_lanes(Path(BuildRoot().path) / LANES_FILE)
    return BuildFileAliases(context_aware_object_factories=lane_macros(config))


def rules():
    return lane_rules.rules()
