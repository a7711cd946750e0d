"""Throwaway PostgreSQL clusters from the machine's own server binaries (see ``cluster``)."""

from embedded_postgres.cluster import (
    EmbeddedPostgres,
    EmbeddedPostgresError,
    find_bindir,
    server_version,
)

__all__ = ["EmbeddedPostgres", "EmbeddedPostgresError", "find_bindir", "server_version"]
