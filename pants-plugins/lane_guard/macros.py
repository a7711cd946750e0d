"""The lane macros: what `integration_tests(services=["postgres"])` turns into.

Pants-free, so it is tested like any other code; register.py hands it to the BUILD parser.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from lane_guard.lanes_toml import Lane, LaneConfig


class MacroError(ValueError):
    """A lane macro was called with arguments its lane does not allow."""


def python_tests_kwargs(
    config: LaneConfig,
    lane: Lane,
    build_dir: str,
    *,
    services: Iterable[str] = (),
    suite: str | None = None,
    batch: str | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """The fields of the `python_tests` target a `<lane>_tests(...)` call stands for.

    The lane sets the tag, batch, process timeout and the variables that carry its policy;
    what the caller passes (tags, dependencies, extra_env_vars, ...) is added to them. The
    pytest plugin is a dependency, loaded with `-p` only when lanes.toml names its module.
    """
    services = tuple(services)
    where = f"{build_dir}/BUILD: {lane.name}_tests()"
    if services and lane.may_touch != "services":
        raise MacroError(
            f"{where} declares services {list(services)}, but tests in the {lane.name} lane may "
            f"touch nothing (lanes.toml); move them to a lane whose may_touch is 'services'"
        )
    for name in ("tags", "batch_compatibility_tag", "timeout"):
        if name in kwargs and name != "tags":
            raise MacroError(f"{where} sets {name}, which its lane sets (lanes.toml)")
    extra = _strings(kwargs.pop("extra_env_vars", ()), where, "extra_env_vars")
    deps = _strings(kwargs.pop("dependencies", ()), where, "dependencies")
    tags = _strings(kwargs.pop("tags", ()), where, "tags")
    return {
        **kwargs,
        "tags": [lane.name, *tags],
        "batch_compatibility_tag": batch or lane.batch,
        "timeout": lane.process_timeout,
        "dependencies": [config.plugin_target, *deps],
        "extra_env_vars": [
            *lane.env(services, suite),
            *pytest_addopts(lane, config.plugin_module),
            *extra,
        ],
    }


def _strings(value: Any, where: str, name: str) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Iterable) or isinstance(value, Mapping):
        raise MacroError(f"{where}: {name} must be a list of strings")
    return [str(v) for v in value]


def pytest_addopts(lane: Lane, plugin_module: str | None) -> list[str]:
    """`PYTEST_ADDOPTS`: `-p <module>` for a plugin in source form (an installed one loads by its
    entry point), `-p no:<name>` for each plugin the lane disables; none when neither applies."""
    options = [f"-p {plugin_module}"] if plugin_module else []
    options += [f"-p no:{name}" for name in lane.disable_plugins]
    return [f"PYTEST_ADDOPTS={' '.join(options)}"] if options else []
