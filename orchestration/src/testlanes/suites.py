"""Per-suite configuration: ``[tool.testlanes.suites.<name>]`` in the pytest config file.

A monorepo holds several suites (one per service, say); each test process belongs to one, named
by ``TEST_SUITE`` (set in the BUILD file), or to the only one configured. A suite declares:

``alembic`` / ``alembic_ini`` / ``sql`` / ``callable``
    how its test database gets its schema (see recipes.py); none: the database stays empty.
``env``
    which variables it reads its database address from, at import time or later (default: all
    of exports.POSTGRES_NAMES). The plugin sets them before any conftest is imported.
``services``
    the services every test process of the suite needs (e.g. ``["postgres"]``), provisioned
    before any conftest is imported, as ``TEST_SERVICES`` (a directory's BUILD macro) does.
``leak_check``
    which tests fail when they leave rows behind (leak_check.py): ``"fixtures"`` (default) the
    tests that use the plugin's database fixtures (``db_session``, ``committing_engine`` ...);
    ``true`` every test that declares postgres; ``false`` none. The default lets a suite that
    commits through its own connections and wipes whole tables at session end adopt as it is;
    its rows never reach another suite's check, because every suite's processes have databases
    of their own (slot, embedded) or take turns under the lock and start from emptied tables
    (serial).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import make_url

from testlanes.config import SERVICES
from testlanes.errors import AmbiguousSuite, ConfigError
from testlanes.exports import POSTGRES_NAMES, postgres_exports
from testlanes.recipes import RECIPE_KEYS, SchemaRecipe

# The wheel supports CPython 3.10 (orchestration/pyproject.toml); the repo's ruff targets 3.11.
if sys.version_info >= (3, 11):  # noqa: UP036
    import tomllib
else:  # CPython 3.10: the same parser, released as tomli (the wheel requires it there)
    import tomli as tomllib  # pants: no-infer-dep


LeakCheck = Literal[True, False, "fixtures"]


@dataclass(frozen=True)
class Suite:
    name: str
    recipe: SchemaRecipe | None
    env_names: tuple[str, ...] = POSTGRES_NAMES
    leak_check: LeakCheck = "fixtures"
    services: frozenset[str] = frozenset()

    @classmethod
    def from_table(cls, name: str, table: Mapping[str, object], base_dir: Path) -> Suite:
        where = f"[tool.testlanes.suites.{name}]"
        known = {*RECIPE_KEYS, "env", "leak_check", "services"}
        unknown = sorted(set(table) - known)
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {unknown}; known: {sorted(known)}")
        has_recipe = any(k in table for k in RECIPE_KEYS if k != "key_files")
        recipe = SchemaRecipe.from_table(name, table, base_dir) if has_recipe else None
        env = table.get("env", list(POSTGRES_NAMES))
        if not isinstance(env, list) or not env:
            raise ConfigError(f"{where} env must be a non-empty list of variable names")
        bad = sorted(set(env) - set(POSTGRES_NAMES))
        if bad:
            raise ConfigError(
                f"{where} env: the plugin cannot set {bad}; it sets {', '.join(POSTGRES_NAMES)}"
            )
        leak_check = table.get("leak_check", "fixtures")
        if not (isinstance(leak_check, bool) or leak_check == "fixtures"):
            raise ConfigError(
                f'{where} leak_check must be true, false or "fixtures" (the default: only tests '
                f"that use the plugin's database fixtures); it is {leak_check!r}"
            )
        services = table.get("services", [])
        if not isinstance(services, list) or not all(isinstance(s, str) for s in services):
            raise ConfigError(f"{where} services must be a list of service names")
        unknown_services = sorted(set(services) - set(SERVICES))
        if unknown_services:
            raise ConfigError(
                f"{where} services: unknown {unknown_services}; known: {', '.join(SERVICES)}"
            )
        return cls(name, recipe, tuple(env), leak_check, frozenset(services))

    def exports_for(self, url: str) -> dict[str, str]:
        """This suite's variables pointing at the database of SQLAlchemy ``url``."""
        return postgres_exports(make_url(url), self.env_names)


# Used when no suite is configured: an empty database, every variable, the default leak check.
DEFAULT_SUITE = Suite("default", None)


def load_suites(config_file: Path | None) -> dict[str, Suite]:
    if config_file is None or config_file.suffix != ".toml" or not config_file.exists():
        return {}
    try:
        data = tomllib.loads(config_file.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{config_file}: {exc}") from None
    tables = data.get("tool", {}).get("testlanes", {}).get("suites", {})
    if not isinstance(tables, dict):
        raise ConfigError(f"{config_file}: [tool.testlanes.suites] must be a table of suites")
    return {
        name: Suite.from_table(name, table, config_file.parent) for name, table in tables.items()
    }


def select_suite(
    suites: Mapping[str, Suite], wanted: str | None, config_file: Path | None
) -> Suite:
    """The suite named by TEST_SUITE, else the only one configured, else the default."""
    if wanted:
        if wanted not in suites:
            raise ConfigError(
                f"TEST_SUITE={wanted!r} but {config_file or 'the pytest config'} configures "
                f"{sorted(suites) or 'no suites'} under [tool.testlanes.suites]"
            )
        return suites[wanted]
    if len(suites) == 1:
        return next(iter(suites.values()))
    if suites:
        raise AmbiguousSuite(
            f"{config_file} configures several suites ({', '.join(sorted(suites))}): set "
            f"TEST_SUITE to the one this test directory belongs to (in its BUILD file)"
        )
    return DEFAULT_SUITE
