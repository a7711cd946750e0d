"""Alembic environment: the database comes from the service's settings."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from inventory.core.config import settings
from inventory.models import Base

# The catalog service's chain can share a server (and a database) with ours.
VERSION_TABLE = "inventory_alembic_version"


def run_migrations_online() -> None:
    engine = create_engine(settings.SQLALCHEMY_DATABASE_URI, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection, target_metadata=Base.metadata, version_table=VERSION_TABLE
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
