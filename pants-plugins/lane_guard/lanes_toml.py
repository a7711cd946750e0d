"""The one reader of lanes.toml: the lanes, and the variables that give a test process its lane.

Ships in the Pants plugin distribution (pants-testlanes) with the lane macros and the lane guard,
and is imported by the lane report (testlanes_report) it also ships. It runs on Pants' own
CPython 3.9, so: standard library only, ``toml`` (a dependency of Pants) where ``tomllib`` is
missing, and annotations that stay strings. The pytest side reads only the variables
(testlanes/lane_policy.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

try:
    import tomllib as _toml
except ImportError:  # pragma: no cover - CPython 3.9 inside Pants
    import toml as _toml  # type: ignore[no-redef]  # pants: no-infer-dep


def parse_toml(text: str) -> dict[str, Any]:
    """A TOML document as a dict, on any CPython Pants or the report runs on."""
    return _toml.loads(text)


LANES_FILE = "lanes.toml"
_MAY_TOUCH = ("nothing", "services")
_KEYS = {
    "description",
    "may_touch",
    "batch",
    "process_timeout",
    "test_timeout",
    "retries",
    "lock_timeout",
    "disable_plugins",
}


class LanesError(ValueError):
    """lanes.toml is malformed; the message names the file, the lane and the key."""


@dataclass(frozen=True)
class Lane:
    name: str
    description: str
    may_touch: str
    batch: str
    process_timeout: int
    test_timeout: int
    retries: int = 0
    lock_timeout: int | None = None
    # Installed pytest plugins this lane's processes do not load (`-p no:NAME`): every process
    # otherwise pays their import before its first test.
    disable_plugins: tuple[str, ...] = ()

    def env(self, services: tuple[str, ...] = (), suite: str | None = None) -> tuple[str, ...]:
        """The variables (``NAME=value``) that give a test process this lane's policy."""
        env = [
            f"TEST_LANE={self.name}",
            f"TEST_LANE_MAY_TOUCH={self.may_touch}",
            f"TEST_LANE_RETRIES={self.retries}",
            f"PYTEST_TIMEOUT={self.test_timeout}",
        ]
        if self.lock_timeout is not None:
            env.append(f"TEST_LOCK_TIMEOUT={self.lock_timeout}")
        if services:
            env.append(f"TEST_SERVICES={','.join(services)}")
        if suite:
            env.append(f"TEST_SUITE={suite}")
        return tuple(env)


@dataclass(frozen=True)
class LaneConfig:
    lanes: tuple[Lane, ...]
    plugin_target: str
    # Loaded with `-p` when set; unset when the pytest plugin is an installed distribution, whose
    # pytest11 entry point loads it (pytest refuses one plugin registered under two names).
    plugin_module: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(lane.name for lane in self.lanes)

    def lane(self, name: str) -> Lane:
        for lane in self.lanes:
            if lane.name == name:
                return lane
        raise LanesError(f"no lane {name!r}; lanes: {', '.join(self.names)}")


def load_lanes(path: Path) -> LaneConfig:
    try:
        data = parse_toml(path.read_text())
    except OSError as exc:
        raise LanesError(f"cannot read {path}: {exc}") from None
    except ValueError as exc:  # tomllib.TOMLDecodeError and toml's errors are ValueErrors
        raise LanesError(f"{path}: {exc}") from None
    tables = data.get("lanes")
    if not isinstance(tables, dict) or not tables:
        raise LanesError(f"{path}: no [lanes.<name>] tables")
    plugin = data.get("plugin_target")
    if not isinstance(plugin, str) or not plugin:
        raise LanesError(f"{path}: plugin_target must name the pytest plugin's target")
    module = data.get("plugin_module")
    if module is not None and (not isinstance(module, str) or not module):
        raise LanesError(f"{path}: plugin_module must be a module name, e.g. testlanes.plugin")
    return LaneConfig(tuple(_lane(path, n, t) for n, t in tables.items()), plugin, module)


def _lane(path: Path, name: str, table: Any) -> Lane:
    where = f"{path} [lanes.{name}]"
    if not isinstance(table, dict):
        raise LanesError(f"{where} must be a table")
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise LanesError(f"{where}: unknown key(s) {unknown}; known: {sorted(_KEYS)}")
    may_touch = table.get("may_touch")
    if may_touch not in _MAY_TOUCH:
        raise LanesError(f"{where} may_touch must be one of {', '.join(_MAY_TOUCH)}")
    numbers = {}
    for key in ("process_timeout", "test_timeout", "retries", "lock_timeout"):
        value = table.get(key)
        required = key in ("process_timeout", "test_timeout")
        if value is None and not required:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise LanesError(f"{where} {key} must be a whole number of seconds (or attempts)")
        numbers[key] = value
    if numbers["test_timeout"] >= numbers["process_timeout"]:
        raise LanesError(f"{where} test_timeout must be below process_timeout")
    disabled = table.get("disable_plugins", [])
    if not isinstance(disabled, list) or not all(
        isinstance(name, str) and name and not any(c.isspace() for c in name) for name in disabled
    ):
        raise LanesError(
            f"{where} disable_plugins must be a list of pytest plugin names (as `-p no:NAME` "
            f'takes them), e.g. ["schemathesis"]'
        )
    return Lane(
        name=name,
        description=str(table.get("description", "")),
        may_touch=may_touch,
        batch=str(table.get("batch", name)),
        process_timeout=numbers["process_timeout"],
        test_timeout=numbers["test_timeout"],
        retries=numbers.get("retries", 0),
        lock_timeout=numbers.get("lock_timeout"),
        disable_plugins=tuple(disabled),
    )
