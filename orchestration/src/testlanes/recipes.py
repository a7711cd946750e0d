"""How a suite's test database gets its schema: a recipe declared per suite, in configuration.

Three forms, as ``[tool.testlanes.suites.<name>]`` in the pytest config file (pyproject.toml)::

    alembic = "shop:migrations"          # an Alembic script location (package:path or a path)
    sql = "db/schema.sql"                # a SQL file, relative to the config file
    callable = "shop.db:create_schema"   # module:function, called with the database URL

``key_files`` (globs relative to the config file) add to what keys the templates; by default the
key covers the script directory, the SQL file, or the callable's package. A change to any of
those builds new templates; an unchanged recipe reuses them.

Alembic recipes run ``alembic upgrade head`` in a child process whose environment points the
suite's own variables (``DATABASE_URL``, ``POSTGRES_SERVER`` ...) at the target database, and
which also passes the URL as ``sqlalchemy.url`` and ``config.attributes["url"]``: suites whose
``env.py`` reads their settings module work unchanged, and the settings module of THIS process,
already pointing at the process's own database, is never imported with the template's address.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import os
import subprocess
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import psycopg

from testlanes.config import ConfigError

# Bump when the way templates are built changes, so old caches are not reused.
_TEMPLATE_FORMAT = "2"
Kind = Literal["alembic", "sql", "callable"]
KINDS: tuple[Kind, ...] = ("alembic", "sql", "callable")


@dataclass(frozen=True)
class SchemaRecipe:
    suite: str
    kind: Kind
    target: str
    base_dir: Path
    key_files: tuple[str, ...] = ()

    @classmethod
    def from_table(cls, suite: str, table: Mapping[str, object], base_dir: Path) -> SchemaRecipe:
        given = [k for k in KINDS if k in table]
        where = f"[tool.testlanes.suites.{suite}]"
        if len(given) != 1:
            raise ConfigError(
                f"{where} must set exactly one of {', '.join(KINDS)} (how the test database "
                f"gets its schema); it sets {given or 'none'}"
            )
        kind = given[0]
        target = table[kind]
        if not isinstance(target, str) or not target:
            raise ConfigError(f"{where} {kind} must be a non-empty string")
        if kind == "callable" and ":" not in target:
            raise ConfigError(f"{where} callable = {target!r}: expected 'module:function'")
        keys = table.get("key_files", [])
        if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
            raise ConfigError(f"{where} key_files must be a list of globs")
        return cls(suite, kind, target, base_dir, tuple(keys))

    # --- what keys the templates -------------------------------------------------------------

    def source_paths(self) -> list[Path]:
        if self.kind == "sql":
            paths = [self.base_dir / self.target]
        elif self.kind == "alembic":
            paths = _python_files(alembic_location(self.target, self.base_dir))
        else:
            paths = _python_files(_module_home(self.target.partition(":")[0]))
        for pattern in self.key_files:
            paths.extend(sorted(p for p in self.base_dir.glob(pattern) if p.is_file()))
        return paths

    def digest(self) -> str:
        digest = hashlib.sha256(f"{_TEMPLATE_FORMAT}|{self.kind}|{self.target}".encode())
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
            self._run_alembic(url, suite_env(url))
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

    def _run_alembic(self, url: str, exports: Mapping[str, str]) -> None:
        env = {**os.environ, **exports}
        env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) for p in sys.path if p)
        location = str(alembic_location(self.target, self.base_dir))
        proc = subprocess.run(
            [sys.executable, "-m", "testlanes.recipes", location, url],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise ConfigError(
                f"suite {self.suite!r}: alembic upgrade head ({location}) failed:\n"
                f"{proc.stderr.strip()[-2000:]}"
            )


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


def _upgrade_head(location: str, url: str) -> None:
    """The child process of an Alembic recipe."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", location)
    # Escaped: the ini parser behind set_main_option interpolates '%'.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    config.attributes["url"] = url
    command.upgrade(config, "head")


if __name__ == "__main__":
    _upgrade_head(sys.argv[1], sys.argv[2])
