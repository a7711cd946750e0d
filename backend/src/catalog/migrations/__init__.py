"""Alembic migrations shipped inside the package, runnable programmatically.

The script location is computed from this file, so migrations work from any working directory,
including Pants sandboxes, without an ``alembic.ini``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.engine import Connection

SCRIPT_LOCATION = Path(__file__).resolve().parent


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """Alembic config for this package; pass either a database URL or an open connection."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    # Passed via attributes rather than the ini option: URLs may contain '%', which the
    # ConfigParser behind set_main_option would try to interpolate.
    config.attributes["url"] = url
    config.attributes["connection"] = connection
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships revisions
        raise RuntimeError("no migration revisions found")
    return head


def revisions() -> list[str]:
    """All revision ids, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def revision_of(connection: Connection) -> str | None:
    """The revision of the database behind ``connection`` (None: never migrated)."""
    return MigrationContext.configure(connection).get_current_revision()


def current_revision(url: str) -> str | None:
    """The revision the database is at, or None for an unmigrated database."""
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return revision_of(connection)
    finally:
        engine.dispose()


__all__ = [
    "SCRIPT_LOCATION",
    "alembic_config",
    "current_revision",
    "downgrade",
    "head_revision",
    "revisions",
    "upgrade",
]
