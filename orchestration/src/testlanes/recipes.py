"""How a suite's test database gets its schema: a recipe declared per suite, in configuration.

Three forms, as ``[tool.testlanes.suites.<name>]`` in the pytest config file (pyproject.toml)::

    alembic_ini = "alembic.ini"          # the project's alembic.ini (``alembic_section``: not
                                         # [alembic]); its script_location, its env.py's fileConfig
    alembic = "shop:migrations"          # an Alembic script location (package:path or a path);
                                         # with alembic_ini, overrides the ini's script_location
    sql = "db/schema.sql"                # a SQL file, relative to the config file
    callable = "shop.db:create_schema"   # module:function, called with the database URL

``key_files`` (globs relative to the config file) add to what keys the templates; by default the
key covers the script directory (and the ini file), the SQL file, or the callable's package. A
change to any of those builds new templates; an unchanged recipe reuses them.

Alembic recipes run ``alembic upgrade head`` in a child process (alembic_recipe.py), so the
settings module of THIS process, already pointing at the process's own database, is never
imported with the template's address.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import psycopg

from testlanes.alembic_recipe import AlembicRun
from testlanes.errors import ConfigError

# Bump when the way templates are built changes, so old caches are not reused.
_TEMPLATE_FORMAT = "3"
Kind = Literal["alembic", "sql", "callable"]
KINDS: tuple[Kind, ...] = ("alembic", "sql", "callable")
# Keys of a suite's table that belong to its recipe.
RECIPE_KEYS = (*KINDS, "alembic_ini", "alembic_section", "key_files")


@dataclass(frozen=True)
class SchemaRecipe:
    suite: str
    kind: Kind
    target: str
    base_dir: Path
    key_files: tuple[str, ...] = ()
    alembic_ini: str | None = None
    alembic_section: str = "alembic"

    @classmethod
    def from_table(cls, suite: str, table: Mapping[str, object], base_dir: Path) -> SchemaRecipe:
        where = f"[tool.testlanes.suites.{suite}]"
        ini = _optional_string(table, "alembic_ini", where)
        section = _optional_string(table, "alembic_section", where)
        if section is not None and ini is None:
            raise ConfigError(f"{where} alembic_section names a section of alembic_ini: set both")
        given = [k for k in KINDS if k in table]
        if ini is not None:
            if given not in ([], ["alembic"]):
                raise ConfigError(f"{where} alembic_ini goes with alembic or alone, not {given}")
            given = ["alembic"]  # the ini alone is a recipe: its own script_location
        if len(given) != 1:
            raise ConfigError(
                f"{where} must set exactly one of {', '.join(KINDS)} (how the test database "
                f"gets its schema); it sets {given or 'none'}"
            )
        kind = given[0]
        target = table.get(kind, "")
        if not isinstance(target, str) or (not target and ini is None):
            raise ConfigError(f"{where} {kind} must be a non-empty string")
        if kind == "callable" and ":" not in target:
            raise ConfigError(f"{where} callable = {target!r}: expected 'module:function'")
        keys = table.get("key_files", [])
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise ConfigError(f"{where} key_files must be a list of globs")
        if ini is not None and not (base_dir / ini).is_file():
            raise ConfigError(f"{where} alembic_ini = {ini!r}: no such file in {base_dir}")
        return cls(suite, kind, target, base_dir, tuple(keys), ini, section or "alembic")

    # --- what keys the templates -------------------------------------------------------------

    def source_paths(self) -> list[Path]:
        if self.kind == "sql":
            paths = [self.base_dir / self.target]
        elif self.kind == "alembic":
            run = self.alembic_run()
            paths = _python_files(self._script_location(run))
            paths += [run.ini] if run.ini is not None else []
        else:
            paths = _python_files(_module_home(self.target.partition(":")[0]))
        for pattern in self.key_files:
            paths.extend(sorted(p for p in self.base_dir.glob(pattern) if p.is_file()))
        return paths

    def digest(self) -> str:
        digest = hashlib.sha256(
            f"{_TEMPLATE_FORMAT}|{self.kind}|{self.target}|{self.alembic_section}".encode()
        )
        for path in self.source_paths():
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ConfigError(f"suite {self.suite!r}: cannot read {path}: {exc}") from None
            digest.update(path.name.encode() + b"\0" + data + b"\0")
        return digest.hexdigest()

    # --- making the schema ---------------------------------------------------------------------

    def apply(self, url: str, suite_env: Callable[[str], Mapping[str, str]]) -> None:
        """Give the (empty) database at SQLAlchemy ``url`` the suite's schema."""
        if self.kind == "alembic":
            self.alembic_run().upgrade_head(url, suite_env(url))
            return
        try:
            if self.kind == "sql":
                script = (self.base_dir / self.target).read_text()
                with psycopg.connect(_libpq(url), autocommit=True) as conn:
                    conn.execute(script.encode())
            else:
                module, _, func = self.target.partition(":")
                getattr(importlib.import_module(module), func)(url)
        except Exception as exc:  # whatever the recipe raises, the database has no schema
            raise ConfigError(
                f"suite {self.suite!r}: its schema recipe ({self.kind} = {self.target!r}) failed: "
                f"{type(exc).__name__}: {str(exc).strip()}. Fix the recipe, or run it by hand "
                f"against an empty database to see the whole error"
            ) from None

    def alembic_run(self) -> AlembicRun:
        ini = (self.base_dir / self.alembic_ini).resolve() if self.alembic_ini else None
        location = alembic_location(self.target, self.base_dir) if self.target else None
        return AlembicRun(self.suite, location, ini, self.alembic_section)

    @staticmethod
    def _script_location(run: AlembicRun) -> Path:
        if run.location is not None:
            return run.location
        return alembic_location(run.ini_script_location(), run.directory)


def alembic_location(target: str, base_dir: Path) -> Path:
    """``package:path`` (Alembic's own notation) or a directory relative to the config file."""
    package, sep, rest = target.partition(":")
    if sep:
        return _module_home(package) / rest
    return base_dir / target


def _module_home(module: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None and not spec.submodule_search_locations:
        raise ConfigError(f"cannot find module {module!r} for a schema recipe")
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(str(spec.origin))


def _python_files(root: Path) -> list[Path]:
    if root.is_file():
        return [root]
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def _optional_string(table: Mapping[str, object], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is not None and (not isinstance(value, str) or not value):
        raise ConfigError(f"{where} {key} must be a non-empty string")
    return value
