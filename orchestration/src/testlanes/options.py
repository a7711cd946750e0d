"""Every setting of testlanes through pytest's own layers: a command-line option, an environment
variable and an ini key, resolved once per process (as pytest-django resolves its settings).

A command-line option wins, then the environment variable (Pants passes settings this way, and
they are its cache key), then the ini key (``[tool.pytest.ini_options]`` or ``pytest.ini``).
``pytest --help`` lists each under "testlanes" with its variable and ini key, and the run's
header says where each one set came from.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

import pytest

# This module is imported with the plugin, before pytest-cov starts measuring: it imports nothing
# of testlanes, and the settings' names live here (config.py and lane_policy.py read them).


@dataclass(frozen=True)
class Setting:
    var: str  # the environment variable; also the key the settings classes read
    help: str

    @property
    def key(self) -> str:
        """The ini key and the option's name: TEST_POSTGRES_URL -> testlanes_postgres_url."""
        return "testlanes_" + self.var.removeprefix("TEST_").lower()

    @property
    def flag(self) -> str:
        return "--" + self.key.replace("_", "-")


SERVICES = ("postgres", "opensearch", "elasticsearch")
SERVER = {
    s: Setting(f"TEST_{s.upper()}_URL", f"a shared {s} server (unset: embedded, or tests skipped)")
    for s in SERVICES
}
VERSION = {
    s: Setting(f"TEST_{s.upper()}_VERSION", f"the shared {s} server's version") for s in SERVICES
}
ISOLATION = Setting("TEST_ISOLATION", "how processes share a server: serial (default) or slot")
DECLARED = Setting("TEST_SERVICES", "services every test of this process needs (comma-separated)")
SUITE = Setting("TEST_SUITE", "the suite ([tool.testlanes.suites.<name>]) of this process")
SLOT = Setting("TEST_SLOT", "this process's slot (names slot databases; Pants sets it)")
LOCK_DIR = Setting("TEST_LOCK_DIR", "where local serial locks live")
LOCK_TIMEOUT = Setting("TEST_LOCK_TIMEOUT", "seconds to wait for a serial lock (default 600)")
CACHE_DIR = Setting("TEST_CACHE_DIR", "where template clusters are cached")
CONNECT_TIMEOUT = Setting("TEST_CONNECT_TIMEOUT", "seconds a server may take to answer (default 5)")
LANE = Setting("TEST_LANE", "this process's lane (the BUILD macros set it from lanes.toml)")
MAY_TOUCH = Setting("TEST_LANE_MAY_TOUCH", "what the lane may touch: nothing or services")
RETRIES = Setting("TEST_LANE_RETRIES", "extra attempts for a failed test in this lane")
STRICT = Setting("TEST_STRICT", "1: no retries, whatever the lane allows")

SETTINGS: tuple[Setting, ...] = (
    *SERVER.values(),
    *VERSION.values(),
    ISOLATION,
    DECLARED,
    SUITE,
    SLOT,
    LOCK_DIR,
    LOCK_TIMEOUT,
    CACHE_DIR,
    CONNECT_TIMEOUT,
    LANE,
    MAY_TOUCH,
    RETRIES,
    STRICT,
)


@dataclass(frozen=True)
class Resolved:
    """The value of each setting that is set, by variable name, and where it came from."""

    values: Mapping[str, str]
    sources: Mapping[str, str]
    # Settings whose ini value a variable or option overrode: var -> the ini value.
    overridden: Mapping[str, str]


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("testlanes", "testlanes: lanes, declared services, isolation")
    for setting in SETTINGS:
        where = f"(env {setting.var}, ini {setting.key})"
        group.addoption(
            setting.flag, dest=setting.key, default=None, help=f"{setting.help} {where}"
        )
        parser.addini(setting.key, f"{setting.help} {where}", default="")


_RESOLVED = pytest.StashKey[Resolved]()


def resolve(config: pytest.Config, env: Mapping[str, str] | None = None) -> Resolved:
    """Each setting from the command line, else the environment, else the ini file; once per
    process (the plugin exports variables of its own afterwards)."""
    if _RESOLVED in config.stash:
        return config.stash[_RESOLVED]
    env = os.environ if env is None else env
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    overridden: dict[str, str] = {}
    for setting in SETTINGS:
        ini = str(config.getini(setting.key) or "")
        option = getattr(config.known_args_namespace, setting.key, None)
        for value, source in (
            (option, setting.flag),
            (env.get(setting.var), setting.var),
            (ini, f"ini {setting.key}"),
        ):
            if value:
                values[setting.var], sources[setting.var] = str(value), source
                if ini and value != ini and source != f"ini {setting.key}":
                    overridden[setting.var] = ini
                break
    config.stash[_RESOLVED] = Resolved(values, sources, overridden)
    return config.stash[_RESOLVED]
