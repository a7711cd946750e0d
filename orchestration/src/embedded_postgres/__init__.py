"""Throwaway PostgreSQL clusters from the machine's own server binaries (see ``cluster``)."""

from embedded_postgres.binaries import find_bindir, server_version
from embedded_postgres.cluster import EmbeddedPostgres
from embedded_postgres.errors import EmbeddedPostgresError
from embedded_postgres.host import free_port

__all__ = [
    "EmbeddedPostgres",
    "EmbeddedPostgresError",
    "find_bindir",
    "free_port",
    "server_version",
]
